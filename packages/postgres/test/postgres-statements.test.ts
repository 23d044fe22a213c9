/*
 * PostgreSQL named prepared statements: a statement with parameters is parsed once per
 * connection and run by name after that; the cache has a size (least recently used
 * statements are deallocated), can be turned off, and recovers from plans made stale by DDL.
 */
import { createEngine, ProgrammingError, sql, type Engine } from '@strata/core';
import '@strata/postgres';
import { testUrl } from '@strata/testkit';

/** The statements the server holds prepared for the connection that runs this query. */
async function prepared(conn: { execute(s: string): Promise<{ rows: Record<string, unknown>[] }> }): Promise<string[]> {
  const { rows } = await conn.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'strata%' ORDER BY prepare_time");
  return rows.map((r) => String(r.statement));
}

function urlWith(option: string): string {
  const url = testUrl('postgresql');
  return `${url}${url.includes('?') ? '&' : '?'}${option}`;
}

describe('postgresql: prepared statements', () => {
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.dispose();
    engine = undefined;
  });

  test('a statement with parameters is prepared once per connection and run by name after that', async () => {
    engine = createEngine(testUrl('postgresql'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      for (let i = 0; i < 3; i++) expect((await conn.execute(sql`SELECT ${i}::int + 1 AS n`)).scalar()).toBe(i + 1);
      expect(await prepared(conn)).toEqual(['SELECT $1::int + 1 AS n']);
    } finally {
      await conn.close();
    }
  });

  test('statement_cache_size=0 runs every statement unnamed', async () => {
    engine = createEngine(urlWith('statement_cache_size=0'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      expect((await conn.execute(sql`SELECT ${41}::int + 1 AS n`)).scalar()).toBe(42);
      expect(await prepared(conn)).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  test('past statement_cache_size the least recently used statement is deallocated, and runs again when needed', async () => {
    engine = createEngine(urlWith('statement_cache_size=2'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      await conn.execute(sql`SELECT ${1}::int AS a`);
      await conn.execute(sql`SELECT ${1}::int AS b`);
      await conn.execute(sql`SELECT ${1}::int AS a`);
      await conn.execute(sql`SELECT ${1}::int AS c`);
      expect(await prepared(conn)).toEqual(['SELECT $1::int AS a', 'SELECT $1::int AS c']);
      expect((await conn.execute(sql`SELECT ${7}::int AS b`)).scalar()).toBe(7);
      expect(await prepared(conn)).toEqual(['SELECT $1::int AS c', 'SELECT $1::int AS b']);
    } finally {
      await conn.close();
    }
  });

  test('a bad statement_cache_size is refused naming the option', () => {
    expect(() => createEngine(urlWith('statement_cache_size=lots'))).toThrow(/statement_cache_size must be a whole number/);
  });

  test('a plan made stale by DDL is prepared again outside a transaction, and fails clearly inside one', async () => {
    engine = createEngine(testUrl('postgresql'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      await conn.execute('DROP TABLE IF EXISTS pg_stmt_stale');
      await conn.execute('CREATE TABLE pg_stmt_stale (id integer PRIMARY KEY, v integer)');
      await conn.execute(sql`INSERT INTO pg_stmt_stale VALUES (${1}, ${10})`);
      const read = () => conn.execute(sql`SELECT v FROM pg_stmt_stale WHERE id = ${1}`);
      expect((await read()).scalar()).toBe(10);
      await conn.execute('ALTER TABLE pg_stmt_stale ALTER COLUMN v TYPE text');
      expect((await read()).scalar()).toBe('10');
      await conn.execute('ALTER TABLE pg_stmt_stale ALTER COLUMN v TYPE integer USING v::integer');
      await conn.begin();
      await expect(read()).rejects.toBeInstanceOf(ProgrammingError);
      await conn.rollback();
      expect((await read()).scalar()).toBe(10);
    } finally {
      await conn.execute('DROP TABLE IF EXISTS pg_stmt_stale');
      await conn.close();
    }
  });
});

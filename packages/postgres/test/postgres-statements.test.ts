/*
 * PostgreSQL named prepared statements: a statement with parameters is parsed once per
 * connection and run by name after that; the cache has a size and a byte budget (least
 * recently used statements are deallocated), skips big statements, can be turned off, and
 * recovers from plans made stale by DDL. IN lists of any length are one statement.
 */
import { ArgumentError, createEngine, Entity, MetaData, PrimaryColumn, ProgrammingError, select, sql, type Engine } from '@strata/core';
import '@strata/postgres';
import { testUrl } from '@strata/testkit';

/** The statements the server holds prepared for the connection that runs this query. */
async function prepared(conn: { execute(s: string): Promise<{ rows: Record<string, unknown>[] }> }): Promise<string[]> {
  const { rows } = await conn.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'strata%' ORDER BY prepare_time");
  return rows.map((r) => String(r.statement));
}

/** This connection's backend memory, in bytes (every memory context of the session's process). */
async function backendMemory(conn: { execute(s: string): Promise<{ rows: Record<string, unknown>[] }> }): Promise<number> {
  const { rows } = await conn.execute('SELECT sum(total_bytes) AS n FROM pg_backend_memory_contexts');
  return Number(rows[0]!.n);
}

@Entity('pg_stmt_rows')
class PgStmtRow {
  @PrimaryColumn({ type: 'integer' }) id!: number;
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

  test('IN lists of 400 lengths up to 20,000 values leave one prepared statement, and the backend memory stays bounded', async () => {
    engine = createEngine(testUrl('postgresql'), { poolSize: 1 });
    const md = new MetaData([PgStmtRow]);
    await md.dropAll(engine, { checkFirst: true });
    await md.createAll(engine);
    const conn = await engine.connect();
    try {
      await conn.execute(sql`INSERT INTO pg_stmt_rows (id) SELECT generate_series(1, 20)`);
      const before = await backendMemory(conn);
      for (let n = 1; n <= 400; n++) {
        const ids = Array.from({ length: n * 50 }, (_, i) => i + 1);
        expect((await conn.execute(select(PgStmtRow).where((r) => r.id.in(ids)))).rows).toHaveLength(20);
      }
      const grown = (await backendMemory(conn)) - before;
      expect((await prepared(conn)).filter((text) => text.includes('pg_stmt_rows'))).toEqual(['SELECT "pg_stmt_rows"."id" FROM "pg_stmt_rows" WHERE "pg_stmt_rows"."id" = ANY($1::integer[])']);
      // One IN list per length once took 264 MB here; one statement holds well under 8 MB.
      expect(grown).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await conn.close();
      await md.dropAll(engine, { checkFirst: true });
    }
  }, 120_000);

  test('a statement of more than 15 KB of text runs unnamed', async () => {
    engine = createEngine(testUrl('postgresql'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      const long = sql`SELECT ${1}::int AS n /* ${sql.raw('x'.repeat(16 * 1024))} */`;
      expect((await conn.execute(long)).scalar()).toBe(1);
      expect((await conn.execute(sql`SELECT ${2}::int AS short`)).scalar()).toBe(2);
      expect(await prepared(conn)).toEqual(['SELECT $1::int AS short']);
    } finally {
      await conn.close();
    }
  });

  test('a statement binding more than 1,000 parameters runs unnamed, however short', async () => {
    engine = createEngine(testUrl('postgresql'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      const values = Array.from({ length: 1_001 }, (_, i) => i);
      const statement = sql`SELECT count(*) AS n FROM (VALUES (1)) AS t (v) WHERE v IN (${sql.join(values)})`;
      expect(Number((await conn.execute(statement)).scalar())).toBe(1);
      expect(await prepared(conn)).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  test('statement_cache_bytes bounds the SQL text kept named: the least recently used goes first', async () => {
    engine = createEngine(urlWith('statement_cache_bytes=2000'), { poolSize: 1 });
    const conn = await engine.connect();
    try {
      const padded = (label: string) => sql`SELECT ${1}::int AS ${sql.id(label)} /* ${sql.raw(label.repeat(800))} */`;
      for (const label of ['a', 'b', 'c']) await conn.execute(padded(label));
      const texts = await prepared(conn);
      expect(texts.map((t) => t.slice(0, 22))).toEqual(['SELECT $1::int AS "b" ', 'SELECT $1::int AS "c" ']);
      expect(texts.reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(2000);
    } finally {
      await conn.close();
    }
  });

  test('a bad statement_cache_bytes is refused naming the option', () => {
    expect(() => createEngine(urlWith('statement_cache_bytes=-1'))).toThrow(ArgumentError);
    expect(() => createEngine(urlWith('statement_cache_bytes=much'))).toThrow(/statement_cache_bytes must be a whole number of bytes/);
  });
});

/*
 * SQLite-only behaviour: the in-memory database's single connection, URL options,
 * pragmas set on connect, value binding, busy waits that never block the event loop, and
 * LIKE patterns SQLite would read short.
 */
import { ArgumentError, Column, ConnectionFailedError, createEngine, Entity, IntegrityError, MetaData, PrimaryGeneratedColumn, select, SerializationError, sql, ValidationError } from '@strata/core';
import '@strata/sqlite';
import { sqliteFileUrl } from '@strata/testkit';

describe('sqlite: specifics', () => {
  test('an in-memory database keeps one connection, whatever the options say', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const engine = createEngine('sqlite::memory:', { poolSize: 5, poolTimeout: 100 });
    const warnings = warn.mock.calls.map((call) => String(call[0]));
    warn.mockRestore();
    try {
      expect(engine.status().size).toBe(1);
      expect(warnings.some((w) => /in-memory SQLite database exists inside one connection/.test(w))).toBe(true);
      const conn = await engine.connect();
      await conn.execute('CREATE TABLE t (x integer)');
      await conn.execute(sql`INSERT INTO t VALUES (${1})`);
      await conn.close();
      // The table is still there: the same connection came back.
      expect(Number((await engine.execute('SELECT count(*) AS n FROM t')).scalar())).toBe(1);
    } finally {
      await engine.dispose();
    }
  });

  test('foreign keys are enforced and file databases use WAL', async () => {
    const engine = createEngine(sqliteFileUrl());
    try {
      expect((await engine.execute('PRAGMA journal_mode')).scalar()).toBe('wal');
      expect((await engine.execute('PRAGMA foreign_keys')).scalar()).toBe(1);
      await engine.execute('CREATE TABLE parent (id integer primary key)');
      await engine.execute('CREATE TABLE child (id integer primary key, parent_id integer REFERENCES parent(id))');
      await expect(engine.execute(sql`INSERT INTO child (parent_id) VALUES (${42})`)).rejects.toThrow(IntegrityError);
    } finally {
      await engine.dispose();
    }
  });

  test('booleans and dates bind as 1/0 and ISO-8601 text', async () => {
    const engine = createEngine('sqlite::memory:');
    try {
      const row = (await engine.execute(sql`SELECT ${true} AS yes, ${false} AS no, ${new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))} AS at`)).rows[0];
      expect(row).toEqual({ yes: 1, no: 0, at: '2024-01-02T03:04:05.006Z' });
    } finally {
      await engine.dispose();
    }
  });

  test('a busy database is waited for asynchronously, then reported as a SerializationError', async () => {
    const url = `${sqliteFileUrl()}?busy_timeout=300`;
    const engine = createEngine(url, { poolSize: 2 });
    await engine.execute('CREATE TABLE busy (x integer)');
    const holder = await engine.connect();
    const other = await engine.connect();
    try {
      await holder.begin();
      await holder.execute(sql`INSERT INTO busy VALUES (${1})`);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const error = await other.begin().catch((e: unknown) => e);
      clearInterval(timer);
      expect(error).toBeInstanceOf(SerializationError);
      // The event loop kept running while the second connection waited.
      expect(ticks).toBeGreaterThan(5);
      // Once the holder commits, the other connection gets the lock after a short wait.
      const waiting = other.begin();
      setTimeout(() => void holder.commit(), 50);
      await waiting;
      await other.execute(sql`INSERT INTO busy VALUES (${2})`);
      await other.commit();
      expect(Number((await engine.execute('SELECT count(*) AS n FROM busy')).scalar())).toBe(2);
    } finally {
      await holder.close();
      await other.close();
      await engine.dispose();
    }
  });

  test('a COMMIT that fails without a disconnect leaves the transaction open for rollback()', async () => {
    // With a rollback journal, COMMIT needs every reader gone; a reader holding its snapshot makes it busy.
    const engine = createEngine(`${sqliteFileUrl()}?journal_mode=delete&busy_timeout=100`, { poolSize: 2 });
    await engine.execute('CREATE TABLE jr (x integer)');
    await engine.execute(sql`INSERT INTO jr VALUES (${1})`);
    const reader = await engine.connect();
    const writer = await engine.connect();
    try {
      await reader.begin({ readOnly: true });
      await reader.execute('SELECT * FROM jr');
      await writer.begin();
      await writer.execute(sql`INSERT INTO jr VALUES (${2})`);
      await expect(writer.commit()).rejects.toThrow(SerializationError);
      expect(writer.inTransaction).toBe(true);
      await writer.rollback();
      await reader.commit();
      // Nothing is left locked: new writes go through.
      await engine.execute(sql`INSERT INTO jr VALUES (${3})`);
      expect((await engine.execute('SELECT x FROM jr ORDER BY x')).rows.map((r) => r.x)).toEqual([1, 3]);
    } finally {
      await reader.close();
      await writer.close();
      await engine.dispose();
    }
  });

  test('a path that cannot be opened is a ConnectionFailedError naming it', async () => {
    const engine = createEngine('sqlite:////nonexistent-dir-strata/sub/app.db');
    try {
      const error = (await engine.connect().catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ConnectionFailedError);
      expect(error.message).toContain('SQLite at /nonexistent-dir-strata/sub/app.db');
    } finally {
      await engine.dispose();
    }
  });

  test('bad URL options are refused with the accepted values', () => {
    expect(() => createEngine('sqlite:///x.db?busy_timeout=soon')).toThrow(ArgumentError);
    expect(() => createEngine('sqlite:///x.db?journal_mode=fast')).toThrow(/journal_mode must be one of/);
    expect(() => createEngine('sqlite:///x.db?begin=later')).toThrow(/begin must be one of deferred, immediate, exclusive/);
  });

  test('a LIKE pattern with a NUL character is refused, naming the column, instead of matching the wrong rows', async () => {
    @Entity('like_nul')
    class LikeNul {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ length: 50 }) name!: string;
    }
    const engine = createEngine('sqlite::memory:');
    try {
      await new MetaData([LikeNul]).createAll(engine);
      await engine.execute(sql`INSERT INTO like_nul (name) VALUES (${'\u0000abc'}), (${'\u0000zzz'}), (${'plain'})`);
      // What SQLite does with such a pattern: it stops at the NUL and matches both NUL rows.
      const raw = await engine.execute(sql`SELECT count(*) AS n FROM like_nul WHERE name LIKE ${'\u0000abc%'}`);
      expect(Number(raw.scalar())).toBe(2);
      const refused = [
        select(LikeNul).where((t) => t.name.like('\u0000abc%')),
        select(LikeNul).where((t) => t.name.ilike('%\u0000')),
        select(LikeNul).where((t) => t.name.notLike('a\u0000')),
      ];
      for (const statement of refused) {
        const error = (await engine.execute(statement).catch((e: unknown) => e)) as ValidationError;
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toMatch(/The LIKE pattern for LikeNul\.name contains a NUL character/);
        expect([error.entity, error.column]).toEqual(['LikeNul', 'name']);
      }
      // Patterns without NUL, and NUL in plain comparisons, work as before.
      expect((await engine.execute(select(LikeNul).where((t) => t.name.like('pl%')))).rows).toHaveLength(1);
      expect((await engine.execute(select(LikeNul).where((t) => t.name.eq('\u0000abc')))).rows).toHaveLength(1);
    } finally {
      await engine.dispose();
    }
  });

  test('a script of several statements runs in one call', async () => {
    const engine = createEngine('sqlite::memory:');
    try {
      await engine.execute('CREATE TABLE a (x integer); CREATE TABLE b (y integer);');
      const tables = (await engine.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map((r) => r.name);
      expect(tables).toEqual(['a', 'b']);
    } finally {
      await engine.dispose();
    }
  });
});

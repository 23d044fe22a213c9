/*
 * PostgreSQL-only behaviour: connection failures named clearly, error classes by
 * SQLSTATE, and date/time values kept as the server's text.
 */
import { ConnectionFailedError, createEngine, DataError, sql, SerializationError } from '@strata/core';
import '@strata/postgres';
import { connectFailure, SERVER_URLS, testUrl } from '@strata/testkit';
import { createServer, type Server } from 'node:net';

const base = new URL(SERVER_URLS.postgresql);

const failureOf = connectFailure;

describe('postgresql: connecting', () => {
  test('an unknown role is an authentication failure naming the target', async () => {
    const error = await failureOf(`postgresql://no_such_role_strata@${base.host}/test`);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/Could not connect to PostgreSQL at 127\.0\.0\.1:5432\/test as no_such_role_strata: authentication failed/);
  });

  test('an unknown database says so', async () => {
    const error = await failureOf(`postgresql://postgres@${base.host}/no_such_db_strata`);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/database does not exist/);
  });

  test('a port where nothing listens is "refused"', async () => {
    const error = await failureOf('postgresql://postgres@127.0.0.1:1/test');
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/127\.0\.0\.1:1\/test.*refused.*Is the server running/);
  });

  test('a server that never answers times out after connectTimeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const error = await failureOf(`postgresql://postgres@127.0.0.1:${port}/test`, { connectTimeout: 300 });
      expect(error).toBeInstanceOf(ConnectionFailedError);
      expect(error.message).toMatch(/did not answer in time/);
    } finally {
      silent.close();
    }
  });

  test('the password never shows in errors', async () => {
    const error = await failureOf('postgresql://postgres:s3cret@127.0.0.1:1/test');
    expect(error.message).not.toContain('s3cret');
  });
});

describe('postgresql: driver specifics', () => {
  const engine = createEngine(testUrl('postgresql'));
  afterAll(() => engine.dispose());

  test('dates and timestamps come back as the server text, untouched by the process time zone', async () => {
    const row = (
      await engine.execute(
        "SELECT DATE '2024-03-31' AS d, TIMESTAMP '2024-03-31 02:30:00' AS ts, TIMESTAMPTZ '2024-03-31 02:30:00+00' AS tz",
      )
    ).rows[0]!;
    expect(row.d).toBe('2024-03-31');
    expect(row.ts).toBe('2024-03-31 02:30:00');
    expect(typeof row.tz).toBe('string');
  });

  test('an invalid value is a DataError with its SQLSTATE', async () => {
    const error = (await engine.execute(sql`SELECT ${'not a number'}::integer`).catch((e: unknown) => e)) as DataError;
    expect(error).toBeInstanceOf(DataError);
    expect(error.driverCode).toBe('22P02');
  });

  test('a serialization failure is a retryable SerializationError', async () => {
    await engine.execute('DROP TABLE IF EXISTS pg_ser');
    await engine.execute('CREATE TABLE pg_ser (id int primary key, n int)');
    await engine.execute('INSERT INTO pg_ser VALUES (1, 0)');
    const a = await engine.connect();
    const b = await engine.connect();
    try {
      await a.begin({ isolationLevel: 'serializable' });
      await b.begin({ isolationLevel: 'serializable' });
      await a.execute('SELECT n FROM pg_ser WHERE id = 1');
      await b.execute('SELECT n FROM pg_ser WHERE id = 1');
      await a.execute('UPDATE pg_ser SET n = n + 1 WHERE id = 1');
      await a.commit();
      const error = (await b.execute('UPDATE pg_ser SET n = n + 1 WHERE id = 1').catch((e: unknown) => e)) as SerializationError;
      expect(error).toBeInstanceOf(SerializationError);
      expect(error.retryable).toBe(true);
      expect(error.driverCode).toBe('40001');
      await b.rollback();
    } finally {
      await a.close();
      await b.close();
      await engine.execute('DROP TABLE pg_ser');
    }
  });

  test('stream reads through a server-side cursor in batches', async () => {
    const conn = await engine.connect();
    try {
      await conn.begin();
      let n = 0;
      for await (const row of conn.stream<{ g: number }>('SELECT g FROM generate_series(1, 20000) AS g', { batchSize: 500 })) {
        n += row.g === n + 1 ? 1 : 0;
      }
      expect(n).toBe(20000);
      await conn.commit();
    } finally {
      await conn.close();
    }
  });
});

describe('postgresql: session settings', () => {
  test('dates are ISO whatever the server default', async () => {
    const url = testUrl('postgresql');
    const database = new URL(url).pathname.slice(1);
    const admin = createEngine(url);
    // A server configured for another date style, as some hosted databases are.
    await admin.execute(`ALTER DATABASE "${database}" SET DateStyle = 'SQL, DMY'`);
    const engine = createEngine(url);
    try {
      const row = (await engine.execute("SELECT current_setting('DateStyle') AS style, DATE '2024-03-31' AS d")).rows[0]!;
      expect(row.style).toMatch(/^ISO/);
      expect(row.d).toBe('2024-03-31');
    } finally {
      await engine.dispose();
      await admin.execute(`ALTER DATABASE "${database}" RESET DateStyle`);
      await admin.dispose();
    }
  });
});

/*
 * SQLite reads BIGINT columns exactly: statements whose result has a BIGINT column read
 * with safe integers, and their other integer columns still come back as numbers.
 */
import { createEngine, sql, type Engine } from '@strata/core';
import '@strata/sqlite';
import { sqliteFileUrl } from '@strata/testkit';

describe('sqlite: exact BIGINT reads', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = createEngine(sqliteFileUrl());
    await engine.execute('CREATE TABLE big_rows (id integer PRIMARY KEY, big bigint, n integer, flag boolean, r real, t text)');
    await engine.execute(sql`INSERT INTO big_rows VALUES (${1}, ${2n ** 53n + 1n}, ${7}, ${1}, ${1.5}, ${'x'})`);
  });

  afterAll(async () => {
    await engine.dispose();
  });

  test('a BIGINT column reads as an exact bigint; the row\'s other integers stay numbers', async () => {
    const row = (await engine.execute('SELECT id, big, n, flag, r, t, n + 1 AS m FROM big_rows')).rows[0]!;
    expect(row).toEqual({ id: 1, big: 9007199254740993n, n: 7, flag: 1, r: 1.5, t: 'x', m: 8 });
  });

  test('statements without a BIGINT column read exactly as before', async () => {
    expect((await engine.execute('SELECT id, n FROM big_rows')).rows).toEqual([{ id: 1, n: 7 }]);
  });

  test('streamed rows and RETURNING read BIGINT columns exactly too', async () => {
    const conn = await engine.connect();
    try {
      const rows: unknown[] = [];
      for await (const row of conn.stream(sql`SELECT big, n FROM big_rows`)) rows.push(row);
      expect(rows).toEqual([{ big: 9007199254740993n, n: 7 }]);
      const returned = await conn.execute(sql`INSERT INTO big_rows (id, big, n) VALUES (${2}, ${-(2n ** 63n)}, ${3}) RETURNING big, n`);
      expect(returned.rows).toEqual([{ big: -(2n ** 63n), n: 3 }]);
    } finally {
      await conn.close();
    }
  });
});

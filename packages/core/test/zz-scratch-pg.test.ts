import { createEngine, sql } from '@strata/core';
import '@strata/postgres';
import '@strata/mysql';

const within = <T,>(p: Promise<T>, ms: number) => Promise.race([p.then(() => 'done', (e) => 'error ' + e.name), new Promise((r) => setTimeout(() => r('HUNG'), ms))]);

test.each(['postgresql://postgres@127.0.0.1:5432/test', 'mysql://root@127.0.0.1:3306/test'])('statement inside a stream loop on %s', async (url) => {
  const engine = createEngine(url, { poolSize: 1 });
  const conn = await engine.connect();
  const run = async () => {
    for await (const _ of conn.stream('SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3', { batchSize: 1 })) {
      await conn.execute('SELECT 3');
    }
  };
  console.log(url, await within(run(), 3000));
  // do not close (connection wedged)
});

test('pg: 08xxx error from a healthy connection (raised by plpgsql) invalidates the pool and is replayed', async () => {
  const engine = createEngine('postgresql://postgres@127.0.0.1:5432/test', { poolSize: 2 });
  const reasons: string[] = [];
  engine.on('invalidate', (e) => reasons.push(e.reason));
  const stmts: string[] = [];
  engine.on('statement', (s) => stmts.push(s.sql));
  await engine.execute(`CREATE OR REPLACE FUNCTION scr_fdw() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'remote down' USING ERRCODE = '08001'; END $$`);
  const e = await engine.execute('SELECT scr_fdw()').catch((x) => x);
  console.log('08001 ->', e.name, reasons, stmts.filter((s) => s.includes('scr_fdw()')).length);
  await engine.execute('DROP FUNCTION scr_fdw()');
  await engine.dispose();
});

test('pg: SELECT ... FOR UPDATE / nextval pass the read-only regex', async () => {
  const READ_ONLY = /^\s*(?:\(\s*)*(?:select|show|explain|values|describe|desc|pragma)\b/i;
  for (const s of ['SELECT * FROM t FOR UPDATE', "SELECT nextval('s')", 'EXPLAIN ANALYZE DELETE FROM t', 'SELECT * INTO t2 FROM t', "SELECT setval('s', 1)", 'PRAGMA user_version = 3', 'WITH x AS (INSERT INTO t VALUES (1) RETURNING 1) SELECT * FROM x'])
    console.log(s, READ_ONLY.test(s));
});

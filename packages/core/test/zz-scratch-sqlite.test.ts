import { createEngine, sql } from '@strata/core';
import '@strata/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('sqlite: COMMIT that stays busy leaves a pooled connection inside a transaction', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'scr-')), 'x.db');
  const url = `sqlite:///${file}?journal_mode=delete&busy_timeout=200`;
  const engine = createEngine(url, { poolSize: 2, maxOverflow: 0 });
  await engine.execute('CREATE TABLE t (x integer)');
  const r = await engine.connect();
  const w = await engine.connect();
  await r.begin({ readOnly: true });
  await r.execute('SELECT * FROM t');
  await w.begin();
  await w.execute(sql`INSERT INTO t VALUES (${1})`);
  const e = await w.commit().catch((x) => x);
  console.log('commit error', e?.name, e?.code, 'w.inTransaction', w.inTransaction);
  await w.rollback();
  await w.close();
  await r.rollback();
  await r.close();
  // Next user: autocommit inserts on the pooled connections
  for (let i = 0; i < 4; i++) await engine.execute(sql`INSERT INTO t VALUES (${100 + i})`).catch((x) => console.log('insert err', x.name));
  const other = createEngine(url, { poolSize: 1 });
  const n = await other.execute('SELECT count(*) AS n FROM t').then((res) => res.scalar(), (x) => x.name);
  console.log('rows visible to another engine:', n);
  await other.dispose();
  await engine.dispose();
  const third = createEngine(url, { poolSize: 1 });
  console.log('after dispose:', (await third.execute('SELECT x FROM t')).rows);
  await third.dispose();
});

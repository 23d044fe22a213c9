import { parseEngineUrl } from '@strata/core';
import { MysqlDialect, classifyMysqlError } from '@strata/mysql';

const dialect = () => new MysqlDialect(parseEngineUrl('mysql://root@127.0.0.1:3306/test'), { connectTimeout: 5000, driverOptions: {} });

it('iso + kill during drain', async () => {
  const d = dialect();
  const c = await d.connect();
  await c.execute('CREATE TABLE IF NOT EXISTS si (id INT PRIMARY KEY) ENGINE=InnoDB', []);
  for (const s of d.beginStatements({ isolationLevel: 'serializable', readOnly: true })) await c.execute(s, []);
  await c.execute('SELECT * FROM si', []);
  console.log((await c.execute('SELECT trx_isolation_level, trx_is_read_only FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()', [])).rows);
  try { await c.execute('INSERT INTO si VALUES (1)', []); } catch (e) { console.log('ro write', (e as Error).message, classifyMysqlError(e)); }
  await c.execute('ROLLBACK', []);
  await new Promise((r) => setTimeout(r, 200));
  for (const s of d.beginStatements({})) await c.execute(s, []);
  await c.execute('SELECT * FROM si', []);
  await new Promise((r) => setTimeout(r, 200));
  console.log((await c.execute('SELECT trx_isolation_level, trx_is_read_only FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()', [])).rows);
  await c.execute('ROLLBACK', []);
  await c.execute('DROP TABLE si', []);
  console.log((await c.execute('SELECT COUNT(*) AS n, CAST(5 AS SIGNED) AS small_big, SUM(1) AS s, TRUE AS t', [])).rows);

  const killer = await d.connect();
  const id = (await c.execute('SELECT CONNECTION_ID() AS id', [])).rows[0]!.id;
  let n = 0;
  for await (const _ of c.stream('SELECT seq, SLEEP(0.0005) FROM seq_1_to_20000', [], 10)) if (++n === 3) break;
  await killer.execute(`KILL ${id}`, []);
  await new Promise((r) => setTimeout(r, 300));
  console.log('closed after kill during drain', c.closed);
  await c.close(); await killer.close();
});

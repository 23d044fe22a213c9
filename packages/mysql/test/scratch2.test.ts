import { parseEngineUrl, createEngine, sql } from '@strata/core';
import { MysqlDialect, classifyMysqlError } from '@strata/mysql';

const url = 'mysql://root@127.0.0.1:3306/test';
const dialect = () => new MysqlDialect(parseEngineUrl(url), { connectTimeout: 5000, driverOptions: {} });

it('more', async () => {
  const d = dialect();
  const c = await d.connect();
  for (const s of d.beginStatements({ isolationLevel: 'serializable', readOnly: true })) await c.execute(s, []);
  await c.execute('SELECT 1 FROM dual', []);
  console.log((await c.execute('SELECT trx_isolation_level, trx_is_read_only FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()', [])).rows);
  await c.execute('DROP TABLE IF EXISTS scratch_b', []).catch((e) => console.log('ddl in ro trx', classifyMysqlError(e), (e as Error).message));
  await c.execute('ROLLBACK', []);
  await c.execute('DROP TABLE IF EXISTS scratch_b', []);
  await c.execute('CREATE TABLE scratch_b (id BIGINT AUTO_INCREMENT PRIMARY KEY, flag BOOLEAN, data BLOB, j JSON, d DATETIME(3), ts TIMESTAMP(3) NULL, price DECIMAL(10,2), f DOUBLE) AUTO_INCREMENT=9007199254740995', []);
  const ins = await c.execute('INSERT INTO scratch_b (flag, data, j, d, ts, price, f) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [true, Buffer.from([0, 1, 255]), JSON.stringify({ a: 1 }), new Date('2024-03-31T01:30:00.123Z'), new Date('2024-03-31T01:30:00.123Z'), '12.34', 1.5]);
  console.log('big insertId', ins, typeof ins.insertId);
  console.log((await c.execute('SELECT * FROM scratch_b WHERE id = ?', [9007199254740995n])).rows);
  try { await c.execute('INSERT INTO scratch_b (j) VALUES (?)', ['{bad']); } catch (e) { console.log('json', (e as Error).message, classifyMysqlError(e)); }
  try { await c.execute('INSERT INTO scratch_b (j) VALUES (?)', [{ a: 1 }]); } catch (e) { console.log('object param', (e as Error).message, classifyMysqlError(e)); }
  await c.execute('DROP TABLE scratch_b', []);
  await c.execute('DROP PROCEDURE IF EXISTS scratch_p', []);
  await c.execute('CREATE PROCEDURE scratch_p() BEGIN SELECT 1 AS a UNION SELECT 2; END', []);
  console.log('call', await c.execute('CALL scratch_p()', []));
  await c.execute('DROP PROCEDURE scratch_p', []);
  try { await c.execute('SELECT 1; SELECT 2', []); } catch (e) { console.log('multi', classifyMysqlError(e)); }
  // upsert same value
  await c.execute('CREATE TEMPORARY TABLE u (id INT PRIMARY KEY, v INT)', []);
  await c.execute('INSERT INTO u VALUES (1, 1)', []);
  console.log('odku same', await c.execute('INSERT INTO u VALUES (1, 1) ON DUPLICATE KEY UPDATE v = VALUES(v)', []));
  console.log('odku diff', await c.execute('INSERT INTO u VALUES (1, 2) ON DUPLICATE KEY UPDATE v = VALUES(v)', []));
  console.log('update same', await c.execute('UPDATE u SET v = 2', []));
  // FK message
  await c.execute('CREATE TABLE IF NOT EXISTS sp (id INT PRIMARY KEY) ENGINE=InnoDB', []);
  await c.execute('CREATE TABLE IF NOT EXISTS sc (id INT PRIMARY KEY, p INT, CONSTRAINT `fk ``odd` FOREIGN KEY (p) REFERENCES sp(id)) ENGINE=InnoDB', []);
  try { await c.execute('INSERT INTO sc VALUES (1, 5)', []); } catch (e) { console.log('fk', (e as Error).message, classifyMysqlError(e)); }
  await c.execute('INSERT INTO sp VALUES (1)', []); await c.execute('INSERT INTO sc VALUES (1, 1)', []);
  try { await c.execute('DELETE FROM sp', []); } catch (e) { console.log('fk2', (e as Error).message, classifyMysqlError(e)); }
  try { await c.execute('INSERT INTO sp VALUES (1)', []); } catch (e) { console.log('pk', (e as Error).message, classifyMysqlError(e)); }
  await c.execute('DROP TABLE sc, sp', []);
  // lock wait + deadlock
  const c2 = await d.connect();
  await c.execute('CREATE TABLE IF NOT EXISTS sl (id INT PRIMARY KEY, v INT) ENGINE=InnoDB', []);
  await c.execute('REPLACE INTO sl VALUES (1, 0), (2, 0)', []);
  await c.execute('SET SESSION innodb_lock_wait_timeout = 1', []);
  await c2.execute('START TRANSACTION', []); await c2.execute('UPDATE sl SET v = 1 WHERE id = 1', []);
  try { await c.execute('UPDATE sl SET v = 2 WHERE id = 1', []); } catch (e) { console.log('lockwait', classifyMysqlError(e)); }
  try { await c.execute('SELECT * FROM sl WHERE id = 1 FOR UPDATE NOWAIT', []); } catch (e) { console.log('nowait', (e as Error).message, classifyMysqlError(e)); }
  await c2.execute('ROLLBACK', []);
  await c.execute('DROP TABLE sl', []);
  await c2.close();
  await c.close();
});

it('engine retries after idle kill', async () => {
  const engine = createEngine('mysql://root@127.0.0.1:3306/test', { poolSize: 1 });
  const killer = await dialect().connect();
  const conn = await engine.connect();
  const { rows } = await conn.execute(sql`select connection_id() as id`);
  await killer.execute(`KILL ${rows[0]!.id}`, []);
  await new Promise((r) => setTimeout(r, 100));
  console.log('after kill via engine', (await conn.execute(sql`select connection_id() as id`)).rows);
  await conn.close(); await engine.dispose(); await killer.close();
});

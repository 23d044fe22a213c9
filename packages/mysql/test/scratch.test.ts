import { parseEngineUrl, translateError, ConnectionFailedError, createEngine, sql } from '@strata/core';
import { MysqlDialect, classifyMysqlError } from '@strata/mysql';

const url = 'mysql://root@127.0.0.1:3306/test';
const dialect = () => new MysqlDialect(parseEngineUrl(url), { connectTimeout: 5000, driverOptions: {} });

describe('mysql scratch', () => {
  it('basics', async () => {
    const d = dialect();
    expect(d.describeTarget()).toBe('MySQL at 127.0.0.1:3306/test as root');
    expect(d.capabilities.returning).toBe(false);
    const c = await d.connect();
    await d.initialize(c);
    console.log(d.serverInfo, d.capabilities, d.describeTarget());
    const r = await c.execute('SELECT ? AS a, ? AS b, NOW() AS n, @@session.time_zone AS tz, @@sql_mode AS m, CAST(9007199254740993 AS SIGNED) AS big, 1.50 AS dec_, CAST(? AS DATETIME) AS dt', [1, 'x', new Date('2024-01-02T03:04:05.678Z')]);
    console.log(r);
    await c.execute('DROP TABLE IF EXISTS scratch_t', []);
    await c.execute('CREATE TABLE scratch_t (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(50) NOT NULL, n INT, CONSTRAINT uq_email UNIQUE (email), CONSTRAINT ck_n CHECK (n >= 0))', []);
    const ins = await c.execute('INSERT INTO scratch_t (email, n) VALUES (?, ?)', ['a@x', 1]);
    console.log('insert', ins);
    const ins2 = await c.execute('INSERT INTO scratch_t (email, n) VALUES (?, ?), (?, ?)', ['b@x', 1, 'c@x', 2]);
    console.log('insert2', ins2);
    const up = await c.execute('UPDATE scratch_t SET n = 1 WHERE id = ?', [ins.insertId]);
    expect(up.rowCount).toBe(1);
    const del = await c.execute('DELETE FROM scratch_t WHERE id = 999', []);
    expect(del).toEqual({ rows: [], rowCount: 0 });
    const ret = await c.execute('INSERT INTO scratch_t (email, n) VALUES (?, ?) RETURNING id, email', ['r@x', 3]);
    console.log('returning', ret);
    for (const [q, p] of [
      ['INSERT INTO scratch_t (email, n) VALUES (?, ?)', ['a@x', 1]],
      ['INSERT INTO scratch_t (email, n) VALUES (?, ?)', ['z@x', -1]],
      ['INSERT INTO scratch_t (email, n) VALUES (?, ?)', [null, -1]],
      ['INSERT INTO scratch_t (email, n) VALUES (?, ?)', ['q', 99999999999]],
      ['INSERT INTO scratch_t (email, n) VALUES (?, ?)', ['q'.repeat(60), 1]],
      ['INSERT INTO scratch_t (email, n) VALUES (?, ?)', ['qq', 'abc']],
      ['SELEC 1', []],
      ['SELECT * FROM nope', []],
      ['SELECT nope FROM scratch_t', []],
    ] as const) {
      try { await c.execute(q, p); console.log('no error', q, p); } catch (e) {
        const err = e as { code: string; errno: number; sqlState: string; message: string };
        console.log(err.code, err.errno, err.sqlState, err.message, classifyMysqlError(e));
      }
    }
    await c.execute('DROP TABLE scratch_t', []);
    await c.close();
    await c.close();
    expect(c.closed).toBe(true);
    await expect(c.execute('SELECT 1', [])).rejects.toThrow(/already closed/);
  });

  it('streams with early break', async () => {
    const d = dialect();
    const c = await d.connect();
    let n = 0;
    const t0 = Date.now();
    for await (const row of c.stream('SELECT seq AS n, REPEAT(\'x\', 100) AS pad FROM seq_1_to_100000', [], 100)) {
      n++;
      if (n === 10) break;
    }
    const t1 = Date.now();
    const r = await c.execute('SELECT 42 AS x', []);
    console.log('after break', r.rows, 'break took', t1 - t0, 'next query', Date.now() - t1);
    expect(r.rows[0]!.x).toBe(42);
    let total = 0;
    for await (const _ of c.stream('SELECT seq FROM seq_1_to_100000', [], 500)) total++;
    expect(total).toBe(100000);
    await expect((async () => { for await (const _ of c.stream('SELEC 1', [], 10)) void _; })()).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
    expect((await c.execute('SELECT 1 AS one', [])).rows).toEqual([{ one: 1 }]);
    await c.close();
  });

  it('KILL idle and mid-stream', async () => {
    const d = dialect();
    const victim = await d.connect();
    const killer = await d.connect();
    const id = (await victim.execute('SELECT CONNECTION_ID() AS id', [])).rows[0]!.id;
    await killer.execute(`KILL ${id}`, []);
    await new Promise((r) => setTimeout(r, 200));
    console.log('idle victim closed?', victim.closed);
    try { await victim.execute('SELECT 1', []); } catch (e) { console.log('after kill', (e as Error).message, classifyMysqlError(e)); }

    const v2 = await d.connect();
    const id2 = (await v2.execute('SELECT CONNECTION_ID() AS id', [])).rows[0]!.id;
    const p = v2.execute('SELECT SLEEP(5)', []);
    await new Promise((r) => setTimeout(r, 300));
    await killer.execute(`KILL ${id2}`, []);
    try { console.log('sleep result', await p); } catch (e) { console.log('during query kill', (e as Error).message, classifyMysqlError(e)); }
    console.log('v2 closed', v2.closed);

    const v3 = await d.connect();
    const id3 = (await v3.execute('SELECT CONNECTION_ID() AS id', [])).rows[0]!.id;
    let n = 0;
    try {
      for await (const _ of v3.stream('SELECT seq, SLEEP(0.001) FROM seq_1_to_100000', [], 10)) {
        if (++n === 5) await killer.execute(`KILL ${id3}`, []);
      }
      console.log('stream ended normally?', n);
    } catch (e) { console.log('stream kill', n, (e as Error).message, classifyMysqlError(e)); }
    console.log('v3 closed', v3.closed);
    await Promise.all([victim.close(), v2.close(), v3.close(), killer.close()]);
  });

  it('connect failures', async () => {
    const bad = (u: string) => new MysqlDialect(parseEngineUrl(u), { connectTimeout: 2000, driverOptions: {} });
    for (const u of ['mysql://root:wrong@127.0.0.1:3306/test', 'mysql://nobody:x@127.0.0.1:3306/test', 'mysql://root@127.0.0.1:3306/nodb_here', 'mysql://root@127.0.0.1:3399/test', 'mysql://root@no-such-host.invalid:3306/test', 'mysql://root@10.255.255.1:3306/test']) {
      try { await bad(u).connect(); console.log('connected?!', u); } catch (e) {
        expect(e).toBeInstanceOf(ConnectionFailedError);
        console.log(u, '->', (e as Error).message, (e as { driverCode?: string }).driverCode);
      }
    }
  });

  it('engine end to end', async () => {
    const engine = createEngine('mariadb://root@127.0.0.1:3306/test');
    const conn = await engine.connect();
    const res = await conn.execute(sql`select ${5} as five, ${'a`b'} as s`);
    console.log(res.rows, engine.capabilities.returning, engine.serverInfo);
    await conn.begin?.({ isolationLevel: 'serializable', readOnly: true } as never);
    console.log((await conn.execute(sql`select @@tx_isolation as i`)).rows);
    await conn.rollback?.();
    await conn.close();
    await engine.dispose();
  });
});

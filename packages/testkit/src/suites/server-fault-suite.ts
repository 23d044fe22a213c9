/*
 * What real servers do to connections, proven on the real servers: idle timeouts,
 * sessions killed from another connection, and a disconnect inside a transaction.
 * Runs on the client/server dialects (PostgreSQL, MySQL / MariaDB).
 */
import { createEngine, DisconnectionError, sql, type Engine, type EngineOptions } from '@strata/core';
import { sleep } from '../harness';
import { testUrl, type DialectName } from '../targets';
import { TRAITS } from '../traits';

/** Registers the server fault suite for a client/server dialect. */
export function serverFaultSuite(dialect: Exclude<DialectName, 'sqlite'>): void {
  const traits = TRAITS[dialect];
  const idleSetting = dialect === 'postgresql' ? 'idle_session_timeout' : 'wait_timeout';
  const killer = dialect === 'postgresql' ? 'pg_terminate_backend' : 'KILL';

  describe(`${dialect}: connections the server drops`, () => {
    const engines: Engine[] = [];
    const url = testUrl(dialect);

    function engineWith(options: EngineOptions = {}): Engine {
      const engine = createEngine(url, options);
      engines.push(engine);
      return engine;
    }

    beforeAll(async () => {
      const engine = engineWith();
      await engine.execute('DROP TABLE IF EXISTS fault_items');
      await engine.execute(`CREATE TABLE fault_items (${traits.autoId}, name varchar(100) NOT NULL)`);
    });

    beforeEach(async () => {
      await engines[0]!.execute('DELETE FROM fault_items');
    });

    afterAll(async () => {
      await engines[0]!.execute('DROP TABLE IF EXISTS fault_items');
      for (const engine of engines.splice(0)) await engine.dispose();
    });

    test(`a held Connection survives the server's ${idleSetting} dropping it`, async () => {
      const engine = engineWith({ poolSize: 2 });
      const invalidations: string[] = [];
      engine.on('invalidate', (e) => invalidations.push(e.reason));
      const conn = await engine.connect();
      try {
        const before = await traits.backendId(conn);
        await traits.setIdleTimeout(conn, 2);
        await sleep(3000);
        const result = await conn.execute('SELECT 1 AS one');
        expect(Number(result.scalar())).toBe(1);
        expect(await traits.backendId(conn)).not.toBe(before);
        // A write after the next idle drop also succeeds: the client knew the socket was closed before sending.
        await traits.setIdleTimeout(conn, 2);
        await sleep(3000);
        await conn.execute(sql`INSERT INTO fault_items (name) VALUES (${'after idle'})`);
        expect(Number((await conn.execute('SELECT count(*) AS n FROM fault_items')).scalar())).toBe(1);
        expect(invalidations.length).toBeGreaterThanOrEqual(2);
      } finally {
        await conn.close();
      }
    }, 20_000);

    test('with poolRecycle the held connection is replaced before use', async () => {
      const engine = engineWith({ poolSize: 1, poolRecycle: 1000 });
      const failures: unknown[] = [];
      engine.on('statement', (s) => s.error && failures.push(s.error));
      const conn = await engine.connect();
      try {
        const before = await traits.backendId(conn);
        await traits.setIdleTimeout(conn, 2);
        await sleep(1100);
        expect(await traits.backendId(conn)).not.toBe(before);
        await sleep(2000);
        // Recycled at 1.1 s, the new session has the server default timeout and is still alive.
        expect(await traits.backendId(conn)).toBeDefined();
        expect(failures).toEqual([]);
      } finally {
        await conn.close();
      }
    }, 20_000);

    test(`a session killed with ${killer} while idle is replaced transparently`, async () => {
      const engine = engineWith({ poolSize: 2 });
      const conn = await engine.connect();
      try {
        const before = (await traits.backendId(conn))!;
        await traits.killBackend(engine, before);
        await sleep(200);
        await conn.execute(sql`INSERT INTO fault_items (name) VALUES (${'after kill'})`);
        const after = await traits.backendId(conn);
        expect(after).not.toBe(before);
        expect(Number((await conn.execute('SELECT count(*) AS n FROM fault_items')).scalar())).toBe(1);
      } finally {
        await conn.close();
      }
    });

    test('a read on a killed session the client has not noticed yet is retried once', async () => {
      const engine = engineWith({ poolSize: 2 });
      const conn = await engine.connect();
      try {
        const before = (await traits.backendId(conn))!;
        await traits.killBackend(engine, before);
        // No pause: the kill may or may not have reached the client; a read is safe to replay either way.
        const result = await conn.execute('SELECT 2 AS two');
        expect(Number(result.scalar())).toBe(2);
      } finally {
        await conn.close();
      }
    });

    test('a disconnect inside a transaction raises DisconnectionError, and the next transaction works', async () => {
      const engine = engineWith({ poolSize: 2 });
      const conn = await engine.connect();
      try {
        await conn.begin();
        await conn.execute(sql`INSERT INTO fault_items (name) VALUES (${'lost'})`);
        await traits.killBackend(engine, (await traits.backendId(conn))!);
        await sleep(200);
        const error = await conn.execute(sql`INSERT INTO fault_items (name) VALUES (${'also lost'})`).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DisconnectionError);
        expect((error as DisconnectionError).code).toBe('disconnect');
        // Until rollback, the connection keeps saying the transaction is gone.
        await expect(conn.execute('SELECT 1')).rejects.toThrow(/transaction on this connection was lost/);
        await expect(conn.commit()).rejects.toThrow(DisconnectionError);
        await conn.rollback();
        // The same Connection serves the next transaction on a new server session.
        await conn.transaction(async (c) => {
          await c.execute(sql`INSERT INTO fault_items (name) VALUES (${'next'})`);
        });
      } finally {
        await conn.close();
      }
      const names = (await engine.execute('SELECT name FROM fault_items')).rows.map((r) => r.name);
      expect(names).toEqual(['next']);
      // And the engine serves other transactions.
      await engine.transaction(async (c) => {
        await c.execute(sql`INSERT INTO fault_items (name) VALUES (${'engine'})`);
      });
      expect(engine.status().checkedOut).toBe(0);
    });

    test('a write whose fate is unknown is never replayed', async () => {
      const engine = engineWith({ poolSize: 2 });
      const conn = await engine.connect();
      const statements: string[] = [];
      engine.on('statement', (s) => statements.push(s.sql));
      try {
        await conn.begin();
        const id = (await traits.backendId(conn))!;
        await traits.killBackend(engine, id);
        // Whatever the client knew, the INSERT ran inside a transaction: raised, never retried.
        await expect(conn.execute(sql`INSERT INTO fault_items (name) VALUES (${'once'})`)).rejects.toThrow(DisconnectionError);
        await conn.rollback();
      } finally {
        await conn.close();
      }
      expect(statements.filter((s) => s.startsWith('INSERT INTO fault_items'))).toHaveLength(1);
      expect(Number((await engine.execute('SELECT count(*) AS n FROM fault_items')).scalar())).toBe(0);
    });

    test('an autocommit write cut off mid-statement is raised, never replayed', async () => {
      const engine = engineWith({ poolSize: 2 });
      const conn = await engine.connect();
      const inserts: string[] = [];
      engine.on('statement', (s) => s.sql.startsWith('INSERT INTO fault_items') && inserts.push(s.sql));
      try {
        const id = (await traits.backendId(conn))!;
        const slow =
          dialect === 'postgresql'
            ? sql`INSERT INTO fault_items (name) SELECT ${'slow'} FROM pg_sleep(1)`
            : sql`INSERT INTO fault_items (name) SELECT ${'slow'} FROM (SELECT SLEEP(1) AS s) AS t`;
        const pending = conn.execute(slow).catch((e: unknown) => e);
        await sleep(300);
        await traits.killBackend(engine, id);
        const error = await pending;
        expect(error).toBeInstanceOf(DisconnectionError);
        expect((error as DisconnectionError).neverSent).toBe(false);
      } finally {
        await conn.close();
      }
      expect(inserts).toHaveLength(1);
      expect(Number((await engine.execute('SELECT count(*) AS n FROM fault_items')).scalar())).toBe(0);
    });

    test('statements racing on a stale Connection share one new driver connection', async () => {
      const engine = engineWith({ poolSize: 1, maxOverflow: 0 });
      const killer = engineWith({ poolSize: 1 });
      const conn = await engine.connect();
      try {
        await traits.killBackend(killer, (await traits.backendId(conn))!);
        await sleep(200);
        const results = await Promise.all([conn.execute('SELECT 1 AS a'), conn.execute('SELECT 2 AS a')]);
        expect(results.map((r) => Number(r.scalar()))).toEqual([1, 2]);
      } finally {
        await conn.close();
      }
      // One slot, one live driver connection: the racing reconnects did not open a second one.
      expect(engine.status()).toMatchObject({ open: 1, checkedOut: 0 });
    });

    test('a disconnect invalidates the older pooled connections too', async () => {
      const engine = engineWith({ poolSize: 3 });
      const reasons: string[] = [];
      engine.on('invalidate', (e) => reasons.push(e.reason));
      const conns = [await engine.connect(), await engine.connect(), await engine.connect()];
      const ids = await Promise.all(conns.map((c) => traits.backendId(c)));
      for (const c of conns.slice(1)) await c.close();
      await conns[0]!.begin();
      await traits.killBackend(engine, ids[0]!);
      await sleep(200);
      await expect(conns[0]!.execute('SELECT 1')).rejects.toThrow(DisconnectionError);
      await conns[0]!.rollback();
      await conns[0]!.close();
      // The two idle connections were opened before the disconnect: both are replaced on checkout.
      const fresh = [await engine.connect(), await engine.connect()];
      const freshIds = await Promise.all(fresh.map((c) => traits.backendId(c)));
      for (const id of freshIds) expect(ids).not.toContain(id);
      for (const c of fresh) await c.close();
      expect(reasons.filter((r) => r.includes('pool invalidated')).length).toBeGreaterThanOrEqual(1);
    });
  });
}

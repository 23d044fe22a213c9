/*
 * The pool conformance suite: what only a real server shows - a timeout on real time with
 * real connections held, many concurrent transactions, reuse order, a real pre-ping round
 * trip, disposal. The pool's timing rules (recycling, pre-ping after idleness, leak
 * detection, waiter order and timeouts) are unit-tested on a manual clock in packages/core/test.
 */
import { ArgumentError, createEngine, InvalidStateError, PoolTimeoutError, sql, type Engine, type EngineOptions } from '@strata/core';
import { testUrl, type DialectName } from '../targets';
import { TRAITS } from '../traits';

/** Registers the pool suite for one dialect. */
export function poolSuite(dialect: DialectName): void {
  const traits = TRAITS[dialect];

  describe(`${dialect}: connection pool`, () => {
    const engines: Engine[] = [];
    let url: string;

    beforeAll(() => {
      url = testUrl(dialect);
    });

    afterEach(async () => {
      for (const engine of engines.splice(0)) await engine.dispose();
    });

    function engineWith(options: EngineOptions): Engine {
      const engine = createEngine(url, options);
      engines.push(engine);
      return engine;
    }

    test('an exhausted pool times out with a PoolTimeoutError that tells its state, then recovers', async () => {
      const engine = engineWith({ poolSize: 2, maxOverflow: 1, poolTimeout: 200 });
      const held = [await engine.connect(), await engine.connect(), await engine.connect()];
      expect(engine.status()).toMatchObject({ size: 2, open: 3, checkedOut: 3, overflow: 1, idle: 0 });
      const started = Date.now();
      const error = await engine.connect().catch((e: unknown) => e);
      const waited = Date.now() - started;
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect((error as PoolTimeoutError).code).toBe('pool_timeout');
      expect((error as Error).message).toMatch(/poolTimeout 200 ms/);
      expect((error as Error).message).toMatch(/poolSize 2, maxOverflow 1, 3 checked out, 1 waiting/);
      expect(waited).toBeGreaterThanOrEqual(190);
      expect(waited).toBeLessThan(3000);
      await held.pop()!.close();
      const again = await engine.connect();
      await again.execute('SELECT 1');
      await again.close();
      for (const conn of held) await conn.close();
      expect(engine.status()).toMatchObject({ checkedOut: 0, waiting: 0, open: 2, idle: 2, overflow: 0 });
    });

    test('200 concurrent small transactions through a pool of 5 all complete and leave it idle', async () => {
      const engine = engineWith({ poolSize: 5, maxOverflow: 0, poolTimeout: 30_000 });
      await engine.execute('DROP TABLE IF EXISTS pool_txn');
      await engine.execute(`CREATE TABLE pool_txn (${traits.autoId}, n integer NOT NULL)`);
      let peak = 0;
      engine.on('checkout', () => {
        peak = Math.max(peak, engine.status().checkedOut);
      });
      await Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          engine.transaction(async (conn) => {
            await conn.execute(sql`INSERT INTO pool_txn (n) VALUES (${n})`);
            const row = await conn.execute(sql`SELECT count(*) AS c FROM pool_txn WHERE n = ${n}`);
            expect(Number(row.scalar())).toBe(1);
          }),
        ),
      );
      const total = await engine.execute('SELECT count(*) AS c, sum(n) AS s FROM pool_txn');
      expect(Number(total.rows[0]!.c)).toBe(200);
      expect(Number(total.rows[0]!.s)).toBe((199 * 200) / 2);
      expect(peak).toBeLessThanOrEqual(5);
      expect(engine.status()).toMatchObject({ checkedOut: 0, waiting: 0, overflow: 0 });
      expect(engine.status().open).toBeLessThanOrEqual(5);
      await engine.execute('DROP TABLE pool_txn');
    });

    test('lifo reuses the most recently returned connection, fifo the oldest', async () => {
      for (const reuse of ['lifo', 'fifo'] as const) {
        const engine = engineWith({ poolSize: 2, maxOverflow: 0, poolReuse: reuse });
        const a = await engine.connect();
        const b = await engine.connect();
        const [idA, idB] = [a.connectionId, b.connectionId];
        await a.close();
        await b.close();
        const next = await engine.connect();
        expect(next.connectionId).toBe(reuse === 'lifo' ? idB : idA);
        await next.close();
      }
    });

    test('prePing makes a real round trip before reusing a connection, not before its first use', async () => {
      const engine = engineWith({ poolSize: 1, prePing: true });
      const pings: boolean[] = [];
      engine.on('ping', (e) => pings.push(e.ok));
      for (let i = 0; i < 3; i++) await (await engine.connect()).close();
      expect(pings).toEqual([true, true]);
      // Each transaction start on a held Connection pings too (prePingAfterIdle 0).
      const conn = await engine.connect();
      await conn.execute('SELECT 1');
      await conn.close();
      expect(pings).toEqual([true, true, true, true]);
      expect(engine.status()).toMatchObject({ open: 1, idle: 1 });
    });

    test('a disposed engine refuses new connections clearly', async () => {
      const engine = engineWith({});
      await (await engine.connect()).close();
      await engine.dispose();
      expect(engine.status()).toMatchObject({ open: 0, idle: 0 });
      await expect(engine.connect()).rejects.toThrow(InvalidStateError);
      await expect(engine.connect()).rejects.toThrow(/disposed/);
    });

    test('nonsense pool options are refused', () => {
      expect(() => createEngine(url, { poolSize: -1 })).toThrow(ArgumentError);
      expect(() => createEngine(url, { poolTimeout: Number.NaN })).toThrow(/poolTimeout must be a non-negative number of milliseconds/);
      expect(() => createEngine(url, { poolSize: 0, maxOverflow: 0 })).toThrow(/could never hand out a connection/);
      expect(() => createEngine(url, { poolReuse: 'random' as never })).toThrow(/'lifo' or 'fifo'/);
    });
  });
}

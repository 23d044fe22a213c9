/*
 * The pool conformance suite: sizing and overflow, timeouts, fairness, reuse order,
 * recycling and pre-ping (at checkout and on a Connection kept across transactions),
 * leak detection and disposal, on every dialect.
 */
import { ArgumentError, createEngine, InvalidStateError, PoolTimeoutError, sql, type Connection, type Engine, type EngineOptions } from '@strata/core';
import { sleep } from '../harness';
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

    test('waiters are served in arrival order as connections come back', async () => {
      const engine = engineWith({ poolSize: 1, maxOverflow: 0, poolTimeout: 5000 });
      const first = await engine.connect();
      const order: string[] = [];
      const b = engine.connect().then((c) => (order.push('b'), c));
      const c = engine.connect().then((conn) => (order.push('c'), conn));
      await sleep(20);
      expect(engine.status().waiting).toBe(2);
      await first.close();
      const connB = await b;
      expect(order).toEqual(['b']);
      await connB.close();
      const connC = await c;
      expect(order).toEqual(['b', 'c']);
      await connC.close();
      expect(engine.status()).toMatchObject({ checkedOut: 0, waiting: 0, open: 1 });
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

    test('poolRecycle replaces an old connection at checkout', async () => {
      const engine = engineWith({ poolSize: 1, poolRecycle: 300 });
      const reasons: string[] = [];
      let connects = 0;
      engine.on('invalidate', (e) => reasons.push(e.reason));
      engine.on('connect', () => connects++);
      const conn = await engine.connect();
      await conn.close();
      await sleep(350);
      const again = await engine.connect();
      await again.execute('SELECT 1');
      await again.close();
      expect(connects).toBe(2);
      expect(reasons.some((r) => r.includes('poolRecycle'))).toBe(true);
    });

    test('poolRecycle applies to a Connection kept open across transactions, never inside one', async () => {
      const engine = engineWith({ poolSize: 1, poolRecycle: 300 });
      let connects = 0;
      engine.on('connect', () => connects++);
      const conn = await engine.connect();
      try {
        await conn.execute('SELECT 1');
        await conn.begin();
        await conn.execute('SELECT 1');
        await sleep(350);
        // Still the same transaction: the connection must not change under it.
        await conn.execute('SELECT 1');
        await conn.commit();
        expect(connects).toBe(1);
        // The next transaction (an autocommit statement) starts on a fresh connection.
        await conn.execute('SELECT 1');
        expect(connects).toBe(2);
        await sleep(350);
        await conn.begin();
        expect(connects).toBe(3);
        await conn.rollback();
      } finally {
        await conn.close();
      }
    });

    test('prePing tests connections, and prePingAfterIdle spares busy ones', async () => {
      const always = engineWith({ poolSize: 1, prePing: true });
      let pings = 0;
      always.on('ping', () => pings++);
      for (let i = 0; i < 3; i++) await (await always.connect()).close();
      // The first checkout opens a new connection, which needs no ping.
      expect(pings).toBe(2);

      const lazy = engineWith({ poolSize: 1, prePing: true, prePingAfterIdle: 250 });
      let lazyPings = 0;
      lazy.on('ping', () => lazyPings++);
      for (let i = 0; i < 3; i++) await (await lazy.connect()).close();
      expect(lazyPings).toBe(0);
      await sleep(300);
      const conn = await lazy.connect();
      expect(lazyPings).toBe(1);
      // The same rule holds at each transaction start on a held Connection.
      await sleep(300);
      await conn.execute('SELECT 1');
      expect(lazyPings).toBe(2);
      await conn.execute('SELECT 1');
      expect(lazyPings).toBe(2);
      await conn.close();
    });

    test('leakDetection reports a long-held connection with the stack that took it', async () => {
      const engine = engineWith({ poolSize: 1, maxOverflow: 0, poolTimeout: 150, leakDetection: 100 });
      const leaks: { heldMs: number; stack: string | undefined }[] = [];
      engine.on('leak', (e) => leaks.push(e));
      const holder: Connection = await engine.connect();
      await sleep(250);
      expect(leaks).toHaveLength(1);
      expect(leaks[0]!.heldMs).toBeGreaterThanOrEqual(100);
      expect(leaks[0]!.stack).toContain('pool-suite');
      const error = (await engine.connect().catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect(error.message).toMatch(/oldest checkout has been held for \d+ ms; it was taken at:/);
      expect(error.message).toContain('pool-suite');
      await holder.close();
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

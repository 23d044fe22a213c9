/*
 * The pool's timing rules on a clock moved by hand, over a fake dialect: recycling by age
 * (at checkout, at return, at each transaction start of a kept Connection), pre-ping after
 * idleness, a failed ping replacing the connection, and leak detection. No server, no sleep;
 * what only a server can show (a real ping, a real disconnect) is in the testkit suites.
 */
import { Engine, type EngineOptions } from '../src/engine/engine';
import type { EngineEventMap } from '../src/engine/engine-events';
import { fakeServer, resetFakeServers, type FakeServer } from './fake-dialect';
import { ManualClock } from './manual-clock';

const engines: Engine[] = [];
let clock: ManualClock;
let server: FakeServer;

beforeEach(() => {
  resetFakeServers();
  clock = new ManualClock();
  server = fakeServer('primary');
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose();
  jest.restoreAllMocks();
});

function engineWith(options: EngineOptions): Engine {
  const engine = new Engine('fake://primary/db', options, clock);
  engines.push(engine);
  return engine;
}

/** Collects one event's payloads. */
function collect<E extends keyof EngineEventMap>(engine: Engine, event: E): EngineEventMap[E][] {
  const seen: EngineEventMap[E][] = [];
  engine.on(event, (payload) => seen.push(payload));
  return seen;
}

/** The fake connection a statement on `conn` reaches now. */
async function reached(conn: { execute(sql: string): Promise<unknown> }): Promise<string> {
  await conn.execute('SELECT 1');
  return server.lastStatementOn!;
}

describe('pool recycling by age (poolRecycle)', () => {
  test('a connection is reused until it is poolRecycle old, then replaced at checkout', async () => {
    const engine = engineWith({ poolSize: 1, poolRecycle: 1000 });
    const invalidated = collect(engine, 'invalidate');
    await (await engine.connect()).close();
    clock.advance(999);
    const young = await engine.connect();
    expect(await reached(young)).toBe('primary#1');
    await young.close();
    expect(invalidated).toEqual([]);

    clock.advance(1);
    const old = await engine.connect();
    expect(await reached(old)).toBe('primary#2');
    expect(server.connections[0]!.closed).toBe(true);
    expect(invalidated.map((e) => e.reason)).toEqual(['older than poolRecycle (1000 ms)']);
    await old.close();
    expect(engine.status()).toMatchObject({ open: 1, idle: 1 });
  });

  test('a connection that grew poolRecycle old while checked out is closed when returned, not kept', async () => {
    const engine = engineWith({ poolSize: 1, poolRecycle: 1000 });
    const conn = await engine.connect();
    clock.advance(1000);
    await conn.close();
    expect(server.connections[0]!.closed).toBe(true);
    expect(engine.status()).toMatchObject({ open: 0, idle: 0 });
  });

  test('a kept Connection is recycled at the start of each transaction, never inside one', async () => {
    const engine = engineWith({ poolSize: 1, poolRecycle: 1000 });
    const conn = await engine.connect();
    await conn.begin();
    expect(await reached(conn)).toBe('primary#1');
    clock.advance(1000);
    // Still the same transaction: its connection must not change under it.
    expect(await reached(conn)).toBe('primary#1');
    await conn.commit();
    expect(server.connections[0]!.statements).toEqual(['BEGIN', 'SELECT 1', 'SELECT 1', 'COMMIT']);

    // An autocommit statement is a transaction of its own: it starts on a fresh connection.
    expect(await reached(conn)).toBe('primary#2');
    expect(server.connections[0]!.closed).toBe(true);
    clock.advance(1000);
    await conn.begin();
    expect(server.connections.map((c) => c.name)).toEqual(['primary#1', 'primary#2', 'primary#3']);
    expect(server.connections[2]!.statements).toEqual(['BEGIN']);
    await conn.rollback();
    await conn.close();
  });
});

describe('pre-ping (prePing, prePingAfterIdle)', () => {
  test('with prePingAfterIdle 0 every reuse is pinged, a connection opened just now is not', async () => {
    const engine = engineWith({ poolSize: 1, prePing: true });
    const pings = collect(engine, 'ping');
    for (let i = 0; i < 3; i++) await (await engine.connect()).close();
    expect(pings).toEqual([
      { connectionId: expect.any(Number), ok: true },
      { connectionId: expect.any(Number), ok: true },
    ]);
    expect(server.connections[0]!.pings).toBe(2);
  });

  test('a connection is pinged only after prePingAfterIdle of idleness, at checkout and at each transaction start', async () => {
    const engine = engineWith({ poolSize: 1, prePing: true, prePingAfterIdle: 30_000 });
    const fake = server.connections;
    await (await engine.connect()).close();
    clock.advance(29_999);
    const conn = await engine.connect();
    expect(fake[0]!.pings).toBe(0);
    // Idleness counts from the last use, not from the checkout.
    clock.advance(1);
    await conn.execute('SELECT 1');
    expect(fake[0]!.pings).toBe(1);
    clock.advance(29_999);
    await conn.execute('SELECT 1');
    expect(fake[0]!.pings).toBe(1);

    clock.advance(30_000);
    await conn.begin();
    expect(fake[0]!.pings).toBe(2);
    clock.advance(30_000);
    // Inside a transaction nothing is checked: the transaction owns the connection.
    await conn.execute('SELECT 1');
    expect(fake[0]!.pings).toBe(2);
    await conn.commit();
    await conn.close();

    // The return counts as a use too.
    clock.advance(29_999);
    await (await engine.connect()).close();
    expect(fake[0]!.pings).toBe(2);
    clock.advance(30_000);
    await (await engine.connect()).close();
    expect(fake[0]!.pings).toBe(3);
  });

  test('a failed ping replaces the connection, and the other idle connections at their next use', async () => {
    const engine = engineWith({ poolSize: 2, prePing: true, prePingAfterIdle: 1000 });
    const pings = collect(engine, 'ping');
    const invalidated = collect(engine, 'invalidate');
    const [a, b] = [await engine.connect(), await engine.connect()];
    await a.close();
    await b.close();
    clock.advance(1000);

    server.failPings = true;
    const conn = await engine.connect();
    server.failPings = false;
    // LIFO: the connection returned last was the one tried.
    expect(pings.map((p) => p.ok)).toEqual([false]);
    expect(server.connections[1]!.closed).toBe(true);
    expect(await reached(conn)).toBe('primary#3');

    const other = await engine.connect();
    expect(await reached(other)).toBe('primary#4');
    expect(server.connections[0]!.closed).toBe(true);
    // The suspect connection was replaced without a ping of its own.
    expect(pings).toHaveLength(1);
    expect(invalidated.map((e) => e.reason)).toEqual(['pre-ping failed', 'pool invalidated after a disconnect']);
    await conn.close();
    await other.close();
  });
});

describe('leak detection (leakDetection)', () => {
  test('reports a connection once it has been held leakDetection ms, once, with the stack that took it', async () => {
    const engine = engineWith({ poolSize: 2, leakDetection: 5000 });
    const leaks = collect(engine, 'leak');
    const conn = await engine.connect();
    clock.advance(4999);
    expect(leaks).toEqual([]);
    clock.advance(1);
    expect(leaks).toEqual([{ connectionId: conn.connectionId, heldMs: 5000, stack: expect.stringContaining('pool-clock.test') }]);
    expect(leaks[0]!.stack).toMatch(/^Error: checked out here\n/);
    clock.advance(60_000);
    expect(leaks).toHaveLength(1);

    // A new checkout of the same connection is watched anew.
    await conn.close();
    const again = await engine.connect();
    clock.advance(5000);
    expect(leaks.map((l) => l.heldMs)).toEqual([5000, 5000]);
    await again.close();
  });

  test('each of several checkouts is reported exactly when it passes the limit', async () => {
    const engine = engineWith({ poolSize: 3, leakDetection: 5000 });
    const start = clock.now();
    const names = new Map<number, string>();
    const reported: string[] = [];
    engine.on('leak', (e) => reported.push(`${names.get(e.connectionId)} at +${clock.now() - start}, held ${e.heldMs}`));
    const a = await engine.connect();
    names.set(a.connectionId, 'a');
    clock.advance(2000);
    const b = await engine.connect();
    names.set(b.connectionId, 'b');
    clock.advance(1000);
    const c = await engine.connect();
    names.set(c.connectionId, 'c');
    clock.advance(1000);
    // c goes back in time and is never reported.
    await c.close();
    clock.advance(20_000);
    expect(reported).toEqual(['a at +5000, held 5000', 'b at +7000, held 5000']);
    await a.close();
    await b.close();
  });

  test('a connection returned in time is never reported, and no timer is left behind', async () => {
    const engine = engineWith({ poolSize: 1, leakDetection: 5000 });
    const leaks = collect(engine, 'leak');
    const conn = await engine.connect();
    clock.advance(4999);
    await conn.close();
    clock.advance(60_000);
    expect(leaks).toEqual([]);
    expect(clock.pending()).toEqual({ foreground: 0, background: 0 });
  });

  test('without a leak listener the report is a process warning with the stack', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const engine = engineWith({ poolSize: 1, leakDetection: 100 });
    const conn = await engine.connect();
    clock.advance(100);
    expect(warn).toHaveBeenCalledTimes(1);
    const [message, options] = warn.mock.calls[0]!;
    expect(message).toMatch(/^A connection to fake server primary has been checked out for 100 ms \(leakDetection 100 ms\)\. It was taken at:\n/);
    expect(message).toContain('pool-clock.test');
    expect(options).toEqual({ code: 'STRATA_POOL_LEAK' });
    await conn.close();
  });

  test('dispose stops the leak timer', async () => {
    const engine = engineWith({ poolSize: 1, leakDetection: 5000 });
    const leaks = collect(engine, 'leak');
    await engine.connect();
    expect(clock.pending().background).toBe(1);
    await engine.dispose();
    expect(clock.pending().background).toBe(0);
    clock.advance(10_000);
    expect(leaks).toEqual([]);
  });
});

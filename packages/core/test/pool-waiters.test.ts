/*
 * The pool under load on a clock moved by hand, over a fake dialect: poolTimeout and its
 * message, overflow connections closed on return, waiters served first come first served,
 * a timed-out waiter taking nothing afterwards, and dispose rejecting waiters. No server, no
 * sleep; the real-server pool suite keeps concurrent transactions on each dialect.
 */
import type { Connection } from '../src/engine/connection';
import { Engine, type EngineOptions } from '../src/engine/engine';
import { InvalidStateError, PoolTimeoutError } from '../src/errors/errors';
import { fakeServer, resetFakeServers, type FakeServer } from './fake-dialect';
import { ManualClock, settle } from './manual-clock';

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
});

function engineWith(options: EngineOptions): Engine {
  const engine = new Engine('fake://primary/db', options, clock);
  engines.push(engine);
  return engine;
}

/** A checkout whose outcome can be looked at without awaiting it. */
interface Pending {
  readonly name: string;
  conn?: Connection;
  error?: unknown;
}

function request(engine: Engine, name: string, served?: string[]): Pending {
  const pending: Pending = { name };
  engine.connect().then(
    (conn) => {
      pending.conn = conn;
      served?.push(name);
    },
    (error: unknown) => {
      pending.error = error;
    },
  );
  return pending;
}

async function hold(engine: Engine, count: number): Promise<Connection[]> {
  const held: Connection[] = [];
  for (let i = 0; i < count; i++) held.push(await engine.connect());
  return held;
}

describe('poolTimeout', () => {
  test('an exhausted pool raises PoolTimeoutError after exactly poolTimeout, telling its state', async () => {
    const engine = engineWith({ poolSize: 2, maxOverflow: 1, poolTimeout: 200 });
    const held = await hold(engine, 3);
    clock.advance(50);
    const waiter = request(engine, 'late');
    await settle();
    expect(engine.status()).toMatchObject({ size: 2, open: 3, checkedOut: 3, overflow: 1, idle: 0, waiting: 1 });
    clock.advance(199);
    await settle();
    expect(waiter.error).toBeUndefined();

    clock.advance(1);
    await settle();
    const error = waiter.error as PoolTimeoutError;
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error.code).toBe('pool_timeout');
    expect(error.message).toBe(
      'No connection to fake server primary became free within poolTimeout 200 ms: poolSize 2, maxOverflow 1, 3 checked out, 1 waiting. ' +
        'The oldest checkout has been held for 250 ms (set the engine option leakDetection to see where it was taken). ' +
        'Close connections and sessions when done (Session.run or scopedSession do it for you), or raise poolSize / maxOverflow.',
    );
    expect(engine.status()).toMatchObject({ waiting: 0, checkedOut: 3 });
    expect(clock.pending()).toEqual({ foreground: 0, background: 0 });
    for (const conn of held) await conn.close();
  });

  test('under leakDetection the message shows where the oldest checkout was taken', async () => {
    const engine = engineWith({ poolSize: 1, maxOverflow: 0, poolTimeout: 100, leakDetection: 60_000 });
    const [holder] = await hold(engine, 1);
    const waiter = request(engine, 'late');
    clock.advance(100);
    await settle();
    const message = (waiter.error as Error).message;
    expect(message).toMatch(/The oldest checkout has been held for 100 ms; it was taken at:\n\s+at /);
    expect(message).toContain('pool-waiters.test');
    await holder!.close();
  });

  test('a waiter that timed out takes nothing afterwards; the one behind it is served', async () => {
    const engine = engineWith({ poolSize: 1, maxOverflow: 0, poolTimeout: 1000 });
    const [holder] = await hold(engine, 1);
    const served: string[] = [];
    const early = request(engine, 'early', served);
    clock.advance(500);
    const late = request(engine, 'late', served);
    clock.advance(500);
    await settle();
    expect(early.error).toBeInstanceOf(PoolTimeoutError);
    expect(engine.status().waiting).toBe(1);

    await holder!.close();
    await settle();
    expect(served).toEqual(['late']);
    await late.conn!.close();
    expect(engine.status()).toMatchObject({ checkedOut: 0, idle: 1, waiting: 0 });
    // The connection sits idle: the next checkout takes it without waiting.
    const next = await engine.connect();
    expect(server.connections).toHaveLength(1);
    await next.close();
  });

  test('a pool that recovers in time serves the waiter before poolTimeout', async () => {
    const engine = engineWith({ poolSize: 1, maxOverflow: 0, poolTimeout: 1000 });
    const [holder] = await hold(engine, 1);
    const waiter = request(engine, 'waiter');
    clock.advance(999);
    await holder!.close();
    await settle();
    expect(waiter.conn).toBeDefined();
    expect(clock.pending().foreground).toBe(0);
    clock.advance(10_000);
    await settle();
    expect(waiter.error).toBeUndefined();
    await waiter.conn!.close();
  });
});

describe('overflow and waiters', () => {
  test('overflow connections are opened under load and closed when returned', async () => {
    const engine = engineWith({ poolSize: 1, maxOverflow: 2 });
    const held = await hold(engine, 3);
    expect(engine.status()).toMatchObject({ open: 3, overflow: 2, checkedOut: 3 });
    for (const conn of held) await conn.close();
    expect(server.connections.map((c) => c.closed)).toEqual([false, true, true]);
    expect(engine.status()).toMatchObject({ open: 1, idle: 1, overflow: 0, checkedOut: 0 });
  });

  test('lifo reuses the most recently returned connection, fifo the oldest', async () => {
    for (const reuse of ['lifo', 'fifo'] as const) {
      const engine = engineWith({ poolSize: 2, maxOverflow: 0, poolReuse: reuse });
      const [a, b] = await hold(engine, 2);
      const [idA, idB] = [a!.connectionId, b!.connectionId];
      await a!.close();
      await b!.close();
      const next = await engine.connect();
      expect(next.connectionId).toBe(reuse === 'lifo' ? idB : idA);
      await next.close();
    }
  });

  test('waiters are served first come, first served, and a newcomer waits behind them', async () => {
    const engine = engineWith({ poolSize: 1, maxOverflow: 0, poolTimeout: 5000 });
    const [first] = await hold(engine, 1);
    const served: string[] = [];
    const waiters = ['b', 'c', 'd'].map((name) => request(engine, name, served));
    await settle();
    expect(engine.status().waiting).toBe(3);

    await first!.close();
    await settle();
    expect(served).toEqual(['b']);
    // The fast path does not jump the queue either.
    expect(engine.connectNow()).toBeUndefined();
    const newcomer = request(engine, 'e', served);
    for (const waiter of waiters) {
      await waiter.conn!.close();
      await settle();
    }
    expect(served).toEqual(['b', 'c', 'd', 'e']);
    await newcomer.conn!.close();
    expect(engine.status()).toMatchObject({ checkedOut: 0, waiting: 0, open: 1 });
    expect(server.connections).toHaveLength(1);
  });

  test('a waiter gets a new connection when the one returned is dead', async () => {
    const engine = engineWith({ poolSize: 1, maxOverflow: 0 });
    const [holder] = await hold(engine, 1);
    const waiter = request(engine, 'waiter');
    await server.connections[0]!.close();
    await holder!.close();
    await settle();
    expect(waiter.conn).toBeDefined();
    await waiter.conn!.execute('SELECT 1');
    expect(server.lastStatementOn).toBe('primary#2');
    await waiter.conn!.close();
  });
});

describe('dispose', () => {
  test('rejects every waiter and closes checked-out connections when they are returned', async () => {
    const engine = engineWith({ poolSize: 2, maxOverflow: 0, poolTimeout: 5000 });
    const held = await hold(engine, 2);
    const waiters = [request(engine, 'x'), request(engine, 'y')];
    await settle();
    await engine.dispose();
    await settle();
    for (const waiter of waiters) {
      expect(waiter.error).toBeInstanceOf(InvalidStateError);
      expect((waiter.error as Error).message).toBe('The engine for fake server primary was disposed while waiting for a connection.');
    }
    expect(clock.pending()).toEqual({ foreground: 0, background: 0 });
    expect(server.openConnections).toHaveLength(2);
    for (const conn of held) await conn.close();
    expect(server.openConnections).toHaveLength(0);
    expect(engine.status()).toMatchObject({ open: 0, checkedOut: 0, waiting: 0 });
    await expect(engine.connect()).rejects.toThrow(/has been disposed; create a new engine/);
  });

  test('closes idle connections at once', async () => {
    const engine = engineWith({ poolSize: 2 });
    for (const conn of await hold(engine, 2)) await conn.close();
    expect(server.openConnections).toHaveLength(2);
    await engine.dispose();
    expect(server.openConnections).toHaveLength(0);
    expect(engine.status()).toMatchObject({ open: 0, idle: 0 });
  });
});

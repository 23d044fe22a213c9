/*
 * The read replicas' timing on a clock moved by hand, over fake servers: a replica that
 * refused a connection is skipped for replicaRetryAfter and tried again after it, every
 * replica down sends reads to the primary, and replicaRecycle spreads pooled reads again.
 * Real replication (who sees which row) is proven by the scale suite on real servers.
 */
import type { Connection } from '../src/engine/connection';
import { Engine, type EngineOptions } from '../src/engine/engine';
import type { EngineEventMap } from '../src/engine/engine-events';
import { ConnectionFailedError } from '../src/errors/errors';
import { fakeServer, resetFakeServers, type FakeServer } from './fake-dialect';
import { ManualClock } from './manual-clock';

const R1 = 'fake://r1/db';
const R2 = 'fake://r2/db';
const engines: Engine[] = [];
let clock: ManualClock;
let primary: FakeServer;
let r1: FakeServer;
let r2: FakeServer;

beforeEach(() => {
  resetFakeServers();
  clock = new ManualClock();
  [primary, r1, r2] = [fakeServer('primary'), fakeServer('r1'), fakeServer('r2')];
});

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose();
});

function engineWith(options: EngineOptions): Engine {
  const engine = new Engine('fake://primary/db', { replicas: [R1, R2], poolSize: 5, ...options }, clock);
  engines.push(engine);
  return engine;
}

function replicaEvents(engine: Engine): EngineEventMap['replica'][] {
  const seen: EngineEventMap['replica'][] = [];
  engine.on('replica', (e) => seen.push(e));
  return seen;
}

/** The server a new read connection is opened on; it stays checked out, so the next read opens another. */
async function readServer(engine: Engine, held: Connection[]): Promise<string> {
  const servers = [primary, r1, r2];
  const before = servers.map((s) => s.connections.length);
  held.push(await engine.connectForRead());
  return servers.filter((s, i) => s.connections.length > before[i]!).map((s) => s.name).join(', ');
}

describe('replicaRetryAfter', () => {
  test('a replica that refused a connection is skipped for replicaRetryAfter, then tried again', async () => {
    const engine = engineWith({ replicaRetryAfter: 5000 });
    const events = replicaEvents(engine);
    const held: Connection[] = [];
    r1.down = true;
    const downAt = clock.now();
    expect(await readServer(engine, held)).toBe('r2');
    expect(r1.refused).toBe(1);
    expect(events).toEqual([{ target: R1, healthy: false, error: expect.any(ConnectionFailedError) }]);
    expect(engine.replicaStatus()).toEqual([
      { target: R1, healthy: false, retryAt: downAt + 5000 },
      { target: R2, healthy: true, retryAt: 0 },
    ]);

    // Skipped without a try while the wait runs, even though it is back already.
    expect(await readServer(engine, held)).toBe('r2');
    r1.down = false;
    clock.advance(4999);
    expect(await readServer(engine, held)).toBe('r2');
    expect(r1.refused).toBe(1);
    expect(r1.connections).toHaveLength(0);

    clock.advance(1);
    expect(engine.replicaStatus()[0]).toEqual({ target: R1, healthy: true, retryAt: 0 });
    expect(await readServer(engine, held)).toBe('r1');
    expect(events.map((e) => e.healthy)).toEqual([false, true]);
    // Round robin goes on over both.
    expect(await readServer(engine, held)).toBe('r2');
    expect(await readServer(engine, held)).toBe('r1');
    for (const conn of held) await conn.close();
  });

  test('with every replica down reads go to the primary until replicaRetryAfter has passed', async () => {
    const engine = engineWith({ replicaRetryAfter: 5000 });
    const events = replicaEvents(engine);
    const held: Connection[] = [];
    r1.down = true;
    r2.down = true;
    expect(await readServer(engine, held)).toBe('primary');
    expect(await readServer(engine, held)).toBe('primary');
    expect([r1.refused, r2.refused]).toEqual([1, 1]);
    expect(events.map((e) => `${e.target} ${e.healthy}`)).toEqual([`${R1} false`, `${R2} false`]);

    r1.down = false;
    r2.down = false;
    clock.advance(5000);
    expect(await readServer(engine, held)).toBe('r1');
    for (const conn of held) await conn.close();
  });
});

describe('replicaRecycle', () => {
  test('pooled read connections are replaced after replicaRecycle, so reads reach a replica that came back', async () => {
    const engine = engineWith({ replicaRetryAfter: 5000, replicaRecycle: 30_000 });
    r1.down = true;
    const first = await engine.connectForRead();
    await first.execute('SELECT 1');
    expect(r2.lastStatementOn).toBe('r2#1');
    await first.close();

    r1.down = false;
    clock.advance(29_999);
    // The idle replica connection is still young enough: reused as it is.
    const reused = await engine.connectForRead();
    await reused.execute('SELECT 1');
    await reused.close();
    expect(r2.connections[0]!.statements).toEqual(['SELECT 1', 'SELECT 1']);
    expect(r1.connections).toHaveLength(0);

    clock.advance(1);
    const fresh = await engine.connectForRead();
    await fresh.execute('SELECT 1');
    await fresh.close();
    expect(r2.connections[0]!.closed).toBe(true);
    expect(r1.lastStatementOn).toBe('r1#1');
  });
});

/*
 * Pool saturation on the real servers: 500 request sessions at once on a pool of 5 + 5
 * overflow, each holding its connection for a server-side sleep and a write. They queue,
 * then finish or fail with PoolTimeoutError; the heap stays bounded and the pool is whole.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  Column,
  createEngine,
  Entity,
  MetaData,
  PoolTimeoutError,
  PrimaryGeneratedColumn,
  scopedSession,
  select,
  sessionMaker,
  sql,
  type Engine,
  type Session,
  type SessionFactory,
} from '@strata/core';
import { testUrl } from '../targets';
import { report, Tally } from './fault-report';
import { type ServerDialect } from './server-control';

@Entity('sat_hit')
class SatHit {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer' }) n!: number;
}

const satMetadata = new MetaData([SatHit]);

const REQUESTS = 500;
const POOL = { poolSize: 5, maxOverflow: 5 } as const;
/** Short enough that the tail of the queue cannot be served in time: ten connections serve about 300 requests a second. */
const SHORT_TIMEOUT = 250;

/** A full collection: exposed by `node --expose-gc`, or switched on here for this process. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap in use after a full collection, in MB. */
function heapMb(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** What a burst of requests saw. */
interface Burst {
  finished: number;
  timeouts: number;
  /** The first PoolTimeoutError; only one is kept, so the heap figure is the library's, not this record's. */
  firstTimeout: PoolTimeoutError | undefined;
  /** How long each timed-out request waited before it was told. */
  timeoutWaits: number[];
  /** Anything else: each one is a defect. */
  others: Tally;
  otherSamples: unknown[];
  peakOpen: number;
  peakCheckedOut: number;
  peakWaiting: number;
  ms: number;
}

/** Fires `count` requests at once and waits for all of them, sampling the pool meanwhile. */
async function burst(engine: Engine, count: number, request: (n: number) => Promise<void>): Promise<Burst> {
  const result: Burst = { finished: 0, timeouts: 0, firstTimeout: undefined, timeoutWaits: [], others: new Tally(), otherSamples: [], peakOpen: 0, peakCheckedOut: 0, peakWaiting: 0, ms: 0 };
  const sample = (): void => {
    const status = engine.pool.status();
    result.peakOpen = Math.max(result.peakOpen, status.open);
    result.peakCheckedOut = Math.max(result.peakCheckedOut, status.checkedOut);
    result.peakWaiting = Math.max(result.peakWaiting, status.waiting);
  };
  const sampler = setInterval(sample, 5);
  const started = performance.now();
  const one = async (n: number): Promise<void> => {
    const at = performance.now();
    try {
      await request(n);
      result.finished++;
    } catch (error) {
      if (error instanceof PoolTimeoutError) {
        result.timeouts++;
        result.firstTimeout ??= error;
        result.timeoutWaits.push(performance.now() - at);
      } else {
        result.others.add(error instanceof Error ? error.constructor.name : typeof error);
        if (result.otherSamples.length < 3) result.otherSamples.push(error);
      }
    }
  };
  const all = Promise.all(Array.from({ length: count }, (_, n) => one(n)));
  // The queue forms synchronously, before the first connection is even open.
  sample();
  await all;
  clearInterval(sampler);
  result.ms = performance.now() - started;
  return result;
}

/** Registers the pool saturation tests for a client/server dialect. */
export function saturationSuite(dialect: ServerDialect): void {
  const sleep = dialect === 'postgresql' ? sql`pg_sleep(0.02)` : sql`SLEEP(0.02)`;

  /** One request: a transaction holding its connection through a 20 ms server-side sleep and an INSERT. */
  async function work(session: Session, n: number): Promise<void> {
    await session.execute(select({ slept: sleep }));
    const hit = new SatHit();
    hit.n = n;
    session.add(hit);
  }

  describe(`${dialect}: pool saturation`, () => {
    const url = testUrl(dialect);
    const engines: Engine[] = [];
    const gc = collector();

    function engineWith(poolTimeout: number): { engine: Engine; Session: SessionFactory } {
      const engine = createEngine(url, { ...POOL, poolTimeout });
      engines.push(engine);
      return { engine, Session: sessionMaker({ bind: engine, registry: satMetadata }) };
    }

    beforeAll(async () => {
      const setup = createEngine(url, { poolSize: 1 });
      try {
        await satMetadata.dropAll(setup, { checkFirst: true });
        await satMetadata.createAll(setup);
      } finally {
        await setup.dispose();
      }
    });

    afterAll(async () => {
      for (const engine of engines.splice(0)) await engine.dispose();
      // The worker's database is shared with the other suites (schema checks see every table): leave nothing behind.
      const cleanup = createEngine(url, { poolSize: 1 });
      try {
        await satMetadata.dropAll(cleanup, { checkFirst: true });
      } finally {
        await cleanup.dispose();
      }
    });

    /** The pool after a burst: nothing held or waiting, overflow closed, and a new request served at once. */
    async function expectHealthy(engine: Engine, Session: SessionFactory): Promise<number> {
      const status = engine.pool.status();
      expect(status.checkedOut).toBe(0);
      expect(status.waiting).toBe(0);
      expect(status.overflow).toBe(0);
      expect(status.open).toBeLessThanOrEqual(POOL.poolSize);
      const at = performance.now();
      await Session.run((s) => work(s, -1));
      const ms = performance.now() - at;
      expect(ms).toBeLessThan(1_000);
      return ms;
    }

    async function rowsWritten(engine: Engine): Promise<number> {
      return Number((await engine.execute(sql`SELECT count(*) AS c FROM sat_hit WHERE n >= ${0}`)).scalar());
    }

    test(`${REQUESTS} requests on 5 + 5 with a ${SHORT_TIMEOUT} ms poolTimeout: each finishes or fails with a PoolTimeoutError, memory stays bounded, the pool recovers`, async () => {
      const { engine, Session } = engineWith(SHORT_TIMEOUT);
      // Warm up code paths and connections, so the heap figure measures the burst only.
      await burst(engine, 50, (n) => Session.run((s) => work(s, n)));
      await engine.execute('DELETE FROM sat_hit');
      const heapBefore = heapMb(gc);
      const run = await burst(engine, REQUESTS, (n) => Session.run((s) => work(s, n)));
      const heapGrowth = heapMb(gc) - heapBefore;

      expect(run.otherSamples).toEqual([]);
      expect(run.finished + run.timeouts).toBe(REQUESTS);
      expect(run.finished).toBeGreaterThan(0);
      expect(run.timeouts).toBeGreaterThan(0);
      const message = run.firstTimeout!.message;
      expect(run.firstTimeout!.code).toBe('pool_timeout');
      expect(message).toMatch(new RegExp(`poolTimeout ${SHORT_TIMEOUT} ms`));
      expect(message).toMatch(/poolSize 5, maxOverflow 5, \d+ checked out, \d+ waiting/);
      // Told after about poolTimeout, never left hanging.
      expect(Math.min(...run.timeoutWaits)).toBeGreaterThanOrEqual(SHORT_TIMEOUT - 5);
      expect(Math.max(...run.timeoutWaits)).toBeLessThan(SHORT_TIMEOUT + 2_000);
      expect(run.peakWaiting).toBeGreaterThan(0);
      expect(run.peakOpen).toBeLessThanOrEqual(POOL.poolSize + POOL.maxOverflow);
      expect(run.peakCheckedOut).toBeLessThanOrEqual(POOL.poolSize + POOL.maxOverflow);
      // A request that timed out wrote nothing; one that finished is there.
      expect(await rowsWritten(engine)).toBe(run.finished);
      expect(heapGrowth).toBeLessThan(25);
      const nextMs = await expectHealthy(engine, Session);

      report(dialect, 'saturation, short poolTimeout', {
        requests: REQUESTS,
        finished: run.finished,
        PoolTimeoutError: run.timeouts,
        'other errors': run.others.toString(),
        'peak open / checked out / waiting': `${run.peakOpen} / ${run.peakCheckedOut} / ${run.peakWaiting}`,
        'timeout waited ms (min-max)': `${Math.round(Math.min(...run.timeoutWaits))}-${Math.round(Math.max(...run.timeoutWaits))}`,
        'heap growth MB': heapGrowth.toFixed(1),
        'burst ms': Math.round(run.ms),
        'next request ms': Math.round(nextMs),
        'pool after': JSON.stringify(engine.pool.status()),
      });
    }, 30_000);

    test(`${REQUESTS} request scopes on 5 + 5 with a generous poolTimeout all finish, and the pool shrinks back to its size`, async () => {
      const { engine, Session } = engineWith(30_000);
      const db = scopedSession(Session);
      await burst(engine, 50, (n) => db.run(() => work(db.current(), n)));
      await engine.execute('DELETE FROM sat_hit');
      const heapBefore = heapMb(gc);
      const run = await burst(engine, REQUESTS, (n) => db.run(() => work(db.current(), n)));
      const heapGrowth = heapMb(gc) - heapBefore;

      expect(run.otherSamples).toEqual([]);
      expect(run.timeouts).toBe(0);
      expect(run.finished).toBe(REQUESTS);
      expect(await rowsWritten(engine)).toBe(REQUESTS);
      expect(run.peakWaiting).toBeGreaterThan(0);
      expect(run.peakOpen).toBeLessThanOrEqual(POOL.poolSize + POOL.maxOverflow);
      expect(heapGrowth).toBeLessThan(25);
      const nextMs = await expectHealthy(engine, Session);

      report(dialect, 'saturation, generous poolTimeout', {
        requests: REQUESTS,
        finished: run.finished,
        PoolTimeoutError: run.timeouts,
        'other errors': run.others.toString(),
        'peak open / checked out / waiting': `${run.peakOpen} / ${run.peakCheckedOut} / ${run.peakWaiting}`,
        'heap growth MB': heapGrowth.toFixed(1),
        'burst ms': Math.round(run.ms),
        'requests/s': Math.round((REQUESTS / run.ms) * 1000),
        'next request ms': Math.round(nextMs),
        'pool after': JSON.stringify(engine.pool.status()),
      });
    }, 30_000);
  });
}

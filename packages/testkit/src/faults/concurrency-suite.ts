/*
 * Concurrency on the real servers: optimistic locking (VersionColumn) under 20 writers of
 * one row, a FOR UPDATE SKIP LOCKED work queue drained by 10 workers, and serializable
 * transfers re-run by session.transaction's retry. Each ends with exact totals.
 */
import {
  Column,
  createEngine,
  DatabaseError,
  Entity,
  MetaData,
  PrimaryColumn,
  select,
  SerializationError,
  sessionMaker,
  sql,
  StaleDataError,
  VersionColumn,
  type Engine,
  type SessionFactory,
} from '@strata/core';
import { testUrl } from '../targets';
import { report, Tally } from './fault-report';
import { pause, type ServerDialect } from './server-control';

@Entity('cc_counter')
class CcCounter {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) value!: number;
  @VersionColumn() version!: number;
}

/** The same counter without a version: the control that shows the schedule really loses updates. */
@Entity('cc_plain_counter')
class CcPlainCounter {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) value!: number;
}

@Entity('cc_job')
class CcJob {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'boolean' }) done!: boolean;
  @Column({ type: 'integer', nullable: true }) doneBy!: number | null;
  /** Incremented by every worker that processes the job: anything but 1 is a double hand-out. */
  @Column({ type: 'integer' }) claims!: number;
}

@Entity('cc_account')
class CcAccount {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) balance!: number;
}

const ccMetadata = new MetaData([CcCounter, CcPlainCounter, CcJob, CcAccount]);

const WRITERS = 20;
const JOBS = 200;
const WORKERS = 10;
const TRANSFER_WRITERS = 12;
const TRANSFERS_EACH = 10;
const OPENING = 10_000;

/** A promise that resolves once `count` callers have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

/** `SerializationError 40001`: the class and the server's code. */
function kind(error: unknown): string {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return error instanceof DatabaseError && error.driverCode ? `${name} ${error.driverCode}` : name;
}

/** Registers the concurrency tests for a client/server dialect. */
export function concurrencySuite(dialect: ServerDialect): void {
  describe(`${dialect}: concurrency`, () => {
    const url = testUrl(dialect);
    let engine: Engine;
    let Session: SessionFactory;

    beforeAll(async () => {
      // Every writer holds a connection at the barrier, so the pool must seat them all.
      engine = createEngine(url, { poolSize: 10, maxOverflow: 15, poolTimeout: 20_000 });
      Session = sessionMaker({ bind: engine, registry: ccMetadata });
      await ccMetadata.dropAll(engine, { checkFirst: true });
      await ccMetadata.createAll(engine);
    });

    afterAll(async () => {
      // The worker's database is shared with the other suites (schema checks see every table): leave nothing behind.
      await ccMetadata.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    async function counterRow(table: string, id: number): Promise<{ value: number; version?: number }> {
      const row = (await engine.execute(sql`SELECT * FROM ${sql.id(table)} WHERE id = ${id}`)).rows[0]!;
      return { value: Number(row.value), version: row.version === undefined ? undefined : Number(row.version) };
    }

    test(`VersionColumn: ${WRITERS} concurrent read-modify-write sessions retrying on StaleDataError lose no update`, async () => {
      await Session.run((s) => s.add(Object.assign(new CcCounter(), { id: 1, value: 0 })));
      const allRead = barrier(WRITERS);
      let stale = 0;
      const started = performance.now();
      const writer = async (): Promise<number> => {
        for (let attempt = 1; attempt <= 100; attempt++) {
          try {
            await Session.run(async (s) => {
              const counter = (await s.get(CcCounter, 1))!;
              // Every first attempt reads version 1 before anyone writes: all but one must lose.
              if (attempt === 1) await allRead();
              counter.value += 1;
            });
            return attempt;
          } catch (error) {
            if (!(error instanceof StaleDataError)) throw error;
            expect(error.message).toMatch(/CcCounter \(id=1\) expected version \d+, but the row is at version \d+/);
            stale++;
          }
        }
        throw new Error('a writer still lost after 100 attempts');
      };
      const attempts = await Promise.all(Array.from({ length: WRITERS }, writer));
      const ms = performance.now() - started;

      const final = await counterRow('cc_counter', 1);
      expect(final.value).toBe(WRITERS);
      expect(final.version).toBe(1 + WRITERS);
      expect(stale).toBeGreaterThanOrEqual(WRITERS - 1);
      expect(attempts.reduce((a, b) => a + b, 0)).toBe(WRITERS + stale);
      expect(engine.pool.status()).toMatchObject({ checkedOut: 0, waiting: 0 });
      report(dialect, 'VersionColumn with retry', {
        writers: WRITERS,
        'final value': final.value,
        'final version': final.version!,
        StaleDataError: stale,
        'most attempts by one writer': Math.max(...attempts),
        ms: Math.round(ms),
      });
    }, 30_000);

    test(`VersionColumn without retry: the successful writers are exactly the increments, while an unversioned twin loses updates`, async () => {
      await Session.run((s) => {
        s.add(Object.assign(new CcCounter(), { id: 2, value: 0 }));
        s.add(Object.assign(new CcPlainCounter(), { id: 1, value: 0 }));
      });
      const errors = new Tally();
      let succeeded = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          try {
            await Session.run(async (s) => {
              const counter = (await s.get(CcCounter, 2))!;
              // Scattered write times: some writers see a newer version, some lose.
              await pause(Math.floor(Math.random() * 30));
              counter.value += 1;
            });
            succeeded++;
          } catch (error) {
            errors.add(kind(error));
          }
        }),
      );
      const versioned = await counterRow('cc_counter', 2);
      expect(errors.total).toBe(errors.get('StaleDataError'));
      expect(succeeded + errors.total).toBe(WRITERS);
      expect(succeeded).toBeGreaterThanOrEqual(1);
      expect(versioned.value).toBe(succeeded);
      expect(versioned.version).toBe(1 + succeeded);

      // The same schedule with no version: every writer "succeeds", and the row shows fewer increments.
      const allRead = barrier(WRITERS);
      await Promise.all(
        Array.from({ length: WRITERS }, () =>
          Session.run(async (s) => {
            const counter = (await s.get(CcPlainCounter, 1))!;
            await allRead();
            counter.value += 1;
          }),
        ),
      );
      const plain = await counterRow('cc_plain_counter', 1);
      expect(plain.value).toBeLessThan(WRITERS);
      report(dialect, 'VersionColumn without retry', {
        writers: WRITERS,
        succeeded,
        'failed by kind': errors.toString(),
        'final value': versioned.value,
        'unversioned control: updates lost': WRITERS - plain.value,
      });
    }, 30_000);

    test(`FOR UPDATE SKIP LOCKED hands each of ${JOBS} jobs to exactly one of ${WORKERS} workers`, async () => {
      await Session.run((s) => {
        for (let id = 1; id <= JOBS; id++) s.add(Object.assign(new CcJob(), { id, done: false, doneBy: null, claims: 0 }));
      });
      let skipLocked = 0;
      const stopCounting = engine.on('statement', (entry) => {
        if (/FOR UPDATE SKIP LOCKED/i.test(entry.sql)) skipLocked++;
      });
      // Jobs held at once: a plain FOR UPDATE would make every worker wait on the lowest open job, one at a time.
      let holding = 0;
      let peakHolding = 0;
      const started = performance.now();
      const worker = async (w: number): Promise<number[]> => {
        const log: number[] = [];
        for (;;) {
          const id = await Session.transaction(async (s) => {
            const job = await s.scalar(select(CcJob).where({ done: false }).orderBy((j) => j.id).limit(1).forUpdate({ skipLocked: true }));
            if (!job) return undefined;
            job.done = true;
            job.doneBy = w;
            job.claims += 1;
            peakHolding = Math.max(peakHolding, ++holding);
            // Holding the lock a moment makes the other workers meet it and skip past it.
            await pause(2);
            holding--;
            return job.id;
          });
          if (id === undefined) return log;
          log.push(id);
        }
      };
      const logs = await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w + 1)));
      const ms = performance.now() - started;
      stopCounting();

      const handedOut = logs.flat();
      expect(handedOut).toHaveLength(JOBS);
      expect(new Set(handedOut).size).toBe(JOBS);
      const rows = (await engine.execute('SELECT id, done, done_by, claims FROM cc_job ORDER BY id')).rows;
      expect(rows).toHaveLength(JOBS);
      const owner = new Map<number, number>();
      logs.forEach((log, i) => log.forEach((id) => owner.set(id, i + 1)));
      // Each row done once, by the worker whose log holds it.
      const wrong = rows.filter((r) => !(Boolean(r.done) && Number(r.claims) === 1 && Number(r.done_by) === owner.get(Number(r.id))));
      expect(wrong).toEqual([]);
      const busy = logs.filter((log) => log.length > 0).length;
      expect(busy).toBeGreaterThanOrEqual(3);
      expect(skipLocked).toBeGreaterThan(JOBS);
      expect(peakHolding).toBeGreaterThanOrEqual(2);
      report(dialect, 'SKIP LOCKED work queue', {
        jobs: JOBS,
        workers: WORKERS,
        processed: handedOut.length,
        'workers with jobs': busy,
        'peak jobs held at once': peakHolding,
        'jobs per worker': logs.map((log) => log.length).join(' '),
        ms: Math.round(ms),
      });
    }, 30_000);

    test(`serializable transfers by ${TRANSFER_WRITERS} writers, retried by session.transaction, end with exact totals`, async () => {
      await Session.run((s) => {
        for (const [id, balance] of [[1, OPENING], [2, 0], [3, 0]] as const) s.add(Object.assign(new CcAccount(), { id, balance }));
      });
      const firstRead = barrier(TRANSFER_WRITERS);
      const failures = new Tally();
      const unexpected: unknown[] = [];
      let attempts = 0;
      let moved = 0;
      const started = performance.now();
      const writer = async (w: number): Promise<void> => {
        const amount = 1 + (w % 3);
        for (let i = 0; i < TRANSFERS_EACH; i++) {
          let tries = 0;
          await Session.transaction(
            async (s) => {
              attempts++;
              tries++;
              try {
                // Account 3 counts transfers: a plain read-modify-write that only serializable isolation keeps exact.
                const [from, to, count] = await s.scalars(select(CcAccount).where((a) => a.id.in([1, 2, 3])).orderBy((a) => a.id));
                if (i === 0 && tries === 1) await firstRead();
                from!.balance -= amount;
                to!.balance += amount;
                count!.balance += 1;
                await s.flush();
              } catch (error) {
                failures.add(kind(error));
                if (!(error instanceof SerializationError)) unexpected.push(error);
                throw error;
              }
            },
            { isolationLevel: 'serializable', retry: { attempts: 50, baseDelayMs: 5, maxDelayMs: 200 } },
          );
          moved += amount;
        }
      };
      await Promise.all(Array.from({ length: TRANSFER_WRITERS }, (_, w) => writer(w)));
      const ms = performance.now() - started;

      const committed = TRANSFER_WRITERS * TRANSFERS_EACH;
      const balances = (await engine.execute('SELECT id, balance FROM cc_account ORDER BY id')).rows.map((r) => Number(r.balance));
      expect(unexpected).toEqual([]);
      expect(balances).toEqual([OPENING - moved, moved, committed]);
      const retries = attempts - committed;
      expect(retries).toBeGreaterThan(0);
      // MariaDB has no serialization failure: its SERIALIZABLE reads take shared locks, and the conflict is a deadlock (1213).
      if (dialect === 'mysql') expect(failures.get('SerializationError ER_LOCK_DEADLOCK')).toBeGreaterThan(0);
      else expect(failures.get('SerializationError 40001')).toBeGreaterThan(0);
      expect(engine.pool.status()).toMatchObject({ checkedOut: 0, waiting: 0 });
      report(dialect, 'serializable with retry', {
        writers: TRANSFER_WRITERS,
        transactions: committed,
        attempts,
        retries,
        'failed in the callback by kind': failures.toString(),
        'failed at commit': retries - failures.total,
        balances: balances.join(' / '),
        ms: Math.round(ms),
      });
    }, 30_000);
  });
}

/*
 * Outages under load, on the real servers: the server restarted while 50 request scopes
 * move money, sessions killed at random for a minute, and idle connections dropped by the
 * server's own timeout. After each: every transfer committed whole or failed with a clear
 * error, no money created or lost, no committed row missing, and the pool is whole.
 */
import { createEngine, sessionMaker, type Engine, type SessionFactory } from '@strata/core';
import { testUrl } from '../targets';
import { checkBank, openBank, startBank, ACCOUNTS, OPENING, bankMetadata, type BankRun } from './bank';
import { report, Tally } from './fault-report';
import { ensureServer, killSessions, pause, setIdleTimeout, startServer, stopServer, type ServerDialect } from './server-control';

/** Seconds of random kills (issue 9 asks for 60; STRATA_FAULT_KILL_SECONDS shortens it for a local run). */
const KILL_SECONDS = Number(process.env.STRATA_FAULT_KILL_SECONDS ?? 60);

/** Registers the outage tests for a client/server dialect. */
export function outageSuite(dialect: ServerDialect): void {
  describe(`${dialect}: outages`, () => {
    const url = testUrl(dialect);
    const database = decodeURIComponent(new URL(url).pathname.slice(1));
    let engine: Engine;
    let Session: SessionFactory;

    beforeAll(async () => {
      await ensureServer(dialect);
      engine = createEngine(url, { poolSize: 10, maxOverflow: 10, poolTimeout: 15_000, connectTimeout: 2_000 });
      Session = sessionMaker({ bind: engine, registry: bankMetadata });
    });

    beforeEach(async () => {
      await openBank(engine);
    });

    afterAll(async () => {
      // A failed test must not leave the server down, nor its tables, for what runs next.
      await ensureServer(dialect);
      await bankMetadata.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    /** The checks every outage test ends with; returns the figures to report. */
    async function expectIntact(run: BankRun): Promise<Record<string, string | number>> {
      expect(run.unexpected).toEqual([]);
      const check = await checkBank(engine, run);
      expect(check.total).toBe(ACCOUNTS * OPENING);
      expect(check.inconsistent).toBe(0);
      expect(check.lost).toBe(0);
      // The pool holds nothing for requests that ended, and is not left beyond its size.
      const status = engine.pool.status();
      expect(status.checkedOut).toBe(0);
      expect(status.waiting).toBe(0);
      expect(status.open).toBeLessThanOrEqual(10);
      // New work succeeds on the same engine.
      const after = startBank(Session, 5);
      await pause(500);
      const more = await after.stop();
      expect(more.unexpected).toEqual([]);
      expect(more.committed.size).toBeGreaterThan(0);
      expect(more.errors.total).toBe(0);
      return {
        transactions: run.attempts,
        committed: run.committed.size,
        'failed by kind': run.errors.toString(),
        'committed though the client saw it fail': check.committedUnseen,
        'rows lost': check.lost,
        'money total': check.total,
      };
    }

    test('a server restart under load: each transfer whole or failed clearly, the ledger holds, work resumes on the same engine', async () => {
      const load = startBank(Session, 50);
      await pause(2_000);
      const committedBefore = load.run.committed.size;
      const downAt = performance.now();
      await stopServer(dialect);
      await pause(1_000);
      await startServer(dialect);
      const upAt = performance.now();
      // Let the load run until it has committed again for a while, then stop it.
      const deadline = upAt + 30_000;
      while (!load.run.commitTimes.some((t) => t > upAt) && performance.now() < deadline) await pause(50);
      await pause(2_000);
      const run = await load.stop();
      const firstAfter = run.commitTimes.find((t) => t > upAt);
      expect(committedBefore).toBeGreaterThan(0);
      expect(firstAfter).toBeDefined();
      const figures = await expectIntact(run);
      report(dialect, 'server restart under load (50 sessions)', {
        ...figures,
        'server down for (ms)': Math.round(upAt - downAt),
        'first commit after the server was back (ms)': Math.round(firstAfter! - upAt),
      });
    });

    test(`sessions killed at random for ${KILL_SECONDS} s under load: the same guarantees`, async () => {
      const load = startBank(Session, 50);
      const kills = new Tally();
      const end = performance.now() + KILL_SECONDS * 1_000;
      while (performance.now() < end) {
        await pause(100 + Math.random() * 300);
        kills.add('killed', await killSessions(dialect, database, 1 + Math.floor(Math.random() * 3)));
      }
      await pause(1_000);
      const run = await load.stop();
      const figures = await expectIntact(run);
      expect(kills.get('killed')).toBeGreaterThan(0);
      expect(run.committed.size).toBeGreaterThan(0);
      report(dialect, `sessions killed at random (${KILL_SECONDS} s, 50 sessions)`, { ...figures, 'sessions killed': kills.get('killed') });
    });

    test('connections the server drops while the application sleeps: the next requests see no error', async () => {
      await setIdleTimeout(dialect, database, 1);
      // A fresh engine: its connections are opened under the new timeout.
      const idleEngine = createEngine(url, { poolSize: 10, maxOverflow: 0 });
      const IdleSession = sessionMaker({ bind: idleEngine, registry: bankMetadata });
      const invalidations = new Tally();
      idleEngine.on('invalidate', (e) => invalidations.add(e.reason));
      const total = new Tally();
      try {
        for (let round = 0; round < 3; round++) {
          const load = startBank(IdleSession, 20);
          await pause(300);
          const run = await load.stop();
          expect(run.unexpected).toEqual([]);
          expect(run.errors.toString()).toBe('none');
          total.add('transactions', run.attempts);
          // Every pooled connection outlives the server's patience.
          await pause(2_500);
        }
      } finally {
        await setIdleTimeout(dialect, database, undefined);
        await idleEngine.dispose();
      }
      expect(invalidations.total).toBeGreaterThan(0);
      const check = await checkBank(engine, { committed: new Set(), attempts: 0, errors: new Tally(), unexpected: [], commitTimes: [] });
      expect(check.total).toBe(ACCOUNTS * OPENING);
      expect(check.inconsistent).toBe(0);
      report(dialect, 'idle connections dropped by the server (3 rounds)', { transactions: total.get('transactions'), errors: 0, 'connections replaced': invalidations.toString() });
    });
  });
}

/*
 * The conformance suites that make up an application's life (session and unit of work,
 * transactions and savepoints, queries, relationships and loaders, request scopes, entity
 * round trips) run through PgBouncer in transaction-pooling mode, with Strata's
 * `pgbouncer=true` URL option: no named statements, no startup options, nothing per session.
 */
import '@strata/postgres';
import { startPgBouncer, type PgBouncer } from '../../testkit/src/scale/pgbouncer';

const PORT = 6432;
const direct = new URL(process.env.STRATA_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test');
let bouncer: PgBouncer;

beforeAll(async () => {
  bouncer = await startPgBouncer(PORT, { host: direct.hostname, port: Number(direct.port || 5432) }, 20);
});

afterAll(async () => {
  await bouncer?.stop();
});

// The suites read the server URL when they load: point it at the bouncer before loading them.
process.env.STRATA_PG_URL = `postgresql://postgres@127.0.0.1:${PORT}${direct.pathname}?pgbouncer=true`;
const kit = require('@strata/testkit') as typeof import('@strata/testkit');

describe('postgresql through PgBouncer (transaction pooling)', () => {
  test('the suites below connect through the bouncer', () => {
    expect(kit.testUrl('postgresql')).toMatch(new RegExp(`^postgresql://postgres@127\\.0\\.0\\.1:${PORT}/.*\\?pgbouncer=true$`));
  });
});

kit.sessionSuite('postgresql');
kit.transactionSuite('postgresql');
kit.querySuite('postgresql');
kit.relationshipSuite('postgresql');
kit.scopeSuite('postgresql');
kit.entityRoundTripSuite('postgresql');

describe('postgresql through PgBouncer: afterwards', () => {
  test('the bouncer passed the suites\' transactions on, and no statement stayed prepared on the server', async () => {
    const database = decodeURIComponent(new URL(kit.testUrl('postgresql')).pathname.slice(1));
    expect(await bouncer.transactions(database)).toBeGreaterThan(500);
    const { createEngine } = require('@strata/core') as typeof import('@strata/core');
    const engine = createEngine(kit.testUrl('postgresql'));
    try {
      expect(Number((await engine.execute("SELECT count(*) AS n FROM pg_prepared_statements")).scalar())).toBe(0);
    } finally {
      await engine.dispose();
    }
  });
});

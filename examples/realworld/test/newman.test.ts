/*
 * The official RealWorld Postman collection, run by newman against the app on each
 * dialect, from an empty database migrated by the strata CLI (checked against the entities).
 */
import { selectedDialects, testUrl } from '@strata/testkit';
import { dropSchema, migrate, runNewman, startApp, strataCheck, type RunningApp } from './support/conduit';

// Every dialect, unless STRATA_DIALECTS narrows the run on purpose (the others are then not registered at all).
for (const dialect of selectedDialects()) {
  describe(`${dialect}: the Conduit Postman collection`, () => {
    const url = testUrl(dialect);
    let app: RunningApp;

    beforeAll(async () => {
      await dropSchema(url);
      await migrate(url);
      app = await startApp(url);
    }, 180_000);

    afterAll(async () => {
      await app?.close();
      await dropSchema(url);
    });

    test('the migration (generated on SQLite) gives this database exactly the entities\' schema', async () => {
      const check = await strataCheck(url);
      expect(check.out).toMatch(/matches the entities/);
      expect(check.status).toBe(0);
    }, 180_000);

    test('newman runs all 32 requests and no assertion fails', async () => {
      const { result, report } = await runNewman(app.api);
      const { stats, failures } = report.run;
      const failed = failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`);
      expect({ failed, exit: result.status }).toEqual({ failed: [], exit: 0 });
      expect(stats.requests.total).toBe(32);
      expect(stats.requests.failed).toBe(0);
      expect(stats.assertions.failed).toBe(0);
      expect(stats.assertions.total).toBeGreaterThan(300);
    }, 180_000);
  });
}

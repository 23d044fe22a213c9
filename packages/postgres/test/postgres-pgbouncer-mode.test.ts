/*
 * pgbouncer=true on the real server: the settings startup options would have made sure of
 * are checked instead; migrations refuse the URL while they would take the session-level
 * migration lock (transaction pooling cannot hold it), and run with the lock off.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, createEngine, MigrationError, type Engine } from '@strata/core';
import { loadRevisions, Migrator, RevisionGraph, type Reporter } from '@strata/cli';
import '@strata/postgres';
import { testUrl } from '@strata/testkit';

const quiet: Reporter = { info: () => undefined, warn: () => undefined, done: () => undefined, step: () => undefined };

describe('postgresql: migrating through a pgbouncer=true URL', () => {
  let engine: Engine;
  const graph = new RevisionGraph(loadRevisions(mkdtempSync(join(tmpdir(), 'strata-bouncer-migrations-'))));

  beforeAll(() => {
    engine = createEngine(`${testUrl('postgresql')}?pgbouncer=true`, { poolSize: 1 });
  });

  afterAll(async () => {
    await engine.execute('DROP TABLE IF EXISTS bouncer_versions').catch(() => undefined);
    await engine.dispose();
  });

  test('with the lock, upgrade is refused with what to do instead', async () => {
    const migrator = new Migrator({ engine, graph, versionTable: 'bouncer_versions', reporter: quiet });
    const error = (await migrator.upgrade('head').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(/goes through PgBouncer \(pgbouncer=true\).*Migrate against PostgreSQL directly.*--no-lock/);
    expect(engine.status().checkedOut).toBe(0);
  });

  test('with lock: false it runs', async () => {
    const migrator = new Migrator({ engine, graph, versionTable: 'bouncer_versions', reporter: quiet, lock: false });
    await expect(migrator.upgrade('head')).resolves.toEqual([]);
  });

  test('a server setting that would round floats is refused with the setting to change', async () => {
    const database = new URL(testUrl('postgresql')).pathname.slice(1);
    await engine.execute(`ALTER DATABASE "${database}" SET extra_float_digits = 0`);
    const fresh = createEngine(`${testUrl('postgresql')}?pgbouncer=true`, { poolSize: 1 });
    try {
      const error = (await fresh.execute('SELECT 1').catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toMatch(/through PgBouncer\) has extra_float_digits 0, so float values would come back rounded.*ALTER DATABASE \.\.\. SET extra_float_digits = 1/);
    } finally {
      await fresh.dispose();
      await engine.execute(`ALTER DATABASE "${database}" RESET extra_float_digits`);
    }
    const again = createEngine(`${testUrl('postgresql')}?pgbouncer=true`, { poolSize: 1 });
    try {
      expect(Number((await again.execute('SELECT 0.1::float8 + 0.2::float8 AS x')).scalar())).toBe(0.1 + 0.2);
    } finally {
      await again.dispose();
    }
  });
});

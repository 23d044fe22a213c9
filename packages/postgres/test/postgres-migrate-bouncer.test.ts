/*
 * Migrations refuse a PgBouncer URL while they would take the session-level migration lock:
 * transaction pooling cannot hold it. With the lock off they run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, MigrationError, type Engine } from '@strata/core';
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
});

/*
 * A database of a test's own, next to the worker's: empty when the test starts (the worker's
 * database may hold other suites' tables), dropped after. On SQLite, a new file.
 */
import { createEngine } from '@strata/core';
import { testUrl, withDatabase, type DialectName } from './targets';

/** A scratch database and how to drop it. */
export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates (again) the database `<worker database>_<suffix>` on the dialect's server, or a new SQLite file. */
export async function scratchDatabase(dialect: DialectName, suffix: string): Promise<ScratchDatabase> {
  if (dialect === 'sqlite') return { url: testUrl('sqlite'), drop: async () => undefined };
  const workerUrl = testUrl(dialect);
  const name = `${new URL(workerUrl).pathname.slice(1)}_${suffix}`;
  const admin = createEngine(workerUrl, { poolSize: 1 });
  const quoted = admin.dialect.ddl.quote(name);
  const force = dialect === 'postgresql' ? ' WITH (FORCE)' : '';
  try {
    await admin.execute(`DROP DATABASE IF EXISTS ${quoted}${force}`);
    await admin.execute(`CREATE DATABASE ${quoted}`);
  } finally {
    await admin.dispose();
  }
  return {
    url: withDatabase(workerUrl, name),
    drop: async () => {
      const again = createEngine(workerUrl, { poolSize: 1 });
      try {
        await again.execute(`DROP DATABASE IF EXISTS ${quoted}${force}`);
      } finally {
        await again.dispose();
      }
    },
  };
}

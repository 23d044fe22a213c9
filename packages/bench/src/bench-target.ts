/*
 * Opens one dialect for the bench: its database (created when missing), a Strata engine
 * and session factory over the bench's tables (dropped and created fresh), and the raw
 * driver on the same database.
 */
import { createEngine, sessionMaker } from '@strata/core';
import '@strata/mysql';
import '@strata/postgres';
import '@strata/sqlite';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { join } from 'node:path';
import type { DialectName } from './bench-options';
import { benchMetadata } from './entities';
import { MysqlRawDriver } from './raw/mysql-raw-driver';
import { PgRawDriver } from './raw/pg-raw-driver';
import type { RawDriver } from './raw/raw-driver';
import { SqliteRawDriver } from './raw/sqlite-raw-driver';
import { StrataSide } from './strata-side';

/** A dialect ready to run scenarios on. */
export interface OpenTarget {
  readonly raw: RawDriver;
  readonly strata: StrataSide;
  /** Where it runs, for the report (no password). */
  readonly where: string;
  close(): Promise<void>;
}

const DEFAULT_URLS = {
  postgresql: 'postgresql://postgres@127.0.0.1:5432/bench',
  mysql: 'mysql://root@127.0.0.1:3306/bench',
} as const;

/** The URL of a server dialect: STRATA_BENCH_PG_URL / STRATA_BENCH_MYSQL_URL or the default. */
export function serverUrl(dialect: 'postgresql' | 'mysql'): string {
  const fromEnv = dialect === 'postgresql' ? process.env.STRATA_BENCH_PG_URL : process.env.STRATA_BENCH_MYSQL_URL;
  return fromEnv || DEFAULT_URLS[dialect];
}

/** Opens `dialect`; SQLite's file goes in `tempDir`. */
export async function openTarget(dialect: DialectName, tempDir: string): Promise<OpenTarget> {
  const url = dialect === 'sqlite' ? `sqlite:///${join(tempDir, 'bench.db')}` : serverUrl(dialect);
  if (dialect !== 'sqlite') await ensureDatabase(dialect, url);
  const engine = createEngine(url);
  try {
    const metadata = benchMetadata();
    await metadata.dropAll(engine, { checkFirst: true });
    await metadata.createAll(engine);
    const raw =
      dialect === 'postgresql' ? await PgRawDriver.connect(url) : dialect === 'mysql' ? await MysqlRawDriver.connect(url) : new SqliteRawDriver(join(tempDir, 'bench.db'));
    return {
      raw,
      strata: new StrataSide(engine, sessionMaker({ bind: engine, registry: metadata })),
      where: withoutPassword(url),
      async close() {
        await raw.close();
        await engine.dispose();
      },
    };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

/** Creates the URL's database when the server lacks it, through the server's default database. */
async function ensureDatabase(dialect: 'postgresql' | 'mysql', url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^\w+$/.test(name)) throw new Error(`${withoutPassword(url)}: name the bench database with letters, digits and _ only`);
  if (dialect === 'postgresql') {
    parsed.pathname = '/postgres';
    const client = new Client({ connectionString: parsed.toString() });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
  } else {
    parsed.pathname = '/';
    const conn = await createConnection({ uri: parsed.toString() });
    try {
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
    } finally {
      await conn.end();
    }
  }
}

function withoutPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/*
 * Runs once before the test suites: checks that every selected server answers, failing
 * the run loudly with its name if not, and gives every Jest worker a new, empty database
 * (dropped and created again, so tables left by an interrupted earlier run cannot leak in).
 */
import { SERVER_URLS, selectedDialects, workerDatabase } from './targets';

/** The part of Jest's global config this set-up reads. */
interface JestGlobalConfig {
  readonly maxWorkers: number;
}

export default async function globalSetup(config: JestGlobalConfig): Promise<void> {
  const workers = Math.max(1, config.maxWorkers);
  for (const dialect of selectedDialects()) {
    if (dialect === 'sqlite') continue;
    const url = SERVER_URLS[dialect];
    const base = new URL(url).pathname.replace(/^\//, '') || 'test';
    const names = Array.from({ length: workers }, (_, i) => workerDatabase(base, String(i + 1)));
    try {
      if (dialect === 'postgresql') await createPostgresDatabases(url, names);
      else await createMysqlDatabases(url, names);
    } catch (error) {
      throw new Error(
        `The ${dialect} server at ${redact(url)} is unreachable or refused set-up: ${(error as Error).message}\n` +
          `Start it, point ${dialect === 'postgresql' ? 'STRATA_PG_URL' : 'STRATA_MYSQL_URL'} at one, ` +
          'or narrow the run on purpose with STRATA_DIALECTS (e.g. STRATA_DIALECTS=sqlite).',
      );
    }
  }
}

async function createPostgresDatabases(url: string, names: string[]): Promise<void> {
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    for (const name of names) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
}

async function createMysqlDatabases(url: string, names: string[]): Promise<void> {
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  const parsed = new URL(url);
  const conn = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    connectTimeout: 5000,
  });
  try {
    for (const name of names) {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.query(`CREATE DATABASE \`${name}\``);
    }
  } finally {
    await conn.end();
  }
}

function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

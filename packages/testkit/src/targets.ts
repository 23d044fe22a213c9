/*
 * Which databases the tests run against, and the URL each Jest worker uses. Every
 * worker gets its own database on the servers so test files can run in parallel.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The dialects the suites know. */
export type DialectName = 'postgresql' | 'mysql' | 'sqlite';

export const ALL_DIALECTS: readonly DialectName[] = ['postgresql', 'mysql', 'sqlite'];

/** Server URLs the suites use, overridable for other set-ups. */
export const SERVER_URLS: Readonly<Record<'postgresql' | 'mysql', string>> = {
  postgresql: process.env.STRATA_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
  mysql: process.env.STRATA_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

/**
 * The dialects selected for this run: all three unless `STRATA_DIALECTS` narrows them
 * (comma separated, e.g. `STRATA_DIALECTS=sqlite`).
 */
export function selectedDialects(): DialectName[] {
  const raw = process.env.STRATA_DIALECTS?.trim();
  if (!raw) return [...ALL_DIALECTS];
  const names = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const name of names) {
    if (!ALL_DIALECTS.includes(name as DialectName)) {
      throw new Error(`STRATA_DIALECTS names '${name}'; known dialects: ${ALL_DIALECTS.join(', ')}`);
    }
  }
  return names as DialectName[];
}

/** The name of this worker's own database on a server. */
export function workerDatabase(base: string, worker = process.env.JEST_WORKER_ID ?? '1'): string {
  return `${base}_w${worker}`;
}

/** Replaces the database part of a server URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh SQLite file URL in a temporary directory. */
export function sqliteFileUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-test-'));
  return `sqlite:///${join(dir, 'test.db')}`;
}

/**
 * The URL a test should use for a dialect: this worker's database on the server, or a
 * new SQLite file.
 */
export function testUrl(dialect: DialectName): string {
  if (dialect === 'sqlite') return sqliteFileUrl();
  const base = SERVER_URLS[dialect];
  const database = new URL(base).pathname.replace(/^\//, '') || 'test';
  return withDatabase(base, workerDatabase(database));
}

/** True when this run includes the dialect. */
export function isSelected(dialect: DialectName): boolean {
  return selectedDialects().includes(dialect);
}

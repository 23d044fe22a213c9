/*
 * What the fault suite does to the real servers: stop and start them (PostgreSQL through
 * pg_ctlcluster, MariaDB through mariadb-admin and start-stop-daemon, as CI starts them),
 * kill the sessions of one database, and set the idle timeouts that drop idle connections.
 * Every call waits until the server answers again before it returns.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { SERVER_URLS } from '../targets';

const run = promisify(execFile);

/** The client/server dialects the fault suite runs on. */
export type ServerDialect = 'postgresql' | 'mysql';

/** Resolves after `ms` milliseconds. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One statement on a short-lived administrative connection (the server's default database). */
async function admin<T = Record<string, unknown>>(dialect: ServerDialect, text: string, params: unknown[] = []): Promise<T[]> {
  const url = new URL(SERVER_URLS[dialect]);
  if (dialect === 'postgresql') {
    const { Client } = require('pg') as typeof import('pg');
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password), connectTimeout: 3000 });
  try {
    const [rows] = await conn.query(text, params);
    return (Array.isArray(rows) ? rows : []) as T[];
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** True when the server accepts a connection and answers a query. */
export async function serverAnswers(dialect: ServerDialect): Promise<boolean> {
  try {
    await admin(dialect, 'SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Waits until the server answers; throws naming the server when it does not within `timeoutMs`. */
export async function waitForServer(dialect: ServerDialect, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await serverAnswers(dialect))) {
    if (Date.now() > deadline) throw new Error(`The ${dialect} server did not come back within ${timeoutMs} ms.`);
    await pause(100);
  }
}

/** The PostgreSQL cluster version CI starts (`ls /etc/postgresql`). */
function postgresVersion(): string {
  const versions = readdirSync('/etc/postgresql').sort();
  if (versions.length === 0) throw new Error('No PostgreSQL cluster under /etc/postgresql.');
  return versions[versions.length - 1]!;
}

/** Stops the server (PostgreSQL in fast mode: sessions are terminated, as at a real shutdown). */
export async function stopServer(dialect: ServerDialect): Promise<void> {
  if (dialect === 'postgresql') {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'stop', '-m', 'fast']);
    return;
  }
  await run('mariadb-admin', ['-h', '127.0.0.1', '-u', 'root', 'shutdown']);
  // mariadb-admin returns once the server accepted the shutdown; wait for the process to go.
  for (let i = 0; i < 300 && (await mariadbRunning()); i++) await pause(100);
}

/** Starts the server the way CI does and waits until it answers. */
export async function startServer(dialect: ServerDialect): Promise<void> {
  if (dialect === 'postgresql') {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'start']).catch(() => undefined);
  } else {
    await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
  }
  await waitForServer(dialect);
}

async function mariadbRunning(): Promise<boolean> {
  try {
    await run('pidof', ['mariadbd']);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure the server runs (after a failed test left it down, say). */
export async function ensureServer(dialect: ServerDialect): Promise<void> {
  if (!(await serverAnswers(dialect))) await startServer(dialect);
}

/** Kills up to `count` sessions connected to `database` (pg_terminate_backend / KILL); returns how many. */
export async function killSessions(dialect: ServerDialect, database: string, count: number): Promise<number> {
  if (dialect === 'postgresql') {
    const rows = await admin<{ pid: number }>(
      dialect,
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY random() LIMIT $2",
      [database, count],
    );
    for (const { pid } of rows) await admin(dialect, 'SELECT pg_terminate_backend($1)', [pid]).catch(() => undefined);
    return rows.length;
  }
  const rows = await admin<{ ID: number }>(dialect, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND COMMAND <> 'Daemon' ORDER BY RAND() LIMIT ?", [database, count]);
  for (const { ID } of rows) await admin(dialect, `KILL CONNECTION ${Number(ID)}`).catch(() => undefined);
  return rows.length;
}

/**
 * Makes the server drop connections to `database` idle for `seconds` (PostgreSQL's
 * idle_session_timeout for the database, MariaDB's global wait_timeout), for connections
 * opened from now on; `undefined` restores the default.
 */
export async function setIdleTimeout(dialect: ServerDialect, database: string, seconds: number | undefined): Promise<void> {
  if (dialect === 'postgresql') {
    const quoted = `"${database.replace(/"/g, '""')}"`;
    await admin(dialect, seconds === undefined ? `ALTER DATABASE ${quoted} RESET idle_session_timeout` : `ALTER DATABASE ${quoted} SET idle_session_timeout = '${Math.round(seconds * 1000)}ms'`);
    return;
  }
  await admin(dialect, `SET GLOBAL wait_timeout = ${seconds === undefined ? 28800 : Math.max(1, Math.round(seconds))}`);
}

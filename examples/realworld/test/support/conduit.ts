/*
 * Test plumbing for the Conduit example: the schema migrated by the real `strata` CLI in a
 * spawned process, the app on an ephemeral port, newman in a spawned process, and the
 * tables dropped afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine, MetaData, type Engine } from '@strata/core';
import { createApp } from '../../src/app';
import { entities } from '../../src/entities';

const EXAMPLE = resolve(__dirname, '../..');
const ROOT = resolve(EXAMPLE, '../..');
const STRATA = join(ROOT, 'packages/cli/test/support/strata-dev.js');
const NEWMAN = join(ROOT, 'node_modules/.bin/newman');
/** The official collection, kept unchanged in the repository (see test/fixtures/README.md). */
const COLLECTION = resolve(__dirname, '../fixtures/Conduit.postman_collection.json');

/** What a spawned process did. */
export interface Run {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

function run(file: string, args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((done) => {
    execFile(file, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      done({ status: error ? (typeof code === 'number' ? code : 1) : 0, out: stdout, err: stderr });
    });
  });
}

/** `strata upgrade head` for this example, as a user runs it, against `url`. */
export async function migrate(url: string): Promise<void> {
  const result = await run(process.execPath, [STRATA, 'upgrade', 'head'], { cwd: EXAMPLE, env: { DATABASE_URL: url } });
  if (result.status !== 0) throw new Error(`strata upgrade head failed (${result.status}):\n${result.out}\n${result.err}`);
}

/** `strata check`: exit 0 when the migrated database matches the entities. */
export function strataCheck(url: string): Promise<Run> {
  return run(process.execPath, [STRATA, 'check'], { cwd: EXAMPLE, env: { DATABASE_URL: url } });
}

/** Drops the example's tables and the migrations' version table, leaving the database empty for the next file. */
export async function dropSchema(url: string): Promise<void> {
  const engine = createEngine(url, { poolSize: 1 });
  try {
    await new MetaData(entities).dropAll(engine, { checkFirst: true });
    await engine.execute(`DROP TABLE IF EXISTS ${engine.dialect.ddl.quote('strata_migrations')}`);
  } finally {
    await engine.dispose();
  }
}

/** A running app: its /api base URL, its engine (to watch statements) and how to stop it. */
export interface RunningApp {
  readonly api: string;
  readonly engine: Engine;
  close(): Promise<void>;
}

/** Starts the app on an ephemeral port. */
export async function startApp(url: string): Promise<RunningApp> {
  const { app, engine } = createApp({ url, secret: 'test-secret' });
  const server = await new Promise<import('node:http').Server>((ready) => {
    const listening = app.listen(0, '127.0.0.1', () => ready(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    api: `http://127.0.0.1:${port}/api`,
    engine,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
      await engine.dispose();
    },
  };
}

/** The parts of newman's JSON report the tests read. */
export interface NewmanReport {
  readonly run: {
    readonly stats: Record<'requests' | 'assertions' | 'testScripts', { total: number; pending: number; failed: number }>;
    readonly failures: readonly { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
  };
}

/** Runs the official Postman collection with newman against `api`, as SOURCE.md invokes it. */
export async function runNewman(api: string): Promise<{ result: Run; report: NewmanReport }> {
  const user = `u${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const reportFile = join(mkdtempSync(join(tmpdir(), 'conduit-newman-')), 'report.json');
  const result = await run(
    NEWMAN,
    [
      'run', COLLECTION,
      '--global-var', `APIURL=${api}`,
      '--global-var', `USERNAME=${user}`,
      '--global-var', `EMAIL=${user}@mail.com`,
      '--global-var', 'PASSWORD=password',
      '--reporters', 'cli,json', '--reporter-json-export', reportFile,
    ],
    { cwd: EXAMPLE },
  );
  if (!existsSync(reportFile)) {
    throw new Error(`newman wrote no report (exit ${result.status}):\n${result.out.slice(-2000)}\n${result.err.slice(-2000)}`);
  }
  return { result, report: JSON.parse(readFileSync(reportFile, 'utf8')) as NewmanReport };
}

/** A JSON response: its status and parsed body (undefined when empty). */
export interface Reply {
  readonly status: number;
  readonly body: any;
}

/** Calls the API with Node's fetch: `call('POST', '/users', { body })`, `{ token }` for `Authorization: Token <jwt>`. */
export function client(api: string) {
  return async (method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token !== undefined) headers.authorization = `Token ${options.token}`;
    const response = await fetch(`${api}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

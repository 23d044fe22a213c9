/*
 * Small helpers the suites share: a statement recorder, a sleep, a failed connect, and an
 * HTTP server whose requests run in a request scope.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngine, type Engine, type EngineOptions, type ScopedSession, type ScopeOptions, type StatementEntry } from '@strata/core';

/** Records the statements an engine runs while `fn` runs. */
export async function recordStatements<T>(engine: Engine, fn: () => Promise<T>): Promise<{ result: T; statements: StatementEntry[] }> {
  const statements: StatementEntry[] = [];
  const stop = engine.on('statement', (entry) => statements.push(entry));
  try {
    const result = await fn();
    return { result, statements };
  } finally {
    stop();
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error connecting to `url` fails with (a test fails loudly if it connects instead). */
export async function connectFailure(url: string, options: EngineOptions = {}): Promise<Error> {
  const engine = createEngine(url, options);
  try {
    return await engine.connect().then(
      () => new Error(`connected to ${url} unexpectedly`),
      (e: Error) => e,
    );
  } finally {
    await engine.dispose();
  }
}

/** A node:http server whose every request runs `handler` inside `db.middleware(options)`; a throwing handler answers 500. */
export async function serveScoped(
  db: ScopedSession,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options?: ScopeOptions,
): Promise<{ server: Server; url: string }> {
  const middleware = db.middleware(options);
  const server = createServer((req, res) =>
    middleware(req, res, () => {
      handler(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String((error as Error).message));
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes a server and every connection it still has. */
export async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

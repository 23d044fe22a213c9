/*
 * Small helpers the suites share: a statement recorder and a table-name helper.
 */
import { createEngine, type Engine, type EngineOptions, type StatementEntry } from '@strata/core';

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

/*
 * Small helpers the suites share: a statement recorder and a table-name helper.
 */
import type { Engine, StatementEntry } from '@strata/core';

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

/*
 * Statement checks for application tests, usable with any test runner: `expectStatements`
 * guards that a piece of code runs a fixed number of statements (no N+1 loading);
 * `captureStatements` records what an engine runs until stopped.
 */
import { AssertionError } from 'node:assert';
import type { Engine } from '../engine/engine';
import type { StatementEntry } from '../engine/engine-events';

/**
 * Runs `fn` and throws an AssertionError listing the statements when the engine ran
 * another number than `expected` meanwhile (BEGIN / COMMIT not counted). Returns fn's result.
 * @example
 * const users = await expectStatements(engine, 2, () => session.scalars(select(User).options(selectinLoad(User, 'posts'))));
 */
export async function expectStatements<T>(engine: Engine, expected: number, fn: () => Promise<T> | T): Promise<T> {
  const { result, count, statements } = await engine.countStatements(fn);
  if (count !== expected) {
    const list = statements.map((s, i) => `  ${i + 1}. ${s.sql}`).join('\n');
    throw new AssertionError({
      message: `Expected ${expected} statement(s), but ${count} ran:\n${list || '  (none)'}`,
      actual: count,
      expected,
      operator: 'expectStatements',
    });
  }
  return result;
}

/** What `captureStatements` returns: the statements so far, live until `stop()`. */
export interface StatementCapture {
  /** Every statement the engine ran since capture began (transaction control included), in order. */
  readonly statements: readonly StatementEntry[];
  /** Their SQL text, in order. */
  readonly sql: readonly string[];
  /** Forgets what was captured so far; capture goes on. */
  clear(): void;
  /** Stops capturing; what was captured stays readable. */
  stop(): void;
}

/**
 * Records every statement `engine` runs from now until `stop()`, with parameters (unless
 * the engine hides them), timing, row count and error. Everything the engine runs is
 * recorded, so use an engine no other test shares at the same time.
 * @example
 * const capture = captureStatements(engine);
 * await session.commit();
 * capture.stop();
 * expect(capture.sql).toEqual(['BEGIN', 'INSERT INTO "users" ("name") VALUES ($1) RETURNING "id"', 'COMMIT']);
 */
export function captureStatements(engine: Engine): StatementCapture {
  const statements: StatementEntry[] = [];
  const stop = engine.on('statement', (entry) => {
    statements.push(entry);
  });
  return {
    statements,
    get sql() {
      return statements.map((s) => s.sql);
    },
    clear: () => {
      statements.length = 0;
    },
    stop,
  };
}

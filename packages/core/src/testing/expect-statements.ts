/*
 * `expectStatements`: a guard for application tests that a piece of code runs a fixed
 * number of statements (no N+1 loading), usable with any test runner.
 */
import { AssertionError } from 'node:assert';
import type { Engine } from '../engine/engine';

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

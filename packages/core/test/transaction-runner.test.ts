/*
 * The pure parts of session.transaction(): retry policy checks, backoff with jitter, and
 * which errors count as worth running the transaction again. Behaviour against real
 * databases is in the testkit's transaction suite.
 */
import { ArgumentError, FlushError, IntegrityError, InvalidStateError, SerializationError, StaleDataError, TransactionAbortedError } from '../src/errors/errors';
import { backoffDelay, isRetryable, resolveRetryPolicy } from '../src/orm/transaction/transaction-runner';

describe('retry policy', () => {
  test('a number is the attempts in all; defaults fill the delays', () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ attempts: 1, baseDelayMs: 10, maxDelayMs: 1000 });
    expect(resolveRetryPolicy(5)).toEqual({ attempts: 5, baseDelayMs: 10, maxDelayMs: 1000 });
    expect(resolveRetryPolicy({ attempts: 3, baseDelayMs: 2, maxDelayMs: 50 })).toEqual({ attempts: 3, baseDelayMs: 2, maxDelayMs: 50 });
  });

  test('nonsense is an ArgumentError naming the option', () => {
    expect(() => resolveRetryPolicy(0)).toThrow(ArgumentError);
    expect(() => resolveRetryPolicy(2.5)).toThrow(/attempts must be a whole number of at least 1/);
    expect(() => resolveRetryPolicy({ attempts: 2, maxDelayMs: Number.NaN })).toThrow(/maxDelayMs must be a number of milliseconds/);
  });
});

describe('backoff', () => {
  const policy = resolveRetryPolicy({ attempts: 10, baseDelayMs: 10, maxDelayMs: 100 });

  test('the ceiling doubles with each attempt up to the maximum', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt, () => 0.999999));
    expect(ceilings).toEqual([9, 19, 39, 79, 99, 99]);
  });

  test('full jitter: anywhere from zero to the ceiling', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(20);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(policy, 4);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(80);
    }
  });
});

describe('which failures are retried', () => {
  const conflict = new SerializationError('could not serialize access', { driverCode: '40001' });

  test('serialization failures, also behind the errors that report a transaction ended by one', () => {
    expect(isRetryable(conflict)).toBe(true);
    expect(isRetryable(new TransactionAbortedError('rolled back', { cause: conflict }))).toBe(true);
    expect(isRetryable(new InvalidStateError('session unusable', { cause: conflict }))).toBe(true);
    expect(isRetryable(new FlushError('flush failed', { cause: conflict }))).toBe(true);
  });

  test('optimistic-lock conflicts (StaleDataError), also behind a session refusing to go on after one', () => {
    const stale = new StaleDataError('UPDATE of Product (id=1) expected version 1, but the row is at version 2', { entity: 'Product', identity: [1] });
    expect(isRetryable(stale)).toBe(true);
    expect(isRetryable(new InvalidStateError('session unusable', { cause: stale }))).toBe(true);
  });

  test('nothing else: other database errors, an abort with another cause, user errors wrapping one', () => {
    expect(isRetryable(new IntegrityError('duplicate'))).toBe(false);
    expect(isRetryable(new TransactionAbortedError('COMMIT answered with ROLLBACK'))).toBe(false);
    expect(isRetryable(new Error('wrapped', { cause: conflict }))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});

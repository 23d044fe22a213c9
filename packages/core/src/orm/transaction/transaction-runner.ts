/*
 * session.transaction(fn, options): decides from the propagation mode whether fn joins the
 * open transaction, gets a savepoint, a session of its own, or begins the outermost
 * transaction, and then owns the commit / rollback, re-running the whole of fn with backoff
 * when the database reports a serialization failure or deadlock, or a flush finds a row
 * changed since it was read (an optimistic-lock conflict).
 */
import type { IsolationLevel } from '../../engine/dialect';
import {
  ArgumentError,
  DatabaseError,
  FlushError,
  InvalidStateError,
  SerializationError,
  StaleDataError,
  StrataError,
  TransactionAbortedError,
} from '../../errors/errors';
import type { Session } from '../session/session';
import { contextOf } from '../session/session-context';

/**
 * How `session.transaction()` relates to a transaction already open on the session:
 * - `'required'` (default): join it, or begin one and commit / roll back around fn.
 * - `'requiresNew'`: run fn in a new session (same options and listeners), on its own
 *   connection and transaction, committed independently of the caller's, which is left
 *   untouched. Objects do not cross sessions: pass ids and load them again, or `merge()`.
 *   The new transaction cannot wait for locks the caller's holds (it would wait forever, or on
 *   SQLite, where a writer locks the whole database, fail after busy_timeout once the caller
 *   has written), and it needs a second pooled connection.
 * - `'nested'`: run fn inside a savepoint, released on success and rolled back on error
 *   while the outer transaction goes on; begins the transaction when none is open.
 * - `'mandatory'`: join it; InvalidStateError when none is open.
 * - `'never'`: InvalidStateError when one is open; otherwise fn runs as it would without
 *   `transaction()` (its statements still autobegin).
 */
export type Propagation = 'required' | 'requiresNew' | 'nested' | 'mandatory' | 'never';

/** How often and how patiently `session.transaction()` re-runs fn after a serialization failure. */
export interface RetryPolicy {
  /** Attempts in all, the first one included; 1 never retries. */
  attempts: number;
  /** Backoff before the second attempt, doubled before each further one (then jittered). Default 10 ms. */
  baseDelayMs?: number;
  /** The longest backoff. Default 1000 ms. */
  maxDelayMs?: number;
}

/** Options of `session.transaction()` and `Session.transaction()`. */
export interface TransactionOptions {
  /** Isolation level of the transaction this call begins; an error when it joins one begun at another level. */
  isolationLevel?: IsolationLevel;
  /**
   * Re-run fn on a serialization failure, deadlock, lock timeout or busy database
   * (SerializationError) and on an optimistic-lock conflict (StaleDataError): a number is the attempts in all
   * (`retry: 5` = `{ attempts: 5 }`). Only for a call that begins the outermost transaction.
   * Default: no retry.
   */
  retry?: number | RetryPolicy;
  /** How this call relates to a transaction already open. Default `'required'`. */
  propagation?: Propagation;
}

/** A validated retry policy. */
export type ResolvedRetryPolicy = Required<RetryPolicy>;

const PROPAGATIONS: readonly Propagation[] = ['required', 'requiresNew', 'nested', 'mandatory', 'never'];

/** Runs fn in the transaction its options ask for; the engine behind `session.transaction()`. */
export async function runTransaction<T>(session: Session, fn: (session: Session) => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
  if (typeof fn !== 'function') throw new ArgumentError(`session.transaction(fn) takes a function; got ${String(fn)}.`);
  const propagation = options.propagation ?? 'required';
  if (!PROPAGATIONS.includes(propagation)) {
    throw new ArgumentError(`Unknown transaction propagation '${String(propagation)}'; use one of: ${PROPAGATIONS.join(', ')}.`);
  }
  const retry = resolveRetryPolicy(options.retry);
  switch (propagation) {
    case 'requiresNew': {
      const inner = contextOf(session).fork();
      try {
        return await runTransaction(inner, fn, { ...options, propagation: 'required' });
      } finally {
        await inner.close();
      }
    }
    case 'never':
      if (session.inTransaction) {
        throw new InvalidStateError(
          "session.transaction(fn, { propagation: 'never' }) found a transaction open on this session. Commit or roll it back first, " +
            "or use propagation 'required' to join it.",
        );
      }
      if (options.retry !== undefined || options.isolationLevel !== undefined) {
        throw new ArgumentError("propagation 'never' begins no transaction, so retry and isolationLevel have nothing to apply to; drop them or use 'required'.");
      }
      return fn(session);
    case 'mandatory':
      if (!session.inTransaction) {
        throw new InvalidStateError(
          "session.transaction(fn, { propagation: 'mandatory' }) needs a transaction already open on this session, and there is none. " +
            "Call it from inside an outer session.transaction(...) (or after session.begin()), or use propagation 'required' to begin one.",
        );
      }
      return joinOpen(session, fn, options, retry, propagation);
    case 'nested':
      if (!session.inTransaction) return runOutermost(session, fn, options.isolationLevel, retry);
      return runInSavepoint(session, fn, options, retry);
    case 'required':
      if (session.inTransaction) return joinOpen(session, fn, options, retry, propagation);
      return runOutermost(session, fn, options.isolationLevel, retry);
  }
}

/** Checks a retry option and fills in its defaults. */
export function resolveRetryPolicy(retry: number | RetryPolicy | undefined): ResolvedRetryPolicy {
  const given = typeof retry === 'number' ? { attempts: retry } : (retry ?? { attempts: 1 });
  const policy = { attempts: given.attempts, baseDelayMs: given.baseDelayMs ?? 10, maxDelayMs: given.maxDelayMs ?? 1000 };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new ArgumentError(`transaction retry: attempts must be a whole number of at least 1 (the first attempt included); got ${String(given.attempts)}.`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new ArgumentError(`transaction retry: ${key} must be a number of milliseconds, 0 or more; got ${String(policy[key])}.`);
    }
  }
  return policy;
}

/**
 * The wait before attempt `attempt + 1`: exponential in the attempts so far, capped, with
 * full jitter so that transactions which collided once do not collide again in step.
 */
export function backoffDelay(policy: ResolvedRetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * True when running the whole transaction again may succeed: a SerializationError (serialization
 * failure, deadlock, lock wait timeout, busy database) or a StaleDataError (a row changed or
 * deleted since it was read: the next attempt reads it again), also when it reaches us as the
 * cause of the session or connection refusing to go on after it.
 */
export function isRetryable(error: unknown): boolean {
  return retryableFailureIn(error) !== undefined;
}

function retryableFailureIn(error: unknown): SerializationError | StaleDataError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof StrataError; depth++) {
    if (current instanceof SerializationError || current instanceof StaleDataError) return current;
    const passesThrough = current instanceof TransactionAbortedError || current instanceof FlushError || current instanceof InvalidStateError;
    if (!passesThrough) return undefined;
    current = current.cause;
  }
  return undefined;
}

/** 'required' / 'mandatory' with a transaction open: fn simply runs in it; its owner commits. */
async function joinOpen<T>(
  session: Session,
  fn: (session: Session) => Promise<T> | T,
  options: TransactionOptions,
  retry: ResolvedRetryPolicy,
  propagation: Propagation,
): Promise<T> {
  refuseRetryInside(retry, `propagation '${propagation}' joins the transaction already open on this session`);
  checkJoinedIsolation(session, options.isolationLevel);
  return fn(session);
}

/** 'nested' with a transaction open: a savepoint around fn. */
async function runInSavepoint<T>(session: Session, fn: (session: Session) => Promise<T> | T, options: TransactionOptions, retry: ResolvedRetryPolicy): Promise<T> {
  refuseRetryInside(retry, "propagation 'nested' runs in a savepoint of the transaction already open on this session");
  checkJoinedIsolation(session, options.isolationLevel);
  const savepoint = await session.beginNested();
  let result: T;
  try {
    result = await fn(session);
    await savepoint.commit();
  } catch (error) {
    // The error fn raised matters more than a failed ROLLBACK TO SAVEPOINT (say, after a deadlock ended the whole transaction).
    await savepoint.rollback().catch(() => undefined);
    throw error;
  }
  return result;
}

/** This call begins the outermost transaction: it commits or rolls back, and may retry. */
async function runOutermost<T>(
  session: Session,
  fn: (session: Session) => Promise<T> | T,
  isolationLevel: IsolationLevel | undefined,
  retry: ResolvedRetryPolicy,
): Promise<T> {
  if (retry.attempts > 1 && session.hasPendingChanges) {
    throw new InvalidStateError(
      'session.transaction() with retry was called on a session holding unflushed changes made outside any transaction. ' +
        'A retry rolls back and re-runs only the callback, so those changes would be lost: make them inside the callback, or commit them first.',
    );
  }
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(session, fn, isolationLevel);
    if (outcome.ok) return outcome.value;
    const { error } = outcome;
    if (!outcome.retryable || !isRetryable(error)) throw error;
    if (attempt >= retry.attempts) throw retry.attempts > 1 ? gaveUp(error, retry.attempts) : error;
    await new Promise((resolve) => setTimeout(resolve, backoffDelay(retry, attempt)));
  }
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown; retryable: boolean };

/** One run of fn in a transaction of its own; after a failure, everything it did is rolled back, hooks included. */
async function attemptOnce<T>(session: Session, fn: (session: Session) => Promise<T> | T, isolationLevel: IsolationLevel | undefined): Promise<Attempt<T>> {
  try {
    await session.begin({ isolationLevel });
  } catch (error) {
    return { ok: false, error, retryable: true };
  }
  // Registered first at the root level, this hook runs before any of fn's, right after COMMIT succeeds.
  let committed = false;
  let endedByFn = false;
  session.onCommit(() => (committed = true), { robust: true });
  session.onRollback(() => (endedByFn = true));
  let value: T;
  try {
    value = await fn(session);
    if (committed || endedByFn) {
      throw new InvalidStateError(
        'session.transaction(): the callback committed or rolled back the transaction that transaction() began. ' +
          'Return normally to have it committed, or throw to have it rolled back (use a nested propagation for partial rollbacks).',
      );
    }
  } catch (error) {
    const retryable = !(committed || endedByFn);
    // Undoes the database work and the in-memory effects, and drops the onCommit hooks this attempt registered.
    await session.rollback().catch(() => undefined);
    return { ok: false, error, retryable };
  }
  try {
    await session.commit();
    return { ok: true, value };
  } catch (error) {
    // After a successful COMMIT only a hook can fail: the work is saved, so running fn again would repeat it.
    if (!committed) await session.rollback().catch(() => undefined);
    return { ok: false, error, retryable: !committed };
  }
}

function refuseRetryInside(retry: ResolvedRetryPolicy, where: string): void {
  if (retry.attempts <= 1) return;
  throw new InvalidStateError(
    `session.transaction() cannot retry here: ${where}, and re-running only this callback cannot undo the work done before it. ` +
      "Put retry on the outermost session.transaction() call, or use propagation 'requiresNew' to retry in a transaction of its own.",
  );
}

function checkJoinedIsolation(session: Session, wanted: IsolationLevel | undefined): void {
  const current = session.transactionIsolationLevel;
  if (wanted === undefined || wanted === current) return;
  throw new InvalidStateError(
    `session.transaction() asks for isolation level '${wanted}' but joins the transaction already open on this session, ` +
      `which began at ${current === undefined ? "the server's default level" : `'${current}'`}; a level can only be set when a transaction begins. ` +
      "Begin the outer transaction at that level, or use propagation 'requiresNew' to run in a transaction of its own.",
  );
}

/** The error after the last attempt: of the same class as the failure that ended it, so handlers keep matching on it. */
function gaveUp(error: unknown, attempts: number): SerializationError | StaleDataError {
  const failure = retryableFailureIn(error);
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (failure instanceof StaleDataError) {
    return new StaleDataError(
      `session.transaction() gave up after ${attempts} attempts, each ended by a row changed or deleted by someone else since it was read; the last: ${detail}. ` +
        'Allow more attempts (retry: { attempts }), or have fewer writers update the same rows at once.',
      { cause: error, entity: failure.entity, identity: failure.identity, expectedVersion: failure.expectedVersion, currentVersion: failure.currentVersion },
    );
  }
  return new SerializationError(
    `session.transaction() gave up after ${attempts} attempts, each ended by a serialization failure or deadlock; the last: ${detail}. ` +
      'Allow more attempts (retry: { attempts }), or make the transactions conflict less: touch fewer shared rows, lock them in one order.',
    {
      cause: error,
      sql: failure instanceof DatabaseError ? failure.sql : undefined,
      params: failure instanceof DatabaseError ? failure.params : undefined,
      driverCode: failure instanceof DatabaseError ? failure.driverCode : undefined,
    },
  );
}

/*
 * session.connection(): the session's transaction connection as handed to user code. It
 * runs statements like the Connection it wraps, but refuses to end the transaction (the
 * session owns it) and refuses every call once that transaction has ended.
 */
import type { Connection } from '../../engine/connection';
import { InvalidStateError } from '../../errors/errors';

/** Calls that would end or nest the session's transaction behind its back. */
const OWNED_BY_SESSION: ReadonlySet<PropertyKey> = new Set(['begin', 'commit', 'rollback', 'close', 'transaction']);

/** Async methods fail with a rejected promise, as they would on their own; the others throw. */
const AsyncFunction = (async () => undefined).constructor;

/**
 * A view of `connection` for user code: every method and property of the Connection, except
 * that `begin`, `commit`, `rollback`, `close` and `transaction` raise InvalidStateError, and
 * any method raises it once `current()` no longer returns this connection (the session's
 * transaction ended).
 */
export function lendConnection(connection: Connection, current: () => Connection | undefined): Connection {
  return new Proxy(connection, {
    get(target, property) {
      if (OWNED_BY_SESSION.has(property)) return () => Promise.reject(refusal(String(property)));
      // Getters and methods run on the Connection itself: its private fields are not on the proxy.
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (current() !== target) {
          const error = new InvalidStateError(
            'This connection came from session.connection() in a transaction that has ended (commit, rollback or close). ' +
              "Call session.connection() again for the session's current transaction.",
          );
          if (value instanceof AsyncFunction) return Promise.reject(error);
          throw error;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
    set() {
      return false;
    },
  });
}

function refusal(method: string): InvalidStateError {
  return new InvalidStateError(
    `${method}() on the connection from session.connection(): the session owns this transaction. ` +
      'End it through the session (session.commit(), session.rollback(), session.close()); use savepoint() for work you may undo.',
  );
}

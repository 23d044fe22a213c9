/*
 * sessionMaker: a factory of Sessions sharing one configuration, with `run(fn)` for the
 * common shape: commit on success, roll back on error, always close.
 */
import { Session } from './session';
import type { SessionOptions } from './session-options';
import { SessionEvents, type SessionEventMap, type SessionEventName } from './session-events';
import { contextOf } from './session-context';
import type { TransactionOptions } from '../transaction/transaction-runner';

/** Makes sessions; call it for a new Session. */
export interface SessionFactory {
  (overrides?: Partial<SessionOptions>): Session;
  /**
   * Runs `fn` with a new session: commits when it resolves, rolls back when it throws, and
   * closes the session either way.
   * @example
   * const user = await Session.run((s) => s.get(User, 1));
   */
  run<T>(fn: (session: Session) => Promise<T> | T): Promise<T>;
  /**
   * Runs `fn` with a new session in `session.transaction(fn, options)` (its own transaction,
   * optionally retried on serialization failures), then closes the session.
   * @example
   * await Session.transaction(async (s) => { (await s.get(Counter, 1))!.value++; }, { retry: 5 });
   */
  transaction<T>(fn: (session: Session) => Promise<T> | T, options?: TransactionOptions): Promise<T>;
  /** The options every session gets. */
  readonly options: Readonly<SessionOptions>;
  /**
   * Listens to an event of every session this factory makes (made before or after the
   * call); runs before the session's own listeners. Returns a function that unsubscribes.
   * @example
   * Session.on('afterCommit', () => metrics.increment('commits'));
   */
  on<N extends SessionEventName>(event: N, listener: SessionEventMap[N]): () => void;
}

/**
 * A session factory bound to an engine.
 * @example
 * const Session = sessionMaker({ bind: engine, expireOnCommit: true, autoflush: true });
 * await Session.run(async (session) => { session.add(user); });
 */
export function sessionMaker(options: SessionOptions): SessionFactory {
  const frozen = Object.freeze({ ...options });
  const events = new SessionEvents();
  const make = (settings: SessionOptions): Session => {
    const session = new Session(settings);
    contextOf(session).events.inherit(events);
    return session;
  };
  const factory = ((overrides?: Partial<SessionOptions>) => make({ ...frozen, ...overrides })) as SessionFactory;
  factory.on = (event, listener) => events.on(event, listener);
  factory.run = <T>(fn: (session: Session) => Promise<T> | T): Promise<T> => runUnitOfWork(make(frozen), fn);
  factory.transaction = async <T>(fn: (session: Session) => Promise<T> | T, transactionOptions?: TransactionOptions): Promise<T> => {
    const session = make(frozen);
    try {
      return await session.transaction(fn, transactionOptions);
    } finally {
      await session.close();
    }
  };
  Object.defineProperty(factory, 'options', { value: frozen, enumerable: true });
  return factory;
}

/** What `runUnitOfWork` needs of a session. */
interface UnitOfWork {
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs `fn` with a session, commits when it returns, rolls back when it throws (the
 * callback's error wins over a failed rollback) and closes the session either way.
 */
export async function runUnitOfWork<S extends UnitOfWork, T>(session: S, fn: (session: S) => Promise<T> | T): Promise<T> {
  try {
    const result = await fn(session);
    await session.commit();
    return result;
  } catch (error) {
    await session.rollback().catch(() => undefined);
    throw error;
  } finally {
    await session.close();
  }
}

/*
 * sessionMaker: a factory of Sessions sharing one configuration, with `run(fn)` for the
 * common shape: commit on success, roll back on error, always close.
 */
import { Session } from './session';
import type { SessionOptions } from './session-options';

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
  /** The options every session gets. */
  readonly options: Readonly<SessionOptions>;
}

/**
 * A session factory bound to an engine.
 * @example
 * const Session = sessionMaker({ bind: engine, expireOnCommit: true, autoflush: true });
 * await Session.run(async (session) => { session.add(user); });
 */
export function sessionMaker(options: SessionOptions): SessionFactory {
  const frozen = Object.freeze({ ...options });
  const factory = ((overrides?: Partial<SessionOptions>) => new Session({ ...frozen, ...overrides })) as SessionFactory;
  factory.run = async <T>(fn: (session: Session) => Promise<T> | T): Promise<T> => {
    const session = new Session(frozen);
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
  };
  Object.defineProperty(factory, 'options', { value: frozen, enumerable: true });
  return factory;
}

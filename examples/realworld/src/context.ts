/*
 * What every router needs: the request-scoped sessions and the token secret.
 */
import type { ScopedSession, Session } from '@strata/core';

/** Shared by the routers of one app. */
export interface AppContext {
  /** One session per request (scopedSession + its middleware). */
  readonly db: ScopedSession;
  /** The HS256 secret tokens are signed with. */
  readonly secret: string;
}

/**
 * Runs `fn` as the request session's transaction: committed when it resolves, rolled back
 * when it throws, and run again (up to 5 times) when the database reports a serialization
 * failure, as SQLite does when two writers start from the same snapshot. Call it before
 * the request reads anything, so the whole unit of work is inside the retried transaction.
 */
export function write<T>(context: AppContext, fn: (session: Session) => Promise<T>): Promise<T> {
  const session = context.db.current();
  // MySQL's default (REPEATABLE READ) would let a statement after a concurrent request's
  // commit keep reading the snapshot taken before it (a favorite answered as not favorited):
  // read committed there, as PostgreSQL does by default. SQLite serialises writers anyway.
  const isolationLevel = session.bind.dialect.name === 'mysql' ? ('read committed' as const) : undefined;
  return session.transaction(fn, { retry: 5, isolationLevel });
}

/*
 * Request scope: one Session per async context (AsyncLocalStorage), made on first use and
 * retired with its scope. `run(fn)` scopes jobs and scripts; `middleware()` scopes an
 * Express / Connect request, commits it before a successful response ends when asked to,
 * and closes its session when the response ends or the client leaves.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ArgumentError, InvalidStateError } from '../../errors/errors';
import type { Session } from '../session/session';
import type { SessionFactory } from '../session/session-maker';
import { contextOf } from '../session/session-context';

/**
 * The part of an HTTP response the middleware needs (`http.ServerResponse` and Express's
 * response fit): its end and close events, and for `commitOnSuccess` its status, `end()`
 * and whether headers went out.
 */
export interface ScopedResponse {
  on(event: 'finish' | 'close', listener: () => void): unknown;
  statusCode?: number;
  headersSent?: boolean;
  end?(...args: unknown[]): unknown;
  setHeader?(name: string, value: string): unknown;
  removeHeader?(name: string): unknown;
  destroy?(error?: Error): unknown;
}

/** An Express / Connect-style middleware function. */
export type ScopeMiddleware = (req: unknown, res: ScopedResponse, next: (error?: unknown) => void) => void;

/** Options of `scopedSession(factory, options)` and of `db.middleware(options)`. */
export interface ScopeOptions {
  /**
   * Commit the request's session when its handler ends the response with a status below
   * 400, before the response goes out (the way Django's ATOMIC_REQUESTS works): the client
   * never hears of success for changes that were not saved. A response of 400 or more is
   * rolled back (quietly: no STRATA_UNCOMMITTED warning). If the
   * COMMIT fails, the response becomes a 500 (or, when headers already went out, the
   * connection is cut) and a process warning (STRATA_COMMIT_FAILED) names the error.
   * Default false: the handler calls `db.current().commit()` itself.
   */
  commitOnSuccess?: boolean;
}

/**
 * Sessions bound to async contexts, made by `scopedSession(factory)`.
 * @example
 * const db = scopedSession(Session);
 * app.use(db.middleware());
 * app.post('/users', async (req, res) => {
 *   db.current().add(newUser(req.body));
 *   await db.current().commit();
 *   res.sendStatus(201);
 * });
 */
export interface ScopedSession {
  /**
   * This async context's session, made on first use. Throws InvalidStateError outside a
   * scope (no `run` or `middleware` around the call) and after the scope ended.
   */
  current(): Session;
  /**
   * Runs `fn` in a scope of its own, with Session.run's outcome: commits the scope's session
   * when `fn` resolves, rolls back when it throws, and closes it either way. Inside an open
   * scope it joins that scope instead: same session, and the outer scope commits and closes.
   * @example
   * await db.run(async () => { db.current().add(job); });
   */
  run<T>(fn: () => Promise<T> | T): Promise<T>;
  /**
   * A middleware that gives each request a scope. Unless `commitOnSuccess` is on (here or
   * on `scopedSession`), the request's session is not committed for you (call
   * `db.current().commit()`). When the response finishes or the client disconnects, the
   * session is rolled back if still in a transaction and closed, returning its connection to
   * the pool (with a STRATA_UNCOMMITTED warning when that discards changes); any later use of
   * it throws InvalidStateError.
   * @example
   * app.use(db.middleware({ commitOnSuccess: true }));
   * app.post('/users', async (req, res) => { db.current().add(newUser(req.body)); res.status(201).json({ ok: true }); });
   */
  middleware(options?: ScopeOptions): ScopeMiddleware;
  /** True inside an open scope. */
  readonly active: boolean;
  /** The factory the scoped sessions come from. */
  readonly factory: SessionFactory;
}

/** One scope: its session, made lazily, and whether it ended. */
class Scope {
  readonly #factory: SessionFactory;
  readonly #kind: 'run' | 'request';
  #session: Session | undefined;
  #ended: Promise<void> | undefined;
  #committing: Promise<void> | undefined;

  constructor(factory: SessionFactory, kind: 'run' | 'request') {
    this.#factory = factory;
    this.#kind = kind;
  }

  get open(): boolean {
    return this.#ended === undefined;
  }

  session(): Session {
    if (this.#ended) {
      throw new InvalidStateError(
        this.#kind === 'request'
          ? 'db.current() was called after its request ended (the response finished or the client disconnected). Finish database work before ending the response, or use db.run() for work after it.'
          : 'db.current() was called after its db.run() scope ended. Await the work inside the scope.',
      );
    }
    this.#session ??= this.#factory();
    return this.#session;
  }

  commit(): Promise<void> {
    this.#committing = this.#session?.commit() ?? Promise.resolve();
    return this.#committing;
  }

  /** Rolls the scope's work back on purpose (a failed response under commitOnSuccess): closing then has nothing to warn about. */
  discard(): void {
    const session = this.#session;
    // A failed rollback surfaces when the scope closes the session; here it must not go unhandled.
    if (session) this.#committing = session.rollback().catch(() => undefined);
  }

  /**
   * Ends the scope once, after a commit in progress: its session is rolled back if a
   * transaction is open, closed, and refused from then on.
   */
  end(): Promise<void> {
    this.#ended ??= (this.#committing ?? Promise.resolve()).then(
      () => this.#retire(),
      () => this.#retire(),
    );
    return this.#ended;
  }

  #retire(): Promise<void> {
    return this.#session ? contextOf(this.#session).retire(retiredMessage(this.#kind)) : Promise.resolve();
  }
}

/**
 * Binds one session per async context (AsyncLocalStorage) to a session factory.
 * `current()` works only inside `run` or `middleware`, so no session is ever shared by accident.
 * @example
 * const db = scopedSession(Session);
 * await db.run(async () => {
 *   const user = await db.current().get(User, 1);
 *   user!.name = 'Ann';
 * }); // committed and closed
 */
export function scopedSession(factory: SessionFactory, options: ScopeOptions = {}): ScopedSession {
  const storage = new AsyncLocalStorage<Scope>();

  const current = (): Session => {
    const scope = storage.getStore();
    if (!scope) {
      throw new InvalidStateError('db.current() was called outside a session scope; wrap the work in db.run(fn) or mount db.middleware().');
    }
    return scope.session();
  };

  const run = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    const outer = storage.getStore();
    if (outer?.open) return fn();
    const scope = new Scope(factory, 'run');
    return storage.run(scope, async () => {
      let result: T;
      try {
        result = await fn();
        await scope.commit();
      } catch (error) {
        // The original failure matters more than a failed rollback while closing.
        await scope.end().catch(() => undefined);
        throw error;
      }
      await scope.end();
      return result;
    });
  };

  const middleware = (overrides: ScopeOptions = {}): ScopeMiddleware => {
    const commitOnSuccess = overrides.commitOnSuccess ?? options.commitOnSuccess ?? false;
    return (_req, res, next) => serveRequest(storage, new Scope(factory, 'request'), res, next, commitOnSuccess);
  };

  return Object.freeze({
    current,
    run,
    middleware,
    get active() {
      return storage.getStore()?.open ?? false;
    },
    factory,
  });
}

/** Runs one request in its scope: commits before a successful response ends when asked to, and ends the scope with the response. */
function serveRequest(storage: AsyncLocalStorage<Scope>, scope: Scope, res: ScopedResponse, next: (error?: unknown) => void, commitOnSuccess: boolean): void {
  if (commitOnSuccess) commitBeforeEnd(scope, res);
  const end = (): void => {
    scope.end().catch((error: unknown) => {
      process.emitWarning(`Closing a request's Strata session failed: ${(error as Error)?.stack ?? String(error)}`, { code: 'STRATA_SCOPE_CLOSE_FAILED' });
    });
  };
  // 'finish': the response was sent; 'close': it was sent or the client went away first.
  res.on('finish', end);
  res.on('close', end);
  storage.run(scope, () => next());
}

/**
 * Wraps `res.end` so that a response with a status below 400 goes out only after the
 * request's session committed; a failed COMMIT turns it into a 500 (or cuts the connection
 * when headers already went out).
 */
function commitBeforeEnd(scope: Scope, res: ScopedResponse): void {
  // Called below only as end.apply(res, ...) or end.call(res, ...), so it keeps its receiver.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const end = res.end;
  if (typeof end !== 'function') {
    throw new ArgumentError('db.middleware({ commitOnSuccess: true }) needs a response with end() and statusCode (an http.ServerResponse or an Express response).');
  }
  let committed: Promise<void> | undefined;
  res.end = function endAfterCommit(...args: unknown[]): unknown {
    if (committed) {
      void committed.then(() => end.apply(res, args));
      return res;
    }
    if ((res.statusCode ?? 200) >= 400) {
      scope.discard();
      return end.apply(res, args);
    }
    committed = scope.commit().then(
      () => void end.apply(res, args),
      (error: unknown) => answerCommitFailure(res, end, error),
    );
    return res;
  };
}

function answerCommitFailure(res: ScopedResponse, end: (...args: unknown[]) => unknown, error: unknown): void {
  process.emitWarning(
    `Committing a request's Strata session before its response failed, so the response was turned into a 500 (or cut off, when it had begun): ${(error as Error)?.stack ?? String(error)}`,
    { code: 'STRATA_COMMIT_FAILED' },
  );
  if (res.headersSent) {
    res.destroy?.(error instanceof Error ? error : undefined);
    return;
  }
  res.statusCode = 500;
  res.removeHeader?.('Content-Length');
  res.removeHeader?.('ETag');
  res.setHeader?.('Content-Type', 'text/plain; charset=utf-8');
  end.call(res, 'The changes could not be saved.');
}

function retiredMessage(kind: 'run' | 'request'): string {
  return kind === 'request'
    ? "This session belonged to a request whose response finished or whose client disconnected; its transaction was rolled back and it was closed. Commit before ending the response, or use db.run() for work after it."
    : 'This session belonged to a db.run() scope that has ended; it was closed. Await the work inside the scope.';
}

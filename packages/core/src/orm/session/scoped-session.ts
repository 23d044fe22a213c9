/*
 * Request scope: one Session per async context (AsyncLocalStorage), made on first use and
 * retired with its scope. `run(fn)` scopes jobs and scripts; `middleware()` scopes an
 * Express / Connect request and closes its session when the response ends or the client leaves.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvalidStateError } from '../../errors/errors';
import type { Session } from './session';
import type { SessionFactory } from './session-maker';

/** The part of an HTTP response the middleware needs: its end and close events (`http.ServerResponse` fits). */
export interface ScopedResponse {
  on(event: 'finish' | 'close', listener: () => void): unknown;
}

/** An Express / Connect-style middleware function. */
export type ScopeMiddleware = (req: unknown, res: ScopedResponse, next: (error?: unknown) => void) => void;

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
   * A middleware that gives each request a scope. The request's session is not committed
   * for you (call `db.current().commit()`): when the response finishes or the client
   * disconnects, the session is rolled back if still in a transaction and closed, returning
   * its connection to the pool; any later use of it throws InvalidStateError.
   * @example
   * http.createServer((req, res) => mw(req, res, () => handle(req, res)));
   */
  middleware(): ScopeMiddleware;
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

  async commit(): Promise<void> {
    await this.#session?.commit();
  }

  /** Ends the scope once: its session is rolled back if a transaction is open, closed, and refused from then on. */
  end(): Promise<void> {
    this.#ended ??= this.#session ? this.#session.retire(retiredMessage(this.#kind)) : Promise.resolve();
    return this.#ended;
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
export function scopedSession(factory: SessionFactory): ScopedSession {
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

  const middleware = (): ScopeMiddleware => (_req, res, next) => {
    const scope = new Scope(factory, 'request');
    const end = (): void => {
      scope.end().catch((error: unknown) => {
        process.emitWarning(`Closing a request's Strata session failed: ${(error as Error)?.stack ?? String(error)}`, { code: 'STRATA_SCOPE_CLOSE_FAILED' });
      });
    };
    // 'finish': the response was sent; 'close': it was sent or the client went away first.
    res.on('finish', end);
    res.on('close', end);
    storage.run(scope, () => next());
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

function retiredMessage(kind: 'run' | 'request'): string {
  return kind === 'request'
    ? "This session belonged to a request whose response finished or whose client disconnected; its transaction was rolled back and it was closed. Commit before ending the response, or use db.run() for work after it."
    : 'This session belonged to a db.run() scope that has ended; it was closed. Await the work inside the scope.';
}

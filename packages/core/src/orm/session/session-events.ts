/*
 * Session events: listeners at flush and transaction boundaries, registered on one session
 * or on its factory (every session the factory makes inherits them), and the reporting of
 * hooks that threw after the transaction's outcome was already decided.
 */
import { ArgumentError } from '../../errors/errors';
import type { Session } from './session';

/** Where a hook that threw was registered. */
export type HookKind = 'onCommit' | 'onRollback' | 'afterCommit' | 'afterRollback';

/** What a `hookError` listener learns besides the error. */
export interface HookFailure {
  /** The session whose hook threw. */
  readonly session: Session;
  /** Which kind of hook it was. */
  readonly hook: HookKind;
}

/**
 * The session events and their listeners.
 *
 * - `beforeFlush`: a flush with something to write is starting; the listener may still add,
 *   change or delete objects, and a throw cancels the flush (nothing written, nothing rolled back).
 * - `afterFlush`: the flush's statements succeeded; a throw propagates from `flush()` (or the
 *   query that autoflushed) but the rows stay written in the open transaction.
 * - `afterCommit`: COMMIT succeeded; runs before the `onCommit` hooks.
 * - `afterRollback`: `rollback()` (or `close()`) ended an open transaction; runs after the `onRollback` hooks.
 * - `hookError`: an `afterCommit` / `afterRollback` listener, a robust `onCommit` hook or an
 *   `onRollback` hook threw. With no `hookError` listener the failure becomes a process
 *   warning with code `STRATA_HOOK_FAILED`.
 *
 * `afterCommit` and `afterRollback` listeners cannot change an outcome already decided, so
 * their errors are reported (as `hookError`) and the other listeners still run.
 */
export interface SessionEventMap {
  beforeFlush: (session: Session) => unknown;
  afterFlush: (session: Session) => unknown;
  afterCommit: (session: Session) => unknown;
  afterRollback: (session: Session) => unknown;
  hookError: (error: unknown, failure: HookFailure) => unknown;
}

/** The name of a session event. */
export type SessionEventName = keyof SessionEventMap;

const EVENT_NAMES: ReadonlySet<string> = new Set<SessionEventName>(['beforeFlush', 'afterFlush', 'afterCommit', 'afterRollback', 'hookError']);

type AnyListener = (...args: never[]) => unknown;

/**
 * The listeners of one session or one session factory. A session's events inherit its
 * factory's: factory listeners run first, then the session's own.
 * @example
 * const stop = session.on('afterCommit', (s) => metrics.increment('commits'));
 * stop(); // unsubscribes
 */
export class SessionEvents {
  readonly #listeners = new Map<SessionEventName, AnyListener[]>();
  #parent: SessionEvents | undefined;

  /** Adds a listener; returns a function that removes it. */
  on<N extends SessionEventName>(name: N, listener: SessionEventMap[N]): () => void {
    if (!EVENT_NAMES.has(name)) {
      throw new ArgumentError(`Unknown session event '${String(name)}'; use one of: ${[...EVENT_NAMES].join(', ')}.`);
    }
    if (typeof listener !== 'function') throw new ArgumentError(`on('${name}', listener) takes a function; got ${String(listener)}.`);
    const list = this.#listeners.get(name) ?? [];
    list.push(listener);
    this.#listeners.set(name, list);
    return () => this.off(name, listener);
  }

  /** Removes a listener added with `on` (one registration of it). */
  off<N extends SessionEventName>(name: N, listener: SessionEventMap[N]): void {
    const list = this.#listeners.get(name);
    const index = list?.indexOf(listener) ?? -1;
    if (index >= 0) list!.splice(index, 1);
  }

  /** Also runs `parent`'s listeners, before these (a factory's, for the sessions it makes). */
  inherit(parent: SessionEvents): void {
    this.#parent = parent;
  }

  /** True when some listener (here or inherited) listens to `name`. */
  has(name: SessionEventName): boolean {
    return (this.#listeners.get(name)?.length ?? 0) > 0 || (this.#parent?.has(name) ?? false);
  }

  /** Runs the listeners one after another; the first that throws stops the rest and its error propagates. */
  async emit(name: 'beforeFlush' | 'afterFlush', session: Session): Promise<void> {
    if (!this.has(name)) return;
    for (const listener of this.#all(name)) await (listener as SessionEventMap[typeof name])(session);
  }

  /** Runs every listener; one that throws is reported as `hookError` and the others still run. */
  async emitSettled(name: 'afterCommit' | 'afterRollback', session: Session): Promise<void> {
    if (!this.has(name)) return;
    for (const listener of this.#all(name)) {
      try {
        await (listener as SessionEventMap[typeof name])(session);
      } catch (error) {
        await this.report(error, { session, hook: name });
      }
    }
  }

  /** Reports a hook that threw: to the `hookError` listeners, or as a process warning when there are none. */
  async report(error: unknown, failure: HookFailure): Promise<void> {
    if (!this.has('hookError')) {
      warn(error, failure.hook);
      return;
    }
    for (const listener of this.#all('hookError')) {
      try {
        await (listener as SessionEventMap['hookError'])(error, failure);
      } catch (inner) {
        warn(inner, failure.hook);
      }
    }
  }

  /** The listeners for `name`, inherited first; a copy, so a listener may unsubscribe while they run. */
  #all(name: SessionEventName): AnyListener[] {
    const inherited = this.#parent ? this.#parent.#all(name) : [];
    return [...inherited, ...(this.#listeners.get(name) ?? [])];
  }
}

function warn(error: unknown, hook: HookKind): void {
  process.emitWarning(`A Strata session ${hook} hook threw: ${(error as Error)?.stack ?? String(error)}`, { code: 'STRATA_HOOK_FAILED' });
}

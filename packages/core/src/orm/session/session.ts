/*
 * The Session: the public face of a unit of work over one connection at a time. It checks
 * that it may be used and orchestrates flush, commit and rollback; the object bookkeeping
 * (SessionObjects), loading (SessionLoader), merging (session-merge) and the open transaction
 * with its savepoints (TransactionStack) live in collaborators, which reach the session
 * through its SessionContext, never through members of this class: it holds only what users
 * call. The file is long because it is the documented public API: most of its lines are
 * TSDoc over one-line delegations.
 */
import { inspect } from 'node:util';
import { ArgumentError, InvalidStateError, MultipleResultsFound, NoResultFound } from '../../errors/errors';
import { inspectView, type InspectStyling } from '../../engine/inspect-view';
import type { StreamOptions } from '../../engine/connection';
import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import type { EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import type { EntityRegistry } from '../../metadata/entity-registry';
import { defaultRegistry } from '../../metadata/entity-registry';
import type { Statement } from '../../query/statement';
import type { SelectStatement } from '../../query/select-statement';
import type { EntityClass, EntityRef, EntityRow, REF, RefSlot } from '../../query/query-types';
import type { EntityMapper } from '../state/entity-mapper';
import { stateOf, type InstanceState } from '../state/instance-state';
import { executeChanges, FlushFailure, planChanges, type FlushContext } from '../unit-of-work/unit-of-work';
import { PendingChanges } from '../unit-of-work/pending-changes';
import type { SessionOptions } from './session-options';
import { runCommitHooks, runQuietly, type CommitHook, type TransactionLevel } from '../transaction/transaction-level';
import type { IsolationLevel } from '../../engine/dialect';
import type { TransactionStack } from '../transaction/transaction-stack';
import { NestedTransaction } from '../transaction/nested-transaction';
import type { SessionObjects } from './session-objects';
import { createSessionContext, installContextReader, type QueryConnectionOptions, type SessionContext } from './session-context';
import { loadOptionList, SessionLoader, type LoadRelationOptions } from '../loading/session-loader';
import type { AnyLoadOption, Known, LoadedBy, LoadOption, OptionOn, OptionsIn, PathsFor } from '../../query/load-options';
import type { EntityOfLoaded, KeyOf, Loaded, PathsOfLoaded, Prefixes, RelationPath } from '../../query/loaded';
import { relatedStates } from '../cascade/cascades';
import { runTransaction, type TransactionOptions } from '../transaction/transaction-runner';
import type { HookKind, SessionEventMap, SessionEventName, SessionEvents } from './session-events';
import { assertNoOpenStream, closeOpenStreams, streamResults } from '../loading/session-stream';
import { lendConnection } from './lent-connection';
import { mergeObject, type MergeContext } from '../cascade/merge';
import { SqlFragment } from '../../sql/sql-fragment';

export { NestedTransaction };

/** Options of `session.get`. */
export interface GetOptions<O extends readonly unknown[] = readonly (LoadOption | readonly LoadOption[])[]> {
  /** Loader options for the object's relationships, e.g. [selectinLoad(User, 'posts')]. */
  options?: O;
}

/** The entity of an object or of the objects of a list (plain or `Loaded`), not inferred from. */
export type EntityIn<X> = EntityOfLoaded<NoInfer<X> extends readonly (infer T)[] ? T : NoInfer<X>>;

/** An object, or a list of them, after `session.load` of paths `P`. */
export type LoadedAll<X, P extends string> = X extends readonly (infer T)[] ? LoadedAfter<T, P>[] : LoadedAfter<X, P>;

/**
 * An object after `session.load` of paths `P`: what it had loaded, and `P` (which switches
 * back on any step of it that an option had switched off). A path known only at run time
 * (`string`) adds nothing.
 */
export type LoadedAfter<T, P extends string> = Loaded<EntityOfLoaded<T>, Exclude<PathsOfLoaded<T>, `!${Prefixes<Known<P>>}`> | Known<P>>;

/** The row of a select of several entities as a session returns it: each entity typed with what the options load for it. */
export type EntityTuple<Row extends readonly unknown[], Refs extends readonly unknown[], O> = {
  -readonly [I in keyof Row]: I extends keyof Refs ? (Refs[I] extends { readonly [REF]: RefSlot<infer E, 'entity'> } ? LoadedBy<E, O> : Row[I]) : Row[I];
};

/** Options of `onCommit`. */
export interface OnCommitOptions {
  /**
   * Keep running the other hooks when this one throws; the error goes to the session's
   * `hookError` listeners, or becomes a process warning (STRATA_HOOK_FAILED) when there are
   * none. Default false: the hook's error propagates from `commit()` (the COMMIT already
   * happened, so do not retry the transaction) and the hooks after it do not run.
   */
  robust?: boolean;
}

/**
 * A unit of work: objects added, loaded and changed through it are written by `flush` /
 * `commit` in one transaction.
 * @example
 * const session = Session();
 * const user = await session.get(User, 1);
 * user!.name = 'Ann';
 * await session.commit();
 * await session.close();
 */
export class Session {
  readonly bind: Engine;
  readonly #options: Required<Omit<SessionOptions, 'isolationLevel' | 'registry' | 'joinTransaction'>> & Pick<SessionOptions, 'isolationLevel' | 'joinTransaction'>;
  /** Reads go to the primary from now on (usePrimary, or readYourWrites after a write). */
  #primaryReads = false;
  readonly #registry: EntityRegistry;
  /** onCommit hooks registered before the transaction that writes the pending changes began. */
  readonly #waitingHooks: CommitHook[] = [];
  /** What the collaborators share (objects, transactions, listeners); the fields below are its parts, for short access. */
  readonly #context: SessionContext;
  readonly #objects: SessionObjects;
  readonly #loader: SessionLoader;
  readonly #transactions: TransactionStack;
  readonly #events: SessionEvents;
  #failed: unknown;
  #flushing = false;
  #noAutoflush = 0;
  #entities: readonly EntityMetadata[] | undefined;
  #retired: string | undefined;
  /** The connection handed out by `connection()` for the open transaction, and its guarded view. */
  #lent: { readonly connection: Connection; readonly lent: Connection } | undefined;

  static {
    installContextReader((session) => (#context in session ? session.#context : undefined));
  }

  constructor(options: SessionOptions) {
    if (!options?.bind) throw new ArgumentError('A Session needs an engine: sessionMaker({ bind: engine }).');
    this.bind = options.bind;
    this.#registry = options.registry ?? defaultRegistry();
    this.#options = {
      bind: options.bind,
      expireOnCommit: options.expireOnCommit ?? true,
      autoflush: options.autoflush ?? true,
      strict: options.strict ?? false,
      returning: options.returning ?? true,
      readYourWrites: options.readYourWrites ?? true,
      isolationLevel: options.isolationLevel,
      joinTransaction: options.joinTransaction,
    };
    this.#context = createSessionContext(
      this,
      { bind: this.bind, registry: this.#registry, strict: this.#options.strict },
      {
        connectionForQuery: (options) => this.#connectionForQuery(options),
        fork: () => this.#fork(),
        retire: (reason) => this.#retire(reason),
      },
    );
    this.#objects = this.#context.objects;
    this.#transactions = this.#context.transactions;
    this.#events = this.#context.events;
    this.#loader = new SessionLoader(this.#context, this.#objects);
  }

  /** Strict mode: reading an expired attribute throws. */
  get strict(): boolean {
    return this.#options.strict;
  }

  /** True while a transaction is open. */
  get inTransaction(): boolean {
    return this.#transactions.connection !== undefined;
  }

  /** What `console.log(session)` shows: its engine (URL without password) and state, not the objects it holds. */
  [inspect.custom](depth: number | null, options: InspectStyling): string {
    return inspectView('Session', { bind: this.bind, inTransaction: this.inTransaction, closed: this.#retired !== undefined }, depth, options);
  }

  /** Adds an object (and, by cascade, the new objects it refers to) to the session. */
  add(object: object): void {
    this.#usable();
    this.#attach(object);
  }

  /** True when the object belongs to this session (added, loaded or merged here, and not expunged). */
  contains(object: object): boolean {
    const state = object !== null && typeof object === 'object' ? stateOf(object) : undefined;
    return state !== undefined && state.session === this.#context && state.status !== 'detached' && state.status !== 'transient';
  }

  /** Adds several objects. */
  addAll(objects: Iterable<object>): void {
    for (const object of objects) this.add(object);
  }

  /** Marks a persistent object for deletion at the next flush; a pending one is simply removed. */
  delete(object: object): void {
    this.#usable();
    const state = this.#objects.own(object, 'delete');
    if (state.status === 'pending') {
      // A new object never reached the database: it and the new objects its delete cascades reach just leave.
      for (const related of relatedStates(state, 'delete', (s) => s.status === 'pending')) if (related.status === 'pending' && related.session === this.#context) this.#objects.delete(related);
      return;
    }
    this.#objects.delete(state);
  }

  /**
   * The object with this primary key: from the identity map without SQL when it is there
   * and not expired, else loaded. Composite keys take an array in key order or an object.
   */
  async get<E, const O extends readonly (OptionOn<E> | readonly OptionOn<E>[])[] = []>(
    entity: EntityClass<E>,
    key: KeyOf<E>,
    options: GetOptions<O> = {},
  ): Promise<LoadedBy<E, OptionsIn<O>> | undefined> {
    this.#usable();
    return (await this.#loader.get(this.#mapper(entity), key, loadOptionList(options.options))) as LoadedBy<E, OptionsIn<O>> | undefined;
  }

  /**
   * Loads relationships of objects now, for all of them at once: one statement per
   * relationship and level ('posts', 'posts.comments'), never one per object. Relationships
   * loaded since the last commit are kept (pass `{ refresh: true }` to reload them); after a
   * commit they are stale and load again. Returns its argument, typed with the paths loaded
   * (objects that are not persistent are skipped, though typed as loaded).
   * @example
   * const users = await session.load(await session.scalars(select(User).limit(20)), ['posts', 'posts.comments']);
   * users[0]?.posts.length;   // users: Loaded<User, 'posts' | 'posts.comments'>[]
   */
  async load<X extends object, P extends string>(objects: X, path: RelationPath<EntityIn<X>, P>, options?: LoadRelationOptions): Promise<LoadedAll<X, P>>;
  async load<X extends object, P extends string>(objects: X, paths: readonly RelationPath<EntityIn<X>, P>[], options?: LoadRelationOptions): Promise<LoadedAll<X, P>>;
  async load<X extends object, O extends OptionOn<EntityIn<X>>>(objects: X, options: O | readonly O[], loadOptions?: LoadRelationOptions): Promise<LoadedAll<X, PathsFor<O, EntityIn<X>>>>;
  async load(objects: object | readonly object[], paths: string | AnyLoadOption | readonly (string | AnyLoadOption)[], options: LoadRelationOptions = {}): Promise<unknown> {
    this.#usable();
    const list = Array.isArray(objects) ? (objects as readonly object[]) : [objects as object];
    const pathList = Array.isArray(paths) ? (paths as readonly (string | AnyLoadOption)[]) : [paths as string | AnyLoadOption];
    await this.#loader.load(list, pathList, options);
    return objects;
  }

  /**
   * Runs a select and returns its first column: objects for `select(Entity)` (one per row,
   * identity-mapped), values for a single-expression select.
   * @example
   * const users = await session.scalars(select(User).where((u) => u.name.like('a%')));
   */
  async scalars<E, O>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]], O>): Promise<LoadedBy<E, O>[]>;
  async scalars<R>(statement: Statement<R>): Promise<FirstValue<R>[]>;
  async scalars(statement: Statement<unknown>): Promise<unknown[]> {
    return this.#loader.scalars(statement);
  }

  /** The first result of `scalars`, or undefined. */
  async scalar<E, O>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]], O>): Promise<LoadedBy<E, O> | undefined>;
  async scalar<R>(statement: Statement<R>): Promise<FirstValue<R> | undefined>;
  async scalar(statement: Statement<unknown>): Promise<unknown> {
    return (await this.scalars(statement))[0];
  }

  /** Exactly one result of `scalars`: NoResultFound or MultipleResultsFound otherwise. */
  async one<E, O>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]], O>): Promise<LoadedBy<E, O>>;
  async one<R>(statement: Statement<R>): Promise<FirstValue<R>>;
  async one(statement: Statement<unknown>): Promise<unknown> {
    const results = await this.scalars(statement);
    if (results.length === 0) throw new NoResultFound('one() found no row; use scalar() to accept none.');
    if (results.length > 1) throw new MultipleResultsFound(`one() found ${results.length} rows; add a condition or use scalars().`);
    return results[0];
  }

  /**
   * Runs a statement through the session and returns its rows. A statement built with
   * `select` / `insert` / `update` / `deleteFrom` gives rows keyed by property, with
   * selected entities as session objects. Raw SQL (an `sql` fragment, or a string with a
   * parameter array in the dialect's placeholder style: `$1` on PostgreSQL, `?` elsewhere)
   * gives plain records, column name to value as the driver returns it. Both run after an
   * autoflush, so they see the session's pending changes; raw SQL (which may write) and
   * writes run in the session's transaction, beginning it, so `session.rollback()` undoes
   * them. Objects the session already holds are not refreshed by a raw write: `expire()` or
   * `refresh()` the ones it changed.
   * @example
   * const [{ n }] = await session.execute<{ n: string | number }>(sql`SELECT count(*) AS n FROM posts WHERE author_id = ${id}`); // values as the driver gives them: count(*) is text on PostgreSQL and MariaDB
   * await session.execute('UPDATE posts SET views = views + 1 WHERE id = ?', [postId]);
   */
  async execute<Row extends readonly unknown[], Refs extends readonly unknown[], O>(statement: SelectStatement<Row, Refs, O>): Promise<EntityTuple<Row, Refs, O>[]>;
  async execute<R>(statement: Statement<R>): Promise<R[]>;
  async execute<R = Record<string, unknown>>(statement: SqlFragment | string, params?: readonly unknown[]): Promise<R[]>;
  async execute(statement: Statement<unknown> | SqlFragment | string, params?: readonly unknown[]): Promise<unknown[]> {
    if (statement instanceof SqlFragment || typeof statement === 'string') return this.#loader.raw(statement, params);
    if (params !== undefined && params.length > 0) {
      throw new ArgumentError('session.execute(): a statement built with select / insert / update / deleteFrom carries its own values; pass no parameter array.');
    }
    return this.#loader.query(statement);
  }

  /** Writes pending changes (INSERT / UPDATE / DELETE) in the session's transaction. */
  async flush(): Promise<void> {
    this.#usable();
    if (this.#flushing) return;
    if (!this.#objects.hasPendingChanges) return;
    assertNoOpenStream(this, 'flush()');
    this.#flushing = true;
    try {
      await this.#events.emit('beforeFlush', this);
    } catch (error) {
      this.#flushing = false;
      throw error;
    }
    try {
      const connection = await this.#begin();
      const context = this.#flushContext();
      const plan = await planChanges(context);
      await executeChanges(plan, { connection, capabilities: connection.dialect.capabilities, returning: this.#returning(), entities: context.entities });
      this.#objects.settleFlush(plan, this.#transactions.top()!);
    } catch (error) {
      throw await this.#flushFailed(error);
    } finally {
      this.#flushing = false;
    }
    await this.#events.emit('afterFlush', this);
  }

  /**
   * What the next flush would write, without writing it: its commands in order (kind,
   * entity, table, columns, keys, row count), and with `toSQL()` the statements themselves.
   * Runs what a flush runs before writing (save-update and delete cascades, loading the
   * children a delete cascade needs); the objects' values are left as they are.
   */
  async pendingChanges(): Promise<PendingChanges> {
    this.#usable();
    assertNoOpenStream(this, 'pendingChanges()');
    const plan = await planChanges(this.#flushContext(), { preview: true }).catch((error: unknown) => {
      throw error instanceof FlushFailure ? error.cause : error;
    });
    return new PendingChanges(plan, this.bind.dialect, this.#returning());
  }

  /** Whether a flush reads generated values back with RETURNING: without an insert id from the driver (PostgreSQL), keys come back only that way. */
  #returning(): boolean {
    return this.bind.capabilities.returning && (this.#options.returning || !this.bind.capabilities.insertId);
  }

  /** What planning a flush (or its preview) needs of the session. */
  #flushContext(): FlushContext {
    return {
      entities: this.#allEntities(),
      ...this.#objects.changes(),
      cascadeAdd: (object: object) => this.#attach(object),
      cascadeDelete: (state: InstanceState) => this.#objects.cascadeDelete(state),
      related: (parents: readonly InstanceState[], relation: RelationMetadata) => this.#loader.related(parents, relation),
      held: (entity: EntityMetadata) => this.#objects.held(entity),
    };
  }

  /** Flushes, commits, expires what was loaded (unless expireOnCommit is off), then emits afterCommit and runs onCommit hooks. */
  async commit(): Promise<void> {
    this.#usable();
    assertNoOpenStream(this, 'commit()');
    if (this.#objects.hasPendingChanges) await this.flush();
    const waiting = this.#waitingHooks.length > 0 ? this.#waitingHooks.splice(0) : NO_HOOKS;
    const ended = this.#transactions.end();
    if (!ended) {
      // A session that only read: nothing to COMMIT, but what it loaded is no longer trusted either.
      if (this.#transactions.reading) {
        await this.#transactions.releaseReader();
        if (this.#options.expireOnCommit) this.#objects.expireAll();
        if (this.#events.has('afterCommit')) await this.#events.emitSettled('afterCommit', this);
      }
      if (waiting.length > 0) await runCommitHooks(waiting, this.#reporter('onCommit'));
      return;
    }
    const { transaction, root } = ended;
    root.commitHooks.unshift(...waiting);
    try {
      await transaction.commit();
    } catch (error) {
      this.#objects.undo(root, { wholeTransaction: true });
      throw error;
    } finally {
      await transaction.close();
    }
    this.#objects.settleCommit(root, { expire: this.#options.expireOnCommit });
    if (this.#events.has('afterCommit')) await this.#events.emitSettled('afterCommit', this);
    if (root.commitHooks.length > 0) await runCommitHooks(root.commitHooks, this.#reporter('onCommit'));
  }

  /** Rolls the transaction back and puts objects back as they were before it: new ones transient, deleted ones back, changes undone. */
  async rollback(): Promise<void> {
    await closeOpenStreams(this);
    this.#failed = undefined;
    this.#waitingHooks.length = 0;
    const ended = this.#transactions.end();
    try {
      if (ended) await ended.transaction.rollback();
    } finally {
      if (ended) await ended.transaction.close();
      if (ended) this.#objects.undo(ended.root, { wholeTransaction: true });
      else {
        this.#objects.discardPendingChanges();
        if (await this.#transactions.releaseReader()) this.#objects.expireAll();
      }
    }
    if (ended) for (const hook of ended.root.rollbackHooks) await runQuietly(hook, this.#reporter('onRollback'));
    if (ended) await this.#events.emitSettled('afterRollback', this);
  }

  /**
   * Rolls back any open transaction and detaches every object. The session can be used again
   * afterwards. Changes never committed (flushed or not) are rolled back with a process warning
   * (code `STRATA_UNCOMMITTED`) naming the entities and counts: roll back first to discard them quietly.
   */
  async close(): Promise<void> {
    // After a failed flush the caller has the error and the transaction is already rolled back.
    const lost = this.#failed === undefined ? this.#objects.uncommitted(this.#transactions.levels) : undefined;
    if (lost !== undefined) {
      // Closing is not a decision to discard: an application that forgot commit() must hear about it.
      process.emitWarning(
        `A Strata session was closed with changes that were never committed, so they were rolled back: ${lost}. ` +
          'Call session.commit() before closing it (in a request handler, before the response ends), or session.rollback() to discard changes on purpose.',
        { code: 'STRATA_UNCOMMITTED' },
      );
    }
    if (this.#transactions.connection || this.#transactions.reading) await this.rollback();
    this.#waitingHooks.length = 0;
    this.#failed = undefined;
    this.expungeAll();
  }

  /**
   * Marks an object's loaded values and relationships as stale: the next query, get, load
   * or refresh reloads them. Follows `refresh-expire` cascades to loaded related objects.
   */
  expire(object: object): void {
    for (const state of relatedStates(this.#objects.own(object, 'expire'), 'refresh-expire')) {
      if (state.session === this.#context) state.expire();
    }
  }

  /** Expires every object in the session. */
  expireAll(): void {
    this.#objects.expireAll();
  }

  /**
   * Reloads an object's columns from the database now, dropping unflushed changes to it.
   * Relationships it had loaded stay readable (as after a commit, they are stale until
   * loaded again). Returns the object, typed as it was given.
   */
  async refresh<T extends object>(object: T): Promise<T> {
    const first = this.#objects.own(object, 'refresh');
    if (first.status !== 'persistent') throw new InvalidStateError(`refresh(): this ${first.mapper.metadata.name} is ${first.status}; only persistent objects can be refreshed.`);
    // Loaded related objects reached through refresh-expire cascades are refreshed too.
    for (const state of relatedStates(first, 'refresh-expire')) {
      if (state.session !== this.#context || state.status !== 'persistent') continue;
      this.#objects.resetForRefresh(state);
      await this.#loader.reload(state);
    }
    return object;
  }

  /** Removes an object from the session without deleting it; it becomes detached. Follows `expunge` cascades. */
  expunge(object: object): void {
    for (const state of relatedStates(this.#objects.own(object, 'expunge'), 'expunge')) {
      if (state.session === this.#context) this.#objects.expunge(state);
    }
  }

  /** Detaches every object. */
  expungeAll(): void {
    this.#objects.expungeAll();
  }

  /**
   * Copies a detached or transient object's column values onto this session's object with
   * the same key (loading it if needed), or adds a copy as new; returns the session's object.
   */
  async merge<E extends object>(object: E): Promise<E> {
    this.#usable();
    const context: MergeContext = {
      mapper: (entity) => this.#mapper(entity),
      lookup: (entity, key) => this.#objects.lookup(entity, key),
      isDeleted: (state) => this.#objects.isDeleted(state),
      get: (entity, key) => this.get(entity, key),
      add: (copy) => this.add(copy),
      session: this.#context,
    };
    return (await mergeObject(context, object, new Map())) as E;
  }

  /**
   * Runs `fn` after the outermost COMMIT succeeds; dropped on rollback. A session begins its
   * transaction at the first write, so a hook registered before then waits for the session's
   * next `commit()` (which writes whatever was added after it) and is dropped by `rollback()`
   * or `close()` without a commit: registering first and writing afterwards is safe.
   */
  onCommit(fn: () => unknown, options: OnCommitOptions = {}): void {
    const hook: CommitHook = { fn, robust: options.robust ?? false };
    const level = this.#transactions.top();
    if (level) level.commitHooks.push(hook);
    else this.#waitingHooks.push(hook);
  }

  /** Runs `fn` when the transaction (or the savepoint it was registered in) rolls back. */
  onRollback(fn: () => unknown): void {
    this.#transactions.top()?.rollbackHooks.push(fn);
  }

  /**
   * Starts a savepoint. Rolling it back undoes the database work since, and puts the
   * session's objects back as they were when it started.
   * @example
   * const sp = await session.beginNested();
   * try { await risky(session); await sp.commit(); } catch { await sp.rollback(); }
   */
  async beginNested(): Promise<NestedTransaction> {
    await this.flush();
    const level = await this.#transactions.pushSavepoint(await this.#begin());
    return new NestedTransaction(
      async () => this.#releaseLevel(level),
      async () => this.#rollbackLevel(level),
    );
  }

  /**
   * Runs `fn(session)` in a transaction and returns its result. With the default propagation
   * (`'required'`) it joins the open transaction, or begins one (at `isolationLevel`) and
   * commits it when fn resolves, rolls it back when fn throws. `retry` re-runs the whole of
   * fn after a serialization failure, deadlock or optimistic-lock conflict (StaleDataError), rolling back first, so objects, database
   * work and `onCommit` hooks of the failed attempts are undone; hooks run once, for the
   * attempt that commits. `'requiresNew'` hands fn a new session of its own; `'nested'` a
   * savepoint. See TransactionOptions and Propagation.
   * @example
   * const total = await session.transaction(async (s) => {
   *   const account = await s.get(Account, 1);
   *   account!.balance += 10;
   *   s.onCommit(() => audit.log('credited', account!.id));
   *   return account!.balance;
   * }, { isolationLevel: 'serializable', retry: { attempts: 5 } });
   */
  transaction<T>(fn: (session: Session) => Promise<T> | T, options?: TransactionOptions): Promise<T> {
    return runTransaction(this, fn, options);
  }

  /**
   * Begins the session's transaction now instead of at the first statement, at
   * `isolationLevel` (default: the session's). InvalidStateError when one is already open.
   * @example
   * await session.begin({ isolationLevel: 'repeatable read' });
   */
  async begin(options: { isolationLevel?: IsolationLevel } = {}): Promise<void> {
    this.#usable();
    if (this.#transactions.connection) {
      throw new InvalidStateError('session.begin(): a transaction is already open on this session (begun by its first statement or an earlier begin()); commit or roll it back first.');
    }
    await this.#begin(options.isolationLevel ?? this.#options.isolationLevel);
  }

  /**
   * The Connection of the session's transaction, for driver-level work inside it (streams
   * of raw SQL, savepoints of your own): pending changes are flushed first (when autoflush
   * is on) and the transaction begins if it has not. The session owns the transaction, so
   * `commit()`, `rollback()`, `close()`, `begin()` and `transaction()` on this connection
   * raise InvalidStateError: end it with `session.commit()` / `rollback()` / `close()`. Once
   * the transaction has ended, the connection refuses every call; ask again. Changes made
   * to objects after this call are flushed by the session's next query or commit, not by
   * statements sent here: call `session.flush()` first when they must see them.
   * @example
   * const conn = await session.connection();
   * for await (const row of conn.stream(sql`SELECT id FROM events`)) handle(row);
   * await session.commit();
   */
  async connection(): Promise<Connection> {
    const connection = await this.#connectionForQuery({ read: false });
    if (this.#lent?.connection !== connection) this.#lent = { connection, lent: lendConnection(connection, () => this.#transactions.connection) };
    return this.#lent.lent;
  }

  /**
   * Sends this session's reads to the primary from now on, when the engine has read replicas
   * (they otherwise serve reads outside a transaction). For a session that must see what was
   * just written, by itself or by another request.
   * @example
   * session.usePrimary();
   * const fresh = await session.get(Order, id);
   */
  usePrimary(): void {
    this.#primaryReads = true;
  }

  /** The isolation level the open transaction began at; undefined for the server's default or when none is open. */
  get transactionIsolationLevel(): IsolationLevel | undefined {
    return this.#transactions.isolationLevel;
  }

  /** True when objects were added, changed or deleted since the last flush. */
  get hasPendingChanges(): boolean {
    return this.#objects.hasPendingChanges;
  }

  /** A new, empty session made with this one's options and listeners (for `propagation: 'requiresNew'`). */
  #fork(): Session {
    const session = new Session({ ...this.#options, registry: this.#registry });
    session.#events.inherit(this.#events);
    return session;
  }

  /** Runs `fn` with autoflush off. */
  async noAutoflush<T>(fn: () => Promise<T> | T): Promise<T> {
    this.#noAutoflush++;
    try {
      return await fn();
    } finally {
      this.#noAutoflush--;
    }
  }

  /**
   * Streams a query's results over the dialect's cursor (server-side cursor on PostgreSQL,
   * row streaming on MySQL, `iterate()` on SQLite), in the session's transaction, after an
   * autoflush. `select(Entity)` yields identity-mapped objects (an object the session
   * already holds comes back as is); other selections yield rows, like `execute`. Clean
   * streamed objects are not kept by the identity map, so memory stays flat over millions
   * of rows (streaming the same rows twice gives new objects); one you change or delete is
   * taken into the map and kept until flushed. While the stream is open the session runs no other statement: finish the loop
   * or `break` out of it first. Default batchSize 1000.
   * @example
   * for await (const post of session.stream(select(Post), { batchSize: 1000 })) index(post);
   */
  stream<E, O>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]], O>, options?: StreamOptions): AsyncGenerator<LoadedBy<E, O>>;
  stream<R>(statement: Statement<R>, options?: StreamOptions): AsyncGenerator<R>;
  stream(statement: Statement<unknown>, options: StreamOptions = {}): AsyncGenerator<unknown> {
    return streamResults(this, statement, options);
  }

  /**
   * Listens to a session event (see SessionEventMap); returns a function that unsubscribes.
   * Listeners on the factory (`Session.on`) run for every session, before the session's own.
   * @example
   * session.on('beforeFlush', (s) => audit(s));
   */
  on<N extends SessionEventName>(event: N, listener: SessionEventMap[N]): () => void {
    return this.#events.on(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<N extends SessionEventName>(event: N, listener: SessionEventMap[N]): void {
    this.#events.off(event, listener);
  }

  /**
   * The connection a query runs on: autoflushes first. A plain read before the session's
   * transaction began runs in autocommit on a connection the session holds (no BEGIN /
   * COMMIT for sessions that only read); anything else begins the transaction.
   */
  #connectionForQuery(options: QueryConnectionOptions): Promise<Connection> | Connection {
    const read = options.read ?? false;
    this.#usable();
    if (this.#options.autoflush && this.#noAutoflush === 0 && !this.#flushing && this.#objects.hasPendingChanges) return this.#flushThenConnection(read);
    return this.#queryConnection(read);
  }

  async #flushThenConnection(read: boolean): Promise<Connection> {
    await this.flush();
    return this.#queryConnection(read);
  }

  /** The open transaction's connection, else the reader for a plain read, else a new transaction's. */
  #queryConnection(read: boolean): Promise<Connection> | Connection {
    if (read && !this.#transactions.connection && this.#options.joinTransaction === undefined && this.#options.isolationLevel === undefined) {
      return this.#transactions.readConnection(this.bind, { primary: this.#primaryReads });
    }
    return this.#transactions.connection ?? this.#begin();
  }

  /** Closes the session for good (its scope ended): any later use throws InvalidStateError with `reason`. */
  async #retire(reason: string): Promise<void> {
    this.#retired = reason;
    await this.close();
  }

  async #begin(isolationLevel = this.#options.isolationLevel): Promise<Connection> {
    // Any transaction may write (a flush, session.execute(update(...)), raw SQL): with
    // readYourWrites the session's later reads stay on the primary.
    if (this.#options.readYourWrites) this.#primaryReads = true;
    return this.#transactions.begin(this.bind, this.#options.joinTransaction, isolationLevel);
  }

  #reporter(hook: HookKind): (error: unknown) => Promise<void> {
    return (error) => this.#events.report(error, { session: this, hook });
  }

  #usable(): void {
    if (this.#retired !== undefined) throw new InvalidStateError(this.#retired);
    if (this.#failed !== undefined) {
      throw new InvalidStateError(
        `A flush failed (${describeError(this.#failed)}), so this session's transaction cannot go on. ` +
          "Call session.rollback() before using the session again (inside beginNested(), the savepoint's rollback() is enough).",
        { cause: this.#failed },
      );
    }
  }

  #attach(object: object): InstanceState {
    if (object === null || typeof object !== 'object') throw new ArgumentError(`Session.add() takes an entity object; got ${String(object)}.`);
    const existing = stateOf(object);
    const isNew = !existing || existing.status === 'transient' || existing.status === 'detached' || existing.session !== this.#context;
    const state = this.#objects.attach(this.#mapper(object.constructor as EntityClass<object>), object, this.#transactions.top());
    // save-update: new objects reachable through loaded relationships join now (the flush looks again for later additions).
    if (isNew) {
      const isNewState = (s: InstanceState) => s.status === 'transient' || s.status === 'pending' || (s.status === 'detached' && s.session === undefined);
      for (const related of relatedStates(state, 'save-update', isNewState)) {
        if (related !== state && (related.status === 'transient' || (related.status === 'detached' && related.session === undefined))) {
          this.#objects.attach(this.#mapper(related.object.constructor as EntityClass<object>), related.object, this.#transactions.top());
        }
      }
    }
    return state;
  }

  #mapper(entity: EntityClass<unknown>): EntityMapper {
    return this.#context.mapper(entity);
  }

  #allEntities(): readonly EntityMetadata[] {
    this.#entities ??= this.#registry.entities;
    return this.#entities;
  }

  async #flushFailed(error: unknown): Promise<unknown> {
    const cause = error instanceof FlushFailure ? error.cause : error;
    const snapshots = error instanceof FlushFailure ? error.snapshots : new Map<InstanceState, readonly unknown[]>();
    // Undo what the failed flush did in memory: generated keys, versions, stamps.
    for (const [state, values] of snapshots) state.rewind(values);
    // Refused before anything was written: the transaction is as it was, and the session goes on.
    if (error instanceof FlushFailure && !error.written) return cause;
    if (this.#transactions.connection) {
      this.#failed = cause;
      await this.#transactions.abortAfterFailedFlush();
    }
    return cause;
  }

  async #releaseLevel(level: TransactionLevel): Promise<void> {
    await this.flush();
    await this.#transactions.release(level);
  }

  async #rollbackLevel(level: TransactionLevel): Promise<void> {
    await this.#transactions.rollbackTo(level);
    this.#failed = undefined;
    this.#objects.undo(level, { wholeTransaction: false });
    for (const hook of level.rollbackHooks) await runQuietly(hook);
  }
}

const NO_HOOKS: readonly CommitHook[] = Object.freeze([]);

/** What `scalars` yields for rows of a column selection: the first (usually only) selected value. */
export type FirstValue<R> = R extends readonly [infer F, ...unknown[]] ? F : R extends Record<string, infer V> ? V : R;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

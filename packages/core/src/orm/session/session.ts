/*
 * The Session: a unit of work over one connection at a time. It holds the identity map,
 * tracks new, changed and deleted objects, flushes them in dependency order, runs in a
 * transaction it begins on first use, expires what it loaded at commit, and undoes its
 * in-memory effects when a transaction or savepoint rolls back.
 */
import { ArgumentError, InvalidStateError, MultipleResultsFound, NoResultFound, StrataError } from '../../errors/errors';
import { ObjectDeletedError } from '../../errors/errors';
import type { StreamOptions } from '../../engine/connection';
import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { EntityRegistry } from '../../metadata/entity-registry';
import { defaultRegistry } from '../../metadata/entity-registry';
import type { Statement } from '../../query/statement';
import type { SelectStatement } from '../../query/select-statement';
import type { EntityRef, EntityRow } from '../../query/query-types';
import { IdentityMap } from '../identity/identity-map';
import { EntityMapper } from '../state/entity-mapper';
import { adoptOwnProperties } from '../state/instrument';
import { stateOf, type InstanceState, type StateOwner } from '../state/instance-state';
import { flush, FlushFailure } from '../unit-of-work/unit-of-work';
import { columnEquals, allOf, NodeStatement, sourceOf } from '../unit-of-work/node-statement';
import { node } from '../../query/query-nodes';
import { bagKeysOf, hydrate, placementOf, refreshInPlace, type HydrationTarget } from './hydrate';
import type { SessionOptions } from './session-options';
import { TransactionLevel, type CommitHook } from './transaction-level';
import type { IsolationLevel } from '../../engine/dialect';
import { openSessionTransaction, type SessionTransaction } from './session-transaction';
import { runTransaction, type TransactionOptions } from './transaction-runner';
import { SessionEvents, type HookKind, type SessionEventMap, type SessionEventName } from './session-events';
import { assertNoOpenStream, closeOpenStreams, streamResults } from './session-stream';

type EntityClass<E> = abstract new (...args: any[]) => E;

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
export class Session implements StateOwner {
  readonly bind: Engine;
  readonly #options: Required<Omit<SessionOptions, 'isolationLevel' | 'registry' | 'joinTransaction'>> & Pick<SessionOptions, 'isolationLevel' | 'joinTransaction'>;
  readonly #registry: EntityRegistry;
  readonly #identity = new IdentityMap();
  readonly #pending = new Set<InstanceState>();
  readonly #dirty = new Set<InstanceState>();
  readonly #deleted = new Set<InstanceState>();
  #connection: Connection | undefined;
  #transaction: SessionTransaction | undefined;
  #levels: TransactionLevel[] = [];
  #failed: unknown;
  #flushing = false;
  #noAutoflush = 0;
  #entities: readonly EntityMetadata[] | undefined;
  readonly #events = new SessionEvents();
  #retired: string | undefined;

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
      isolationLevel: options.isolationLevel,
      joinTransaction: options.joinTransaction,
    };
  }

  /** Strict mode: reading an expired attribute throws. */
  get strict(): boolean {
    return this.#options.strict;
  }

  /** True while a transaction is open. */
  get inTransaction(): boolean {
    return this.#connection !== undefined;
  }

  /** @internal Called by an object's state on its first change. */
  markDirty(state: InstanceState): void {
    this.#dirty.add(state);
    this.#identity.pin(state);
    this.#top()?.remember(state, state.committed ?? state.values);
  }

  /** Adds an object (and, by cascade, the new objects it refers to) to the session. */
  add(object: object): void {
    this.#usable();
    this.#attach(object);
  }

  /** Adds several objects. */
  addAll(objects: Iterable<object>): void {
    for (const object of objects) this.add(object);
  }

  /** Marks a persistent object for deletion at the next flush; a pending one is simply removed. */
  delete(object: object): void {
    this.#usable();
    const state = this.#ownState(object, 'delete');
    if (state.status === 'pending') {
      this.#pending.delete(state);
      state.status = 'transient';
      state.owner = undefined;
      return;
    }
    if (state.status !== 'persistent') throw new InvalidStateError(`delete(): this ${state.mapper.metadata.name} is ${state.status}, not persistent in this session.`);
    this.#deleted.add(state);
    this.#identity.pin(state);
  }

  /**
   * The object with this primary key: from the identity map without SQL when it is there
   * and not expired, else loaded. Composite keys take an array in key order or an object.
   */
  async get<E>(entity: EntityClass<E>, key: unknown): Promise<E | undefined> {
    this.#usable();
    const mapper = this.#mapper(entity);
    const values = keyValues(mapper, key);
    const identityKey = mapper.identityKey(values);
    const held = this.#identity.get(mapper.metadata, identityKey);
    if (held && this.#deleted.has(held)) return undefined;
    if (held && !held.expired) return held.object as E;
    const rows = await this.#loadByKey(mapper, values);
    // The held object's row is gone: detach it rather than keep serving it (get never raises ObjectDeletedError).
    if (rows.length === 0 && held) this.expunge(held.object);
    return rows[0] as E | undefined;
  }

  /**
   * Runs a select and returns its first column: objects for `select(Entity)` (one per row,
   * identity-mapped), values for a single-expression select.
   * @example
   * const users = await session.scalars(select(User).where((u) => u.name.like('a%')));
   */
  async scalars<E>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]]>): Promise<E[]>;
  async scalars<R>(statement: Statement<R>): Promise<FirstValue<R>[]>;
  async scalars(statement: Statement<unknown>): Promise<unknown[]> {
    const rows = await this.#query(statement);
    if (rows.length === 0) return [];
    const placement = placementOf(statement.node);
    if (placement.kind === 'row') return rows;
    return rows.map((row) => (Array.isArray(row) ? row[0] : firstValue(row)));
  }

  /** The first result of `scalars`, or undefined. */
  async scalar<E>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]]>): Promise<E | undefined>;
  async scalar<R>(statement: Statement<R>): Promise<FirstValue<R> | undefined>;
  async scalar(statement: Statement<unknown>): Promise<unknown> {
    return (await this.scalars(statement))[0];
  }

  /** Exactly one result of `scalars`: NoResultFound or MultipleResultsFound otherwise. */
  async one<E>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]]>): Promise<E>;
  async one<R>(statement: Statement<R>): Promise<FirstValue<R>>;
  async one(statement: Statement<unknown>): Promise<unknown> {
    const results = await this.scalars(statement);
    if (results.length === 0) throw new NoResultFound('one() found no row; use scalar() to accept none.');
    if (results.length > 1) throw new MultipleResultsFound(`one() found ${results.length} rows; add a condition or use scalars().`);
    return results[0];
  }

  /** Runs a statement in the session's transaction; entities in the rows come back as session objects. */
  async execute<R>(statement: Statement<R>): Promise<R[]> {
    return (await this.#query(statement)) as R[];
  }

  /** Writes pending changes (INSERT / UPDATE / DELETE) in the session's transaction. */
  async flush(): Promise<void> {
    this.#usable();
    if (this.#flushing) return;
    if (this.#pending.size === 0 && this.#dirty.size === 0 && this.#deleted.size === 0) return;
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
      const outcome = await flush({
        connection,
        // Without an insert id from the driver (PostgreSQL), keys come back only through RETURNING.
        returning: this.bind.capabilities.returning && (this.#options.returning || !this.bind.capabilities.insertId),
        entities: this.#allEntities(),
        pending: this.#pending,
        dirty: this.#dirty,
        deleted: this.#deleted,
        cascadeAdd: (object) => this.#attach(object),
      });
      const level = this.#top()!;
      for (const [state, values] of outcome.before) level.remember(state, values);
      for (const state of outcome.inserted) {
        state.status = 'persistent';
        state.key = state.mapper.identityKey(state.values);
        state.markClean();
        this.#identity.add(state);
        level.added.add(state);
      }
      for (const state of outcome.updated) state.markClean();
      for (const state of outcome.deleted) {
        if (state.status !== 'persistent') continue;
        state.status = 'deleted';
        this.#identity.remove(state);
        level.removed.add(state);
      }
      for (const state of this.#dirty) state.markClean();
      this.#pending.clear();
      this.#dirty.clear();
      this.#deleted.clear();
    } catch (error) {
      throw await this.#flushFailed(error);
    } finally {
      this.#flushing = false;
    }
    await this.#events.emit('afterFlush', this);
  }

  /** Flushes, commits, expires what was loaded (unless expireOnCommit is off), then emits afterCommit and runs onCommit hooks. */
  async commit(): Promise<void> {
    this.#usable();
    assertNoOpenStream(this, 'commit()');
    await this.flush();
    const connection = this.#connection;
    const root = this.#levels[0];
    if (!connection || !root) return;
    for (const level of this.#levels.slice(1).reverse()) level.mergeInto(root);
    const transaction = this.#transaction!;
    this.#connection = undefined;
    this.#transaction = undefined;
    this.#levels = [];
    try {
      await transaction.commit();
    } catch (error) {
      this.#undo(root, true);
      throw error;
    } finally {
      await transaction.close();
    }
    for (const state of root.removed) {
      state.status = 'detached';
      state.owner = undefined;
    }
    if (this.#options.expireOnCommit) for (const state of this.#identity.states()) state.expired = true;
    await this.#events.emitSettled('afterCommit', this);
    await runCommitHooks(root.commitHooks, this.#reporter('onCommit'));
  }

  /** Rolls the transaction back and puts objects back as they were before it: new ones transient, deleted ones back, changes undone. */
  async rollback(): Promise<void> {
    await closeOpenStreams(this);
    const transaction = this.#transaction;
    const root = this.#levels[0];
    this.#failed = undefined;
    this.#connection = undefined;
    this.#transaction = undefined;
    const levels = this.#levels;
    this.#levels = [];
    if (root) for (const level of levels.slice(1).reverse()) level.mergeInto(root);
    try {
      if (transaction) await transaction.rollback();
    } finally {
      if (transaction) await transaction.close();
      if (root) this.#undo(root, true);
      else this.#discardPendingChanges();
    }
    if (root) for (const hook of root.rollbackHooks) await runQuietly(hook, this.#reporter('onRollback'));
    if (root) await this.#events.emitSettled('afterRollback', this);
  }

  /** Rolls back any open transaction and detaches every object. The session can be used again afterwards. */
  async close(): Promise<void> {
    if (this.#connection) await this.rollback();
    this.#failed = undefined;
    this.expungeAll();
  }

  /** Marks an object's loaded values as stale: the next query, get or refresh reloads them. */
  expire(object: object): void {
    this.#ownState(object, 'expire').expired = true;
  }

  /** Expires every object in the session. */
  expireAll(): void {
    for (const state of this.#identity.states()) state.expired = true;
  }

  /** Reloads an object's columns from the database now, dropping unflushed changes to it. */
  async refresh(object: object): Promise<void> {
    const state = this.#ownState(object, 'refresh');
    if (state.status !== 'persistent') throw new InvalidStateError(`refresh(): this ${state.mapper.metadata.name} is ${state.status}; only persistent objects can be refreshed.`);
    state.markClean();
    this.#dirty.delete(state);
    state.expired = true;
    const rows = await this.#loadByKey(state.mapper, state.mapper.keyIndexes.map((i) => state.values[i]));
    if (rows.length === 0) throw objectDeleted(state);
  }

  /** Removes an object from the session without deleting it; it becomes detached. */
  expunge(object: object): void {
    const state = this.#ownState(object, 'expunge');
    this.#pending.delete(state);
    this.#dirty.delete(state);
    this.#deleted.delete(state);
    this.#identity.remove(state);
    state.owner = undefined;
    state.status = state.status === 'pending' ? 'transient' : 'detached';
  }

  /** Detaches every object. */
  expungeAll(): void {
    for (const state of [...this.#identity.states(), ...this.#pending]) {
      state.owner = undefined;
      state.status = state.status === 'pending' ? 'transient' : 'detached';
    }
    this.#identity.clear();
    this.#pending.clear();
    this.#dirty.clear();
    this.#deleted.clear();
  }

  /**
   * Copies a detached or transient object's column values onto this session's object with
   * the same key (loading it if needed), or adds a copy as new; returns the session's object.
   */
  async merge<E extends object>(object: E): Promise<E> {
    this.#usable();
    const mapper = this.#mapper(object.constructor as EntityClass<E>);
    const source = stateOf(object);
    if (source?.owner === this) return object;
    const values = bagKeysOf(mapper).map((key, i) => (source ? source.values[i] : (object as Record<string, unknown>)[key]));
    if (mapper.hasIdentity(values)) {
      const keys = mapper.keyIndexes.map((i) => values[i]);
      const current = await this.get(object.constructor as EntityClass<E>, keys.length === 1 ? keys[0] : keys);
      if (current) {
        const state = stateOf(current)!;
        values.forEach((value, i) => value !== undefined && state.write(i, value));
        return current;
      }
    }
    const copy = Object.create(Object.getPrototypeOf(object)) as E;
    const state = mapper.attach(copy);
    values.forEach((value, i) => (state.values[i] = value));
    this.add(copy);
    return copy;
  }

  /**
   * Runs `fn` after the outermost COMMIT succeeds; dropped on rollback. Runs at once when no
   * transaction is open (a failure then is reported like a robust hook's: nobody awaits it).
   */
  onCommit(fn: () => unknown, options: OnCommitOptions = {}): void {
    const level = this.#top();
    const hook: CommitHook = { fn, robust: options.robust ?? false };
    if (!level) {
      // Nobody can await this call, so even a non-robust hook's failure is reported rather than thrown.
      void runCommitHooks([{ fn, robust: true }], this.#reporter('onCommit'));
      return;
    }
    level.commitHooks.push(hook);
  }

  /** Runs `fn` when the transaction (or the savepoint it was registered in) rolls back. */
  onRollback(fn: () => unknown): void {
    this.#top()?.rollbackHooks.push(fn);
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
    const connection = await this.#begin();
    const level = new TransactionLevel(await connection.savepoint());
    this.#levels.push(level);
    return new NestedTransaction(
      async () => this.#releaseLevel(level),
      async () => this.#rollbackLevel(level),
    );
  }

  /**
   * Runs `fn(session)` in a transaction and returns its result. With the default propagation
   * (`'required'`) it joins the open transaction, or begins one (at `isolationLevel`) and
   * commits it when fn resolves, rolls it back when fn throws. `retry` re-runs the whole of
   * fn after a serialization failure or deadlock, rolling back first, so objects, database
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
    if (this.#connection) {
      throw new InvalidStateError('session.begin(): a transaction is already open on this session (begun by its first statement or an earlier begin()); commit or roll it back first.');
    }
    await this.#begin(options.isolationLevel ?? this.#options.isolationLevel);
  }

  /** The isolation level the open transaction began at; undefined for the server's default or when none is open. */
  get transactionIsolationLevel(): IsolationLevel | undefined {
    return this.#transaction?.isolationLevel;
  }

  /** True when objects were added, changed or deleted since the last flush. */
  get hasPendingChanges(): boolean {
    return this.#pending.size > 0 || this.#dirty.size > 0 || this.#deleted.size > 0;
  }

  /** @internal A new, empty session made with this one's options (for `propagation: 'requiresNew'`). */
  fork(): Session {
    const session = new Session({ ...this.#options, registry: this.#registry });
    session.events.inherit(this.#events);
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
   * streamed objects are held weakly, so memory stays flat; one you change is kept until
   * flushed. While the stream is open the session runs no other statement: finish the loop
   * or `break` out of it first. Default batchSize 1000.
   * @example
   * for await (const post of session.stream(select(Post), { batchSize: 1000 })) index(post);
   */
  stream<E>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]]>, options?: StreamOptions): AsyncGenerator<E>;
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

  /** @internal This session's listeners (its factory links its own to them). */
  get events(): SessionEvents {
    return this.#events;
  }

  /** @internal The connection a query runs on: autoflushes first, begins the transaction on first use. */
  async connectionForQuery(): Promise<Connection> {
    this.#usable();
    if (this.#options.autoflush && this.#noAutoflush === 0) await this.flush();
    return this.#begin();
  }

  /** @internal The session's mapper for an entity a statement selected. */
  mapperFor(entity: EntityMetadata): EntityMapper {
    return this.#mapperOfMetadata(entity);
  }

  /** @internal Closes the session for good (its scope ended): any later use throws InvalidStateError with `reason`. */
  async retire(reason: string): Promise<void> {
    this.#retired = reason;
    await this.close();
  }

  /** @internal The session's connection, beginning its transaction on first use. */
  async connection(): Promise<Connection> {
    this.#usable();
    return this.#begin();
  }

  /** @internal Identity map and owner for loaders. */
  hydrationTarget(weak = false): HydrationTarget {
    return { identity: this.#identity, owner: this, weak };
  }

  async #query(statement: Statement<unknown>): Promise<unknown[]> {
    this.#usable();
    if (this.#options.autoflush && this.#noAutoflush === 0) await this.flush();
    const connection = await this.#begin();
    const result = await connection.execute(statement);
    return this.#materialize(statement, result.rows as Record<string, unknown>[]);
  }

  #materialize(statement: Statement<unknown>, rows: Record<string, unknown>[], weak = false): unknown[] {
    const placement = placementOf(statement.node);
    const target = this.hydrationTarget(weak);
    if (placement.kind === 'row') {
      const mapper = this.#mapperOfMetadata(placement.entity);
      return rows.map((row) => hydrate(target, mapper, row));
    }
    if (placement.kind === 'items') {
      const mappers = placement.items.map((item) => ({ at: item.at, mapper: this.#mapperOfMetadata(item.entity) }));
      for (const row of rows) {
        for (const { at, mapper } of mappers) {
          const bag = (row as Record<string | number, unknown>)[at];
          if (bag) (row as Record<string | number, unknown>)[at] = hydrate(target, mapper, bag as Record<string, unknown>);
        }
      }
    }
    return rows;
  }

  async #loadByKey(mapper: EntityMapper, values: readonly unknown[]): Promise<object[]> {
    const source = sourceOf(mapper.metadata);
    const where = allOf(mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, values[i])));
    const select = node({
      kind: 'select' as const,
      shape: 'entity' as const,
      items: Object.freeze([node({ kind: 'entity' as const, key: '0', source })]),
      ctes: Object.freeze([]),
      distinct: false,
      from: Object.freeze([source]),
      joins: Object.freeze([]),
      where,
      groupBy: Object.freeze([]),
      having: undefined,
      orderBy: Object.freeze([]),
      limit: undefined,
      offset: undefined,
      lock: undefined,
    });
    const statement = new NodeStatement(select);
    const rows = (await this.#query(statement)) as object[];
    for (const object of rows) {
      const state = stateOf(object)!;
      if (state.expired) refreshInPlace(state, state.values);
    }
    return rows;
  }

  async #begin(isolationLevel = this.#options.isolationLevel): Promise<Connection> {
    if (this.#connection) return this.#connection;
    // Sessions that only read must not queue behind each other on SQLite: writes take the lock when they come.
    const transaction = await openSessionTransaction(this.bind, this.#options.joinTransaction, { isolationLevel, deferLock: true });
    const connection = transaction.connection;
    this.#transaction = transaction;
    this.#connection = connection;
    this.#levels = [new TransactionLevel()];
    return connection;
  }

  #top(): TransactionLevel | undefined {
    return this.#levels[this.#levels.length - 1];
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
    const mapper = this.#mapper(object.constructor as EntityClass<object>);
    const state = adoptOwnProperties(mapper, object);
    if (state.owner && state.owner !== this) {
      throw new InvalidStateError(`This ${mapper.metadata.name} already belongs to another session; expunge it there or merge() it into this one.`);
    }
    if (state.status === 'transient') {
      state.status = 'pending';
      state.owner = this;
      this.#pending.add(state);
      this.#top()?.added.add(state);
    } else if (state.status === 'detached') {
      state.status = 'persistent';
      state.owner = this;
      state.key = mapper.identityKey(state.values);
      this.#identity.add(state);
      if (state.committed) this.#dirty.add(state);
    } else if (this.#deleted.has(state)) {
      this.#deleted.delete(state);
    }
    return state;
  }

  #mapper(entity: EntityClass<unknown>): EntityMapper {
    if (typeof entity !== 'function') throw new ArgumentError(`Expected an entity class; got ${String(entity)}.`);
    return EntityMapper.for(this.#registry.entity(entity));
  }

  /** A statement may have resolved its entities in another registry; objects always belong to the session's. */
  #mapperOfMetadata(entity: EntityMetadata): EntityMapper {
    return EntityMapper.for(this.#registry.has(entity.target) ? this.#registry.entity(entity.target) : entity);
  }

  #ownState(object: object, what: string): InstanceState {
    const state = object && typeof object === 'object' ? stateOf(object) : undefined;
    if (!state || state.owner !== this) {
      throw new InvalidStateError(`${what}(): the object is not in this session; add() it or load it through this session first.`);
    }
    return state;
  }

  #allEntities(): readonly EntityMetadata[] {
    this.#entities ??= this.#registry.entities;
    return this.#entities;
  }

  async #flushFailed(error: unknown): Promise<unknown> {
    const cause = error instanceof FlushFailure ? error.cause : error;
    const before = error instanceof FlushFailure ? error.before : new Map<InstanceState, readonly unknown[]>();
    // Undo what the failed flush did in memory: generated keys, versions, stamps.
    for (const [state, values] of before) values.forEach((v, i) => (state.values[i] = v));
    const transaction = this.#transaction;
    if (transaction) {
      this.#failed = cause;
      // Inside a savepoint only the savepoint is lost: rolling back to it lets the outer transaction go on.
      if (this.#levels.length <= 1) await transaction.rollback().catch(() => undefined);
    }
    return cause instanceof StrataError ? cause : cause;
  }

  async #releaseLevel(level: TransactionLevel): Promise<void> {
    await this.flush();
    const index = this.#levels.indexOf(level);
    if (index <= 0) throw new InvalidStateError('This savepoint is no longer open.');
    for (const inner of this.#levels.slice(index).reverse()) {
      await inner.savepoint!.release();
      inner.mergeInto(this.#levels[this.#levels.indexOf(inner) - 1]!);
    }
    this.#levels = this.#levels.slice(0, index);
  }

  async #rollbackLevel(level: TransactionLevel): Promise<void> {
    const index = this.#levels.indexOf(level);
    if (index <= 0) throw new InvalidStateError('This savepoint is no longer open.');
    const inner = this.#levels.slice(index);
    this.#levels = this.#levels.slice(0, index);
    for (const l of inner.slice(1).reverse()) l.mergeInto(level);
    await level.savepoint!.rollback();
    this.#failed = undefined;
    this.#undo(level, false);
    for (const hook of level.rollbackHooks) await runQuietly(hook);
  }

  /** Puts objects back as they were when the level began. */
  #undo(level: TransactionLevel, expire: boolean): void {
    for (const state of level.added) {
      const image = level.images.get(state);
      if (image) image.forEach((v, i) => (state.values[i] = v));
      this.#identity.remove(state);
      this.#pending.delete(state);
      this.#dirty.delete(state);
      state.status = 'transient';
      state.owner = undefined;
      state.markClean();
    }
    for (const state of level.removed) {
      state.status = 'persistent';
      state.owner = this;
      this.#identity.add(state);
    }
    for (const [state, image] of level.images) {
      if (level.added.has(state)) continue;
      image.forEach((v, i) => (state.values[i] = v));
      state.markClean();
      this.#dirty.delete(state);
    }
    this.#discardPendingChanges();
    if (expire) for (const state of this.#identity.states()) state.expired = true;
  }

  #discardPendingChanges(): void {
    for (const state of this.#pending) {
      state.status = 'transient';
      state.owner = undefined;
    }
    this.#pending.clear();
    for (const state of this.#dirty) {
      if (state.committed) state.committed.forEach((v, i) => (state.values[i] = v));
      state.markClean();
    }
    this.#dirty.clear();
    this.#deleted.clear();
  }
}

/** A savepoint begun with `session.beginNested()`. */
export class NestedTransaction {
  readonly #commit: () => Promise<void>;
  readonly #rollback: () => Promise<void>;

  constructor(commit: () => Promise<void>, rollback: () => Promise<void>) {
    this.#commit = commit;
    this.#rollback = rollback;
  }

  /** Keeps the work since the savepoint (flushes, then RELEASE SAVEPOINT). */
  commit(): Promise<void> {
    return this.#commit();
  }

  /** Undoes the work since the savepoint, in the database and in the session's objects. */
  rollback(): Promise<void> {
    return this.#rollback();
  }
}

/** What `scalars` yields for rows of a column selection: the first (usually only) selected value. */
export type FirstValue<R> = R extends readonly [infer F, ...unknown[]] ? F : R extends Record<string, infer V> ? V : R;

function keyValues(mapper: EntityMapper, key: unknown): unknown[] {
  const values = new Array<unknown>(mapper.columns.length).fill(undefined);
  const indexes = mapper.keyIndexes;
  if (indexes.length === 1) {
    if (key === undefined || key === null || typeof key === 'object') {
      throw new ArgumentError(`get(${mapper.metadata.name}, key) takes the primary-key value; got ${String(key)}.`);
    }
    values[indexes[0]!] = key;
    return values;
  }
  const parts = Array.isArray(key) ? key : indexes.map((i) => (key as Record<string, unknown>)?.[mapper.columns[i]!.propertyName ?? '']);
  if (parts.length !== indexes.length || parts.some((p) => p === undefined || p === null)) {
    throw new ArgumentError(`get(${mapper.metadata.name}, key): the key has ${indexes.length} columns; pass them as an array in key order or as an object.`);
  }
  indexes.forEach((index, i) => (values[index] = parts[i]));
  return values;
}

function firstValue(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  for (const key in row as Record<string, unknown>) return (row as Record<string, unknown>)[key];
  return undefined;
}

/**
 * Runs commit hooks in order. A robust hook's failure is reported and the next runs; a
 * non-robust one's error propagates from commit() (the COMMIT already happened) and the
 * hooks after it do not run.
 */
async function runCommitHooks(hooks: readonly CommitHook[], report?: (error: unknown) => Promise<void>): Promise<void> {
  for (const hook of hooks) {
    if (hook.robust) await runQuietly(hook.fn, report);
    else await hook.fn();
  }
}

async function runQuietly(fn: () => unknown, report?: (error: unknown) => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (report) await report(error);
    else process.emitWarning(`A Strata session hook threw: ${(error as Error)?.stack ?? String(error)}`, { code: 'STRATA_HOOK_FAILED' });
  }
}

function objectDeleted(state: InstanceState): ObjectDeletedError {
  const entity = state.mapper.metadata.name;
  const identity = state.mapper.keyIndexes.map((i) => state.values[i]);
  return new ObjectDeletedError(
    `${entity} with key ${identity.map(String).join(', ')} no longer exists in the database (another transaction deleted it). ` +
      'Expunge the object, or add() a new one to write the row again.',
    { entity, identity },
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

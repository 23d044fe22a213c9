/*
 * A session's object bookkeeping: the identity map and the pending / dirty / deleted sets a
 * flush reads. It moves objects between states as they are added, deleted, expunged,
 * flushed and committed, and puts them back when a transaction level rolls back.
 */
import { InvalidStateError } from '../../errors/errors';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import { IdentityMap } from '../identity/identity-map';
import type { EntityMapper } from '../state/entity-mapper';
import { adoptOwnProperties } from '../state/instrument';
import { linkOf } from '../state/collection';
import { isUnloaded, stateOf, type InstanceState, type StateSession } from '../state/instance-state';
import type { FlushPlan } from '../unit-of-work/flush-plan';
import type { HydrationTarget } from '../loading/hydrate';
import { RelationSnapshots } from '../transaction/relation-snapshots';
import type { TransactionLevel } from '../transaction/transaction-level';

/** The live sets of changes a flush writes. */
export interface SessionChanges {
  readonly pending: ReadonlySet<InstanceState>;
  readonly dirty: ReadonlySet<InstanceState>;
  readonly deleted: ReadonlySet<InstanceState>;
  /** Relationship collections whose members changed since the last flush: (state, relationship index). */
  readonly collections: ReadonlyMap<InstanceState, ReadonlySet<number>>;
}

/** The objects one session holds and what has changed among them since the last flush. */
export class SessionObjects {
  readonly #session: StateSession;
  readonly #identity = new IdentityMap();
  readonly #pending = new Set<InstanceState>();
  readonly #dirty = new Set<InstanceState>();
  readonly #deleted = new Set<InstanceState>();
  readonly #collections = new Map<InstanceState, Set<number>>();
  /** Relationships changed while no transaction was open, as they were before (a rollback puts them back). */
  readonly #looseRelations = new RelationSnapshots();

  constructor(session: StateSession) {
    this.#session = session;
  }

  /** True when objects were added, changed or deleted since the last flush. */
  get hasPendingChanges(): boolean {
    return this.#pending.size > 0 || this.#dirty.size > 0 || this.#deleted.size > 0 || this.#collections.size > 0;
  }

  /** The pending, dirty and deleted sets themselves (a flush's cascade adds to them as it runs). */
  changes(): SessionChanges {
    return { pending: this.#pending, dirty: this.#dirty, deleted: this.#deleted, collections: this.#collections };
  }

  /** Records that a collection of `state` changed membership. */
  collectionChanged(state: InstanceState, index: number): void {
    let indexes = this.#collections.get(state);
    if (!indexes) this.#collections.set(state, (indexes = new Set()));
    indexes.add(index);
    if (state.status === 'persistent') this.#identity.pin(state);
  }

  /** Remembers a persistent object's relationship slot before its first change at the open level (or before any transaction). */
  relationChanging(state: InstanceState, index: number, level: TransactionLevel | undefined): void {
    if (state.status !== 'persistent' || state.session !== this.#session) return;
    (level?.relations ?? this.#looseRelations).record(state, index);
  }

  /** The object an owning to-one's foreign key points at, when held; null for a NULL key; undefined when unknown. */
  relatedByKey(state: InstanceState, index: number): object | null | undefined {
    const relation = state.mapper.relations[index]!;
    if (!relation.owner || relation.joinTable || relation.foreignKey.length === 0) return undefined;
    const target = state.mapper.foreignKeyTarget(index);
    if (!target) return undefined;
    const values = new Array<unknown>(target.mapper.columns.length);
    for (let i = 0; i < target.from.length; i++) {
      const value = state.values[target.from[i]!];
      if (value === null || value === undefined) return value === null ? null : undefined;
      values[target.to[i]!] = value;
    }
    const held = this.#identity.get(target.mapper.metadata, target.mapper.identityKey(values));
    return held && !this.#deleted.has(held) ? held.object : undefined;
  }

  /** Identity map and session for loaders; `weak` holds clean objects weakly (streams). */
  hydrationTarget(weak: boolean): HydrationTarget {
    return { identity: this.#identity, session: this.#session, weak };
  }

  /** The state held for an entity's identity key, if any. */
  lookup(entity: EntityMetadata, key: unknown): InstanceState | undefined {
    return this.#identity.get(entity, key);
  }

  /** The states of one entity the session holds. */
  *held(entity: EntityMetadata): Iterable<InstanceState> {
    yield* this.#identity.statesOf(entity);
  }

  /** True when the object is marked for deletion at the next flush. */
  isDeleted(state: InstanceState): boolean {
    return this.#deleted.has(state);
  }

  /** The object's state, when the session owns it; InvalidStateError naming `what` otherwise. */
  own(object: object, what: string): InstanceState {
    const state = object && typeof object === 'object' ? stateOf(object) : undefined;
    if (!state || state.session !== this.#session) {
      throw new InvalidStateError(`${what}(): the object is not in this session; add() it or load it through this session first.`);
    }
    return state;
  }

  /** Records an object's first change, remembering its values in the open level. */
  markDirty(state: InstanceState, level: TransactionLevel | undefined): void {
    this.#dirty.add(state);
    this.#identity.pin(state);
    level?.remember(state, state.snapshot ?? state.values);
  }

  /** Takes an object in: transient becomes pending, detached persistent again, a deletion is cancelled. */
  attach(mapper: EntityMapper, object: object, level: TransactionLevel | undefined): InstanceState {
    const state = adoptOwnProperties(mapper, object);
    if (state.mapper !== mapper && state.session === undefined) state.rebind(mapper);
    if (state.session && state.session !== this.#session) {
      throw new InvalidStateError(`This ${mapper.metadata.name} already belongs to another session; expunge it there or merge() it into this one.`);
    }
    if (state.status === 'transient') {
      state.toPending(this.#session);
      this.#pending.add(state);
      level?.added.add(state);
    } else if (state.status === 'detached') {
      state.toPersistent(mapper.identityKey(state.values), this.#session);
      this.#identity.add(state);
      if (state.snapshot) this.#dirty.add(state);
      // Collections changed while the object was detached.
      state.relations.forEach((value, index) => {
        if (linkOf(value)?.snapshot !== undefined) this.collectionChanged(state, index);
      });
    } else if (this.#deleted.has(state)) {
      this.#deleted.delete(state);
    } else if (state.status === 'deleted') {
      throw new InvalidStateError(
        `This ${mapper.metadata.name} was deleted in this transaction (the DELETE is already flushed), so add() cannot bring it back. ` +
          'Roll back to undo the delete, or add a new object with the same values.',
      );
    }
    return state;
  }

  /** Marks a persistent object for deletion; a pending one simply becomes transient again. */
  delete(state: InstanceState): void {
    if (state.status === 'pending') {
      this.#pending.delete(state);
      state.toTransient();
      return;
    }
    if (state.status !== 'persistent') throw new InvalidStateError(`delete(): this ${state.mapper.metadata.name} is ${state.status}, not persistent in this session.`);
    this.#deleted.add(state);
    this.#identity.pin(state);
  }

  /** Marks an object reached by a delete cascade or delete-orphan: persistent ones are deleted, pending ones leave. */
  cascadeDelete(state: InstanceState): void {
    if (state.session !== this.#session) return;
    if (state.status === 'pending') {
      this.#pending.delete(state);
      state.toTransient();
      return;
    }
    if (state.status !== 'persistent' || this.#deleted.has(state)) return;
    this.#deleted.add(state);
    this.#identity.pin(state);
  }

  /** Drops an object's unflushed changes and expires it, so the next load replaces every value. */
  resetForRefresh(state: InstanceState): void {
    state.markClean();
    this.#dirty.delete(state);
    state.expire();
  }

  /** Expires every object held: values are reloaded by the next load, relationships by their next load. */
  expireAll(): void {
    this.#identity.forEach((state) => state.expire());
  }

  /** Forgets one object: a pending one becomes transient, any other detached. */
  expunge(state: InstanceState): void {
    this.#pending.delete(state);
    this.#dirty.delete(state);
    this.#deleted.delete(state);
    this.#collections.delete(state);
    this.#identity.remove(state);
    state.detach();
  }

  /** Forgets every object. */
  expungeAll(): void {
    this.#looseRelations.clear();
    this.#identity.forEach(detachState);
    this.#pending.forEach(detachState);
    this.#identity.clear();
    this.#pending.clear();
    this.#dirty.clear();
    this.#deleted.clear();
    this.#collections.clear();
  }

  /**
   * What closing the session now would throw away: objects added, changed or deleted since
   * the last commit (flushed at one of `levels`, or not flushed yet), counted per entity,
   * e.g. "2 new Order, 1 changed User"; undefined when there are none.
   */
  uncommitted(levels: readonly TransactionLevel[]): string | undefined {
    const kinds = new Map<InstanceState, 'new' | 'changed' | 'deleted'>();
    const mark = (states: Iterable<InstanceState>, kind: 'new' | 'changed' | 'deleted'): void => {
      for (const state of states) if (kind !== 'changed' || !kinds.has(state)) kinds.set(state, kind);
    };
    for (const level of levels) {
      mark(level.snapshots.keys(), 'changed');
      mark(level.added, 'new');
      mark(level.removed, 'deleted');
    }
    mark(this.#dirty, 'changed');
    mark(this.#collections.keys(), 'changed');
    mark(this.#pending, 'new');
    mark(this.#deleted, 'deleted');
    const counts = new Map<string, number>();
    for (const [state, kind] of kinds) {
      if (state.session !== this.#session && kind !== 'deleted') continue;
      const key = `${kind} ${state.mapper.metadata.name}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts.size === 0 ? undefined : [...counts].map(([key, n]) => `${n} ${key}`).join(', ');
  }

  /** Applies a successful flush: inserted objects become persistent, deleted ones leave the map, all is clean. */
  settleFlush(plan: FlushPlan, level: TransactionLevel): void {
    // The flush's snapshots are its own copies: the level keeps them as they are.
    for (const [state, values] of plan.snapshots) level.rememberSnapshot(state, values as unknown[]);
    for (const state of plan.inserted) {
      state.toPersistent(state.mapper.identityKey(state.values));
      state.markClean();
      this.#identity.add(state);
      level.added.add(state);
    }
    for (const state of plan.updated) state.markClean();
    for (const state of plan.deleted) {
      if (state.status !== 'persistent') continue;
      state.toDeleted();
      this.#identity.remove(state);
      level.removed.add(state);
    }
    for (const state of this.#dirty) state.markClean();
    for (const state of plan.inserted) cleanCollections(state);
    for (const state of this.#collections.keys()) cleanCollections(state);
    this.#pending.clear();
    this.#dirty.clear();
    this.#deleted.clear();
    this.#collections.clear();
  }

  /** After COMMIT: objects deleted in the transaction become detached; everything expires when `options.expire` (expireOnCommit). */
  settleCommit(root: TransactionLevel, options: { readonly expire: boolean }): void {
    this.#looseRelations.clear();
    for (const state of root.removed) state.detach();
    if (options.expire) this.expireAll();
  }

  /**
   * Puts objects back as they were when the level began: values, relationships, added and
   * deleted objects. `wholeTransaction` is set for the root level (the transaction ended):
   * its undo also reaches back to relationship changes made before it began, and expires
   * every object.
   */
  undo(level: TransactionLevel, options: { readonly wholeTransaction: boolean }): void {
    const expire = options.wholeTransaction;
    for (const state of level.added) {
      state.restore(level.snapshots.get(state));
      this.#identity.remove(state);
      this.#pending.delete(state);
      this.#dirty.delete(state);
      state.toTransient();
    }
    for (const state of level.removed) {
      state.toPersistent(state.key, this.#session);
      this.#identity.add(state);
    }
    for (const [state, snapshot] of level.snapshots) {
      if (level.added.has(state)) continue;
      state.restore(snapshot);
      this.#dirty.delete(state);
    }
    level.relations.restore(this.#session);
    if (expire) this.#looseRelations.restore(this.#session);
    this.#dropPendingChanges();
    if (expire) this.expireAll();
    // Relationships may hold what the undone work wrote: reload them on their next load.
    else for (const state of this.#identity.states()) state.expireRelations();
  }

  /** Drops unflushed work: pending objects become transient, changes and relationships are reverted, deletions forgotten. */
  discardPendingChanges(): void {
    this.#looseRelations.restore(this.#session);
    this.#dropPendingChanges();
  }

  #dropPendingChanges(): void {
    for (const state of this.#pending) state.toTransient();
    this.#pending.clear();
    for (const state of this.#dirty) state.restore(state.snapshot);
    this.#dirty.clear();
    this.#deleted.clear();
    // Collections keep what the user put in them, but the database no longer agrees: reload on next load.
    for (const state of this.#collections.keys()) {
      cleanCollections(state);
      state.expireRelations();
    }
    this.#collections.clear();
  }
}

/** A pending object leaves as transient, any other as detached. */
function detachState(state: InstanceState): void {
  state.detach();
}

/** Accepts a state's collections as what the database holds (after a flush). */
function cleanCollections(state: InstanceState): void {
  for (const value of state.relations) {
    if (isUnloaded(value)) continue;
    const link = linkOf(value);
    if (link) {
      link.snapshot = undefined;
      link.unknownBase = false;
    }
  }
}

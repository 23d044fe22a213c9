/*
 * The per-object bookkeeping behind every mapped instance: its current column values,
 * the values last read from or written to the database (kept only once something
 * changed), its status in a session and its identity key. Instrumented accessors
 * (instrument.ts) read and write through it, so a change costs one setter call.
 */
import { inspect } from 'node:util';
import { inspectView, type InspectStyling } from '../../engine/inspect-view';
import { InvalidStateError } from '../../errors/errors';
import type { EntityMapper } from './entity-mapper';

/** Where an object stands with respect to a session, as SQLAlchemy names it. */
export type ObjectStatus = 'transient' | 'pending' | 'persistent' | 'deleted' | 'detached';

/**
 * What the state needs from the session that holds it (not to be confused with the owning
 * side of a relationship, RelationMetadata.owner).
 */
export interface StateSession {
  /** Called once when a persistent object first changes after a flush, so the flush visits it. */
  markDirty(state: InstanceState): void;
  /** True when reading an expired attribute must throw (strict mode). */
  readonly strict: boolean;
  /** Called when a relationship collection of a state it owns changes membership for the first time since a flush. */
  collectionChanged?(state: InstanceState, index: number): void;
  /** Called before a relationship slot of a state it owns changes (membership, assignment, or a to-one filled in), so a rollback can put it back. */
  relationChanging?(state: InstanceState, index: number): void;
  /** The object a to-one relationship's foreign key points at, when the session holds it fresh; null for a NULL key; undefined when unknown. */
  relatedByKey?(state: InstanceState, index: number): object | null | undefined;
}

/** Relation indexes kept as bits of a small integer. */
const STALE_BITS = 30;

/** Stands in the snapshot for a value written while the object was expired: never equal to anything. */
const STALE: unique symbol = Symbol('strata.stale');

/** Marks a relationship slot nobody has loaded yet. */
export const UNLOADED: unique symbol = Symbol('strata.unloaded');

/** Marks a relationship slot a raiseLoad option (or lazy: 'raise') left unloaded on purpose. */
export const RAISE: unique symbol = Symbol('strata.raise');

/** True for a relationship slot holding no value (UNLOADED or RAISE). */
export function isUnloaded(value: unknown): value is typeof UNLOADED | typeof RAISE {
  return typeof value === 'symbol';
}

/** One mapped object's state. Internal to the ORM; `inspect(obj)` shows the public part. */
export class InstanceState {
  /** The entity's mapper; replaced (same layout) when a session of another registry takes the object in. */
  mapper: EntityMapper;
  readonly object: object;
  /** Current column values, by the mapper's column index. */
  readonly values: unknown[];
  /** Values as the database has them, copied on the first change after a load or flush. */
  snapshot: unknown[] | undefined;
  /** Relationship values by the mapper's relation index: an object, null, an array, or UNLOADED. */
  readonly relations: unknown[];
  #session: StateSession | undefined = undefined;
  #status: ObjectStatus;
  #key: unknown = undefined;
  /** Set by commit (expire-on-commit), expire() and rollback: the values are no longer trusted. */
  expired = false;
  /** Relationships loaded before a commit or rollback (the next load replaces them), one bit per relation index. */
  #stale = 0;
  /** The same for relation indexes past the bits of #stale (rare: entities with that many relationships). */
  #staleHigh: Set<number> | undefined = undefined;

  constructor(mapper: EntityMapper, object: object, values: unknown[], status: ObjectStatus) {
    this.mapper = mapper;
    this.object = object;
    this.values = values;
    this.snapshot = undefined;
    this.relations = mapper.unloadedRelations();
    this.#status = status;
  }

  /** The session holding the object; undefined while transient or detached. */
  get session(): StateSession | undefined {
    return this.#session;
  }

  /** Where the object stands; changed only by the transitions below. */
  get status(): ObjectStatus {
    return this.#status;
  }

  /** The identity-map key, once the object is persistent. */
  get key(): unknown {
    return this.#key;
  }

  /** A new object taken in by `session` (add, or a cascade): written by the next flush. */
  toPending(session: StateSession): void {
    this.#status = 'pending';
    this.#session = session;
  }

  /**
   * The object now has a row, identified by `key`: loaded, inserted by a flush, taken back
   * in while detached, or undeleted by a rollback. `session` defaults to the one holding it.
   */
  toPersistent(key: unknown, session: StateSession | undefined = this.#session): void {
    this.#status = 'persistent';
    this.#key = key;
    this.#session = session;
  }

  /** A flush deleted the row; the session keeps the object until COMMIT (a rollback brings it back). */
  toDeleted(): void {
    this.#status = 'deleted';
  }

  /** Leaves its session as new: its INSERT was undone, or it never reached the database. */
  toTransient(): void {
    this.#status = 'transient';
    this.#session = undefined;
  }

  /** Leaves its session: a pending object becomes transient again, any other detached. */
  detach(): void {
    this.#status = this.#status === 'pending' ? 'transient' : 'detached';
    this.#session = undefined;
  }

  /**
   * Puts column values back as `snapshot` has them (a rollback, a discarded change) and accepts
   * them as what the database holds; without a snapshot only the latter.
   */
  restore(snapshot: readonly unknown[] | undefined): void {
    if (snapshot !== undefined) {
      const values = this.values;
      for (let i = 0; i < snapshot.length; i++) values[i] = snapshot[i];
    }
    this.snapshot = undefined;
  }

  /**
   * Puts column values back as they were before a flush wrote into them (a failed flush, a
   * refused or previewed plan). With `snapshot`, the snapshot goes back too; without it the
   * snapshot is kept.
   */
  rewind(values: readonly unknown[], options?: { readonly snapshot: readonly unknown[] | undefined }): void {
    const own = this.values;
    for (let i = 0; i < values.length; i++) own[i] = values[i];
    if (options) this.snapshot = options.snapshot === undefined ? undefined : (options.snapshot as unknown[]);
  }

  /** Loads fresh values into an expired object, keeping attributes changed since. */
  refresh(fresh: readonly unknown[]): void {
    const { snapshot, values } = this;
    for (let i = 0; i < values.length; i++) {
      if (snapshot !== undefined && !sameValue(values[i], snapshot[i])) continue;
      values[i] = fresh[i];
      if (snapshot !== undefined) snapshot[i] = fresh[i];
    }
    this.expired = false;
  }

  /** The column values are no longer trusted (a new row's server defaults that could not be read back): the next load replaces them. */
  expireValues(): void {
    this.expired = true;
  }

  /** No loaded value or relationship is trusted any more: the next load replaces them. */
  expire(): void {
    this.expired = true;
    this.expireRelations();
  }

  /** Moves the state to another registry's mapper of the same class; the column and relationship layouts must agree. */
  rebind(mapper: EntityMapper): void {
    if (mapper === this.mapper) return;
    const same =
      mapper.columns.length === this.mapper.columns.length &&
      mapper.columns.every((c, i) => c.columnName === this.mapper.columns[i]!.columnName) &&
      mapper.relations.length === this.mapper.relations.length &&
      mapper.relations.every((r, i) => r.propertyName === this.mapper.relations[i]!.propertyName);
    if (!same) {
      throw new InvalidStateError(
        `This ${mapper.metadata.name} was created under another MetaData whose columns differ (another naming strategy?); create it again after choosing one registry.`,
      );
    }
    this.mapper = mapper;
  }

  /** Writes a column value, taking a snapshot of the values on the first change. */
  write(index: number, value: unknown): void {
    const values = this.values;
    // Only rows the database has need a snapshot; new objects are inserted whole.
    if (this.snapshot === undefined && this.#status === 'persistent') {
      if (values[index] === value && !this.expired) return;
      this.snapshot = values.slice();
      this.#session?.markDirty(this);
    }
    // An expired value may be stale: a write of the same value must still reach the database.
    // (Keys and versions keep their real snapshot: the UPDATE finds the row by them.)
    if (this.expired && this.snapshot !== undefined && !this.mapper.locatesRow(index)) this.snapshot[index] = STALE;
    values[index] = value;
  }

  /** Column indexes whose value differs from the snapshot. */
  changedColumns(): number[] {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return [];
    const changed: number[] = [];
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (!sameValue(values[i], snapshot[i])) changed.push(i);
    return changed;
  }

  /** Accepts the current values as what the database holds (after a load or a flush). */
  markClean(): void {
    this.snapshot = undefined;
  }

  /** Marks every loaded relationship stale: the next load of it replaces what it holds. */
  expireRelations(): void {
    const relations = this.relations;
    for (let i = 0; i < relations.length; i++) if (!isUnloaded(relations[i])) this.expireRelation(i);
  }

  /** True when relationship `index` was loaded before the last commit or rollback. */
  relationStale(index: number): boolean {
    return index < STALE_BITS ? (this.#stale & (1 << index)) !== 0 : this.#staleHigh?.has(index) === true;
  }

  /** True when relationship `index` holds a value loaded since the last commit or rollback. */
  relationFresh(index: number): boolean {
    return !isUnloaded(this.relations[index]) && !this.relationStale(index);
  }

  /** Marks relationship `index` stale: the next load of it replaces what it holds. */
  expireRelation(index: number): void {
    if (index < STALE_BITS) this.#stale |= 1 << index;
    else (this.#staleHigh ??= new Set()).add(index);
  }

  /** Records that relationship `index` was (re)loaded. */
  relationLoaded(index: number): void {
    if (index < STALE_BITS) this.#stale &= ~(1 << index);
    else this.#staleHigh?.delete(index);
  }

  /** What `console.log(state)` shows: entity, status and flags, not the session or the values. */
  [inspect.custom](depth: number | null, options: InspectStyling): string {
    return inspectView('InstanceState', { entity: this.mapper.metadata.name, status: this.status, expired: this.expired, modified: this.snapshot !== undefined }, depth, options);
  }

  /** What `JSON.stringify(state)` writes: the same summary. */
  toJSON(): { entity: string; status: ObjectStatus } {
    return { entity: this.mapper.metadata.name, status: this.status };
  }

  /** Raised by a strict-mode read of an expired attribute. */
  expiredRead(property: string): never {
    throw new InvalidStateError(
      `${this.mapper.metadata.name}.${property} was read after the session committed, and strict mode does not serve expired values. ` +
        'Read it before commit, load the object again (session.get / a query / session.refresh(obj)), or create the session with expireOnCommit: false.',
    );
  }
}

/** Equality for change detection: Dates, Buffers and bigints by value, the rest by identity. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return false;
}

/** Returns the object it is given: as a base class, it makes `super(object)` put a subclass's fields on that object. */
const Passthrough = function (object: object) {
  return object;
} as unknown as new (object: object) => object;

/**
 * The slot holding an object's state: a private field put on the object itself (the base
 * class returns it), so spread, Object.assign, JSON.stringify, structuredClone and
 * util.inspect never see or copy it, and reading it costs a property load. A symbol
 * property is as cheap only while enumerable: defining a non-enumerable one takes a
 * runtime call per loaded row, about a third more time for a read of many rows. A Proxy
 * does not pass private fields on, so EntityMapper.attach refuses one.
 */
class StateSlot extends Passthrough {
  #state: InstanceState | undefined;

  private constructor(object: object, state: InstanceState | undefined) {
    super(object);
    this.#state = state;
  }

  static install(object: object, state: InstanceState | undefined): void {
    new StateSlot(object, state);
  }

  static read(object: object): InstanceState | undefined {
    return #state in object ? object.#state : undefined;
  }
}

/** The state of an instrumented object, or undefined for a plain object or a transient one never touched. */
export function stateOf(object: object): InstanceState | undefined {
  return StateSlot.read(object);
}

/** Gives an object its state (once: an object keeps the state it was given); `undefined` only shapes a template object. */
export function setState(object: object, state: InstanceState | undefined): void {
  StateSlot.install(object, state);
}

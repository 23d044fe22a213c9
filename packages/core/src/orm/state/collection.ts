/*
 * The array behind every loaded to-many relationship. It is a real Array (indexing,
 * iteration, JSON and Array.isArray behave as usual) whose membership-changing methods
 * remember the members as they were at the last load or flush (copied on the first change)
 * and keep the other side of a bidirectional relationship in step. The flush diffs that
 * snapshot against the current members, so it costs what changed, not what is loaded.
 */
import type { InstanceState } from './instance-state';

const LINK: unique symbol = Symbol('strata.collection');

/** Where a collection belongs and what it held when it was last known clean. */
export interface CollectionLink {
  readonly state: InstanceState;
  readonly index: number;
  /** Members at the last load or flush, copied on the first change since; undefined while unchanged. */
  snapshot: readonly object[] | undefined;
  /**
   * True when the collection replaced one nobody had loaded (or one loaded before the last
   * commit): what the database holds is unknown, so the flush reads it before working out removals.
   */
  unknownBase: boolean;
  /**
   * True for a collection that never held the database's members (noLoad): additions count,
   * nothing is removed because of it, and a delete cascade reads the real members.
   */
  partial: boolean;
}

/** Receives membership changes, for keeping the inverse side in step. */
type SyncHook = (link: CollectionLink, added: readonly object[], removed: readonly object[]) => void;

let syncHook: SyncHook = () => {};

/** Installs the bidirectional-sync callback (set once by the backref module, which depends on this one). */
export function setCollectionSync(hook: SyncHook): void {
  syncHook = hook;
}

const arrayPush = Array.prototype.push;
const arraySplice = Array.prototype.splice;

/**
 * A to-many relationship's value. Use it as an array; `push`, `splice`, `pop`, `shift`,
 * `unshift`, `remove` and assigning a new array to the property are tracked. Writing an
 * index directly (`list[3] = x`) or `length` is not: use `splice` instead.
 */
export class RelationCollection<T extends object = object> extends Array<T> {
  /** Array methods that build new arrays (map, filter, slice) return plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  override push(...items: T[]): number {
    const link = changing(this);
    const length = arrayPush.apply(this, items);
    if (link) syncHook(link, items, []);
    return length;
  }

  override unshift(...items: T[]): number {
    const link = changing(this);
    const length = Array.prototype.unshift.apply(this, items);
    if (link) syncHook(link, items, []);
    return length;
  }

  override pop(): T | undefined {
    if (this.length === 0) return undefined;
    const link = changing(this);
    const item = Array.prototype.pop.call(this) as T;
    if (link) syncHook(link, [], removedFrom(this, [item]));
    return item;
  }

  override shift(): T | undefined {
    if (this.length === 0) return undefined;
    const link = changing(this);
    const item = Array.prototype.shift.call(this) as T;
    if (link) syncHook(link, [], removedFrom(this, [item]));
    return item;
  }

  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    if (arguments.length === 0) return [];
    const link = changing(this);
    const removed = (arguments.length < 2 ? arraySplice.call(this, start, this.length) : arraySplice.call(this, start, deleteCount!, ...items)) as T[];
    if (link) syncHook(link, items, removedFrom(this, removed));
    return Array.from(removed);
  }

  override fill(value: T, start?: number, end?: number): this {
    const before = Array.prototype.slice.call(this) as T[];
    const link = changing(this);
    Array.prototype.fill.call(this, value, start, end);
    if (link) syncDiff(this, link, before);
    return this;
  }

  override copyWithin(target: number, start: number, end?: number): this {
    const before = Array.prototype.slice.call(this) as T[];
    const link = changing(this);
    Array.prototype.copyWithin.call(this, target, start, end);
    if (link) syncDiff(this, link, before);
    return this;
  }

  /** Removes the first occurrence of `item`; true when it was there. */
  remove(item: T): boolean {
    const at = this.indexOf(item);
    if (at < 0) return false;
    this.splice(at, 1);
    return true;
  }
}

/** The link of a tracked collection, or undefined for any other value. */
export function linkOf(value: unknown): CollectionLink | undefined {
  return value instanceof RelationCollection ? (value as unknown as { [LINK]?: CollectionLink })[LINK] : undefined;
}

/**
 * Makes `items` the tracked collection of relationship `index` of `state`: the array itself
 * when it is a plain array nobody else tracks, else a copy.
 */
export function trackCollection(state: InstanceState, index: number, items: readonly object[], snapshot: readonly object[] | undefined): RelationCollection {
  let array: RelationCollection;
  if (Array.isArray(items) && !(items instanceof RelationCollection) && Object.getPrototypeOf(items) === Array.prototype && !Object.isFrozen(items)) {
    array = Object.setPrototypeOf(items, RelationCollection.prototype) as RelationCollection;
  } else {
    array = new RelationCollection();
    arrayPush.apply(array, items as object[]);
  }
  const link: CollectionLink = { state, index, snapshot, unknownBase: false, partial: false };
  Object.defineProperty(array, LINK, { value: link, enumerable: false, writable: false, configurable: false });
  return array;
}

/** A collection loaded from the database: clean, no snapshot. */
export function loadedCollection(state: InstanceState, index: number, items: object[]): RelationCollection {
  return trackCollection(state, index, items, undefined);
}

/** Adds an item without inverse sync (the sync module's own writes), recording the change. */
export function pushRaw(collection: RelationCollection, item: object): void {
  changing(collection);
  arrayPush.call(collection, item);
}

/** Removes every occurrence of an item without inverse sync, recording the change. */
export function removeRaw(collection: RelationCollection, item: object): void {
  if (!collection.includes(item)) return;
  changing(collection);
  for (let at = collection.indexOf(item); at >= 0; at = collection.indexOf(item)) arraySplice.call(collection, at, 1);
}

/** Members added and removed since the snapshot (both by identity). */
export function collectionChanges(collection: readonly object[], snapshot: readonly object[]): { added: object[]; removed: object[] } {
  const before = new Set(snapshot);
  const now = new Set(collection);
  const added: object[] = [];
  const removed: object[] = [];
  for (const item of now) if (!before.has(item)) added.push(item);
  for (const item of before) if (!now.has(item)) removed.push(item);
  return { added, removed };
}

/** Copies the members before the first change since the collection was clean, and tells the session. */
function changing(collection: RelationCollection): CollectionLink | undefined {
  const link = linkOf(collection);
  if (!link) return undefined;
  link.state.session?.relationChanging?.(link.state, link.index);
  if (link.snapshot === undefined) link.snapshot = Array.prototype.slice.call(collection) as object[];
  // Told on every change (a set insert), so changes made while detached are found once the object is back.
  link.state.session?.collectionChanged?.(link.state, link.index);
  return link;
}

/** Of the items taken out, those no longer present at all (an item may sit twice). */
function removedFrom(collection: readonly object[], items: readonly object[]): object[] {
  return items.filter((item) => !collection.includes(item));
}

function syncDiff(collection: readonly object[], link: CollectionLink, before: readonly object[]): void {
  const { added, removed } = collectionChanges(collection, before);
  if (added.length > 0 || removed.length > 0) syncHook(link, added, removed);
}

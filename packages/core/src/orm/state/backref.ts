/*
 * Keeps both sides of a bidirectional relationship in step in memory, as the user changes
 * either: `post.author = ann` puts the post in `ann.posts` (and takes it out of the old
 * author's), `ann.posts.push(post)` sets `post.author`, removing works both ways, and a
 * many-to-many add or remove shows on the other side. Only sides already loaded (or
 * belonging to new objects) are touched: nothing here runs SQL.
 */
import type { RelationMetadata } from '../../metadata/entity-metadata';
import { linkOf, pushRaw, removeRaw, setCollectionSync, trackCollection, type CollectionLink, type RelationCollection } from './collection';
import { EntityMapper } from './entity-mapper';
import { isUnloaded, stateOf, type InstanceState } from './instance-state';

/** Writes a relationship slot; a persistent object's to-one change is a change the next flush must visit. */
export function setSlot(state: InstanceState, index: number, value: unknown): void {
  state.session?.relationChanging?.(state, index);
  state.relations[index] = value;
  state.relationLoaded(index);
  if (state.status === 'persistent') state.session?.markDirty(state);
}

/** The value a to-one slot had, resolving an unloaded one from the foreign key through the identity map. */
function previousToOne(state: InstanceState, index: number): object | null | undefined {
  const value = state.relations[index];
  if (!isUnloaded(value)) return value as object | null;
  return state.session?.relatedByKey?.(state, index);
}

/** Assigning a to-one relationship (`post.author = ann`), with the inverse side kept in step. */
export function assignToOne(state: InstanceState, index: number, value: object | null): void {
  const relation = state.mapper.relations[index]!;
  const old = relation.inverse ? previousToOne(state, index) : undefined;
  setSlot(state, index, value);
  if (!relation.inverse || old === value) return;
  if (old) unlinkInverse(state, relation, old);
  if (value) linkInverse(state, relation, value);
}

/** Assigning a whole collection (`ann.posts = [...]`): tracked, diffed against the old one, inverse kept in step. */
export function assignCollection(state: InstanceState, index: number, value: readonly object[]): RelationCollection {
  const old = state.relations[index];
  const relation = state.mapper.relations[index]!;
  const oldItems = isUnloaded(old) ? undefined : ((old as object[] | null) ?? []);
  const oldLink = linkOf(old);
  const isNew = state.status === 'transient' || state.status === 'pending';
  // What the database holds is the old collection's clean snapshot (or its members when unchanged).
  const base = isNew ? [] : oldLink ? (oldLink.snapshot ?? [...oldItems!]) : oldItems ? [...oldItems] : [];
  state.session?.relationChanging?.(state, index);
  const collection = trackCollection(state, index, value === old ? [...value] : value, base);
  const link = linkOf(collection)!;
  // Replacing what nobody loaded, what was loaded before the last commit, or a noLoad placeholder: read the database at flush.
  link.unknownBase = !isNew && (oldItems === undefined || oldLink?.unknownBase === true || oldLink?.partial === true || state.relationStale(index));
  state.relations[index] = collection;
  state.relationLoaded(index);
  state.session?.collectionChanged?.(state, index);
  if (relation.inverse) {
    const now = new Set(collection);
    const before = new Set(oldItems ?? []);
    for (const item of before) if (!now.has(item)) unlinkInverse(state, relation, item);
    for (const item of now) if (!before.has(item)) linkInverse(state, relation, item);
  }
  return collection;
}

/** The empty value of a relationship of a new object: a tracked empty collection, or null. */
export function emptyRelation(state: InstanceState, index: number): unknown {
  const relation = state.mapper.relations[index]!;
  const value = relation.isCollection ? trackCollection(state, index, [], []) : null;
  state.relations[index] = value;
  return value;
}

/** The state of a related object, attaching a transient one built with `new`. */
function relatedState(relation: RelationMetadata, object: object): InstanceState | undefined {
  if (object === null || typeof object !== 'object') return undefined;
  const existing = stateOf(object);
  if (existing) return existing;
  if (!(object instanceof (relation.target.target as new () => object))) return undefined;
  return EntityMapper.for(relation.target).attach(object);
}

/** Makes `other`'s side of `relation` (the inverse) include or point at `state`'s object. */
function linkInverse(state: InstanceState, relation: RelationMetadata, other: object): void {
  const inverse = relation.inverse!;
  const target = relatedState(relation, other);
  if (!target) return;
  const j = target.mapper.relationIndex(inverse.propertyName);
  if (j < 0) return;
  const me = state.object;
  if (inverse.isCollection) {
    const collection = target.relations[j];
    if (isUnloaded(collection)) {
      // A new object's collection starts empty; a persistent one's is loaded later, from the database.
      if (target.status === 'transient' || target.status === 'pending') target.relations[j] = trackCollection(target, j, [me], []);
      return;
    }
    const list = collection as RelationCollection;
    if (!list.includes(me)) pushRaw(list, me);
    return;
  }
  const previous = previousToOne(target, j);
  if (previous === me) {
    if (isUnloaded(target.relations[j])) {
      target.session?.relationChanging?.(target, j);
      target.relations[j] = me;
    }
    return;
  }
  // `other` leaves whatever it belonged to before.
  if (previous) detach(relation, previous, other);
  setSlot(target, j, me);
}

/** Makes `other`'s side of `relation` stop including or pointing at `state`'s object. */
function unlinkInverse(state: InstanceState, relation: RelationMetadata, other: object): void {
  const inverse = relation.inverse!;
  const target = stateOf(other);
  if (!target) return;
  const j = target.mapper.relationIndex(inverse.propertyName);
  if (j < 0) return;
  const value = target.relations[j];
  if (isUnloaded(value)) return;
  if (inverse.isCollection) removeRaw(value as RelationCollection, state.object);
  else if (value === state.object) setSlot(target, j, null);
}

/** Takes `item` out of `holder`'s side of `relation` (its old place), without further sync. */
function detach(relation: RelationMetadata, holder: object, item: object): void {
  const state = stateOf(holder);
  if (!state) return;
  const i = state.mapper.relationIndex(relation.propertyName);
  if (i < 0) return;
  const value = state.relations[i];
  if (isUnloaded(value)) return;
  if (relation.isCollection) removeRaw(value as RelationCollection, item);
  else if (value === item) setSlot(state, i, null);
}

/** Collection methods report here: added members link to the owner, removed ones unlink. */
function syncMembership(link: CollectionLink, added: readonly object[], removed: readonly object[]): void {
  const relation = link.state.mapper.relations[link.index]!;
  if (!relation.inverse) return;
  for (const item of removed) unlinkInverse(link.state, relation, item);
  for (const item of added) linkInverse(link.state, relation, item);
}

setCollectionSync(syncMembership);

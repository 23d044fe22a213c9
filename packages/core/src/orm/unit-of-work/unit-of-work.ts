/*
 * One flush: follows save-update cascades to new related objects, fills foreign keys
 * from relationships, then writes in commit order - INSERTs parents first (self-references
 * level by level, cycles through a post-update), UPDATEs of changed columns, DELETEs
 * children first - and reports what it did so the session can finalise or undo.
 */
import { DatabaseError, FlushError } from '../../errors/errors';
import type { EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { fillInsertDefaults } from '../../metadata/insert-defaults';
import { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, stateOf, type InstanceState } from '../state/instance-state';
import { tableOrder } from './commit-order';
import { deleteByParents, deleteRows, insertRows, updateRow, updateRows, type PersistTarget, type QueuedUpdate } from './persister';
import { checkRequired, checkValuesGiven, checkVersionGiven } from './required-values';
import { orderRows } from './row-order';
import { prepareRelationships, type Membership, type RelationshipContext } from './relationship-changes';
import { deleteAssociations, insertAssociations } from './association-rows';

/** What a flush needs from its session. */
export interface FlushContext extends PersistTarget, RelationshipContext {
  /** Every entity of the session's registry, one stable array (the commit order is cached on it). */
  readonly entities: readonly EntityMetadata[];
}

/** What a flush wrote, with the values each state had before it, for finalising or undoing. */
export interface FlushOutcome {
  readonly inserted: readonly InstanceState[];
  readonly updated: readonly InstanceState[];
  readonly deleted: readonly InstanceState[];
  readonly before: ReadonlyMap<InstanceState, readonly unknown[]>;
}

/**
 * A flush failed. `before` lets the session undo the in-memory effects; `written` is false
 * when the failure came before any write statement (a refused value, a relationship rule),
 * so the transaction is as it was and the session can go on.
 */
export class FlushFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly before: ReadonlyMap<InstanceState, readonly unknown[]>,
    readonly written: boolean,
  ) {
    super('flush failed');
  }
}

/** Runs one flush. Throws FlushFailure (wrapping the real error) when it cannot finish. */
export async function flush(ctx: FlushContext): Promise<FlushOutcome> {
  let work: Awaited<ReturnType<typeof prepareRelationships>>;
  try {
    work = await prepareRelationships(ctx);
    checkRows(ctx);
  } catch (error) {
    // Nothing was written; only a failed read (a server error) may have ended the transaction.
    throw new FlushFailure(error, new Map(), error instanceof DatabaseError);
  }
  const memberships = work.memberships;
  const before = new Map<InstanceState, unknown[]>();
  for (const state of ctx.pending) before.set(state, state.values.slice());
  for (const state of ctx.dirty) {
    if (ctx.deleted.has(state)) continue;
    // The committed copy is the state's own, dropped once the flush succeeds: it can serve as is,
    // unless the object is expired (a write then marks entries of it stale during the flush).
    const committed = state.committed;
    before.set(state, committed !== undefined && !state.expired ? committed : (committed ?? state.values).slice());
  }
  const order = tableOrder(ctx.entities);
  const deferred = new Set(order.postUpdate);
  const inserted: InstanceState[] = [];
  const updated: InstanceState[] = [];
  const pendingUpdates = new Map<EntityMapper, Map<number | string, QueuedUpdate[]>>();
  const postUpdates: InstanceState[] = [];
  const now = new Date();
  try {
    const byEntity = groupByEntity([...ctx.pending].filter((s) => !ctx.deleted.has(s)));
    for (const entity of order.entities) {
      const states = byEntity.get(entity);
      if (!states) continue;
      const mapper = EntityMapper.for(entity);
      const levels = order.selfReferencing.includes(entity) ? selfLevels(mapper, states) : [states];
      for (const level of levels) {
        for (const state of level) {
          if (syncForeignKeys(state, memberships, deferred)) postUpdates.push(state);
          applyInsertDefaults(state, now);
          checkRequired(state);
        }
        await insertRows(ctx, mapper, level);
        inserted.push(...level);
      }
    }
    await insertAssociations(ctx, work.pairsAdded, work.pairsRemoved);
    for (const state of ctx.dirty) {
      if (ctx.deleted.has(state) || ctx.pending.has(state)) continue;
      syncForeignKeys(state, memberships, new Set());
      unlinkFromParent(state, work.unparented);
      checkRequired(state);
      const image = before.get(state) ?? state.values;
      const changed = prepareUpdate(state);
      if (changed.length === 0) continue;
      queueUpdate(pendingUpdates, state, changed, prepareVersion(state, changed, image));
      updated.push(state);
    }
    // Rows with the same changed columns go out together: one UPDATE per 500 where no version is checked.
    for (const byColumns of pendingUpdates.values()) {
      for (const group of byColumns.values()) {
        if (group.length > 1 && batchable(group[0]!.state.mapper)) await updateRows(ctx, group[0]!.state.mapper, group);
        else for (const u of group) await updateRow(ctx, u.state.mapper, u.state, u.changed, u.before);
      }
    }
    // Children that joined or left a parent's collection without being changed themselves.
    for (const child of new Set([...memberships.keys(), ...work.unparented.keys()])) {
      if (ctx.pending.has(child) || ctx.dirty.has(child) || ctx.deleted.has(child) || child.status !== 'persistent') continue;
      const snapshot = child.values.slice();
      syncForeignKeys(child, memberships, new Set());
      unlinkFromParent(child, work.unparented);
      const changed = child.values.flatMap((v, i) => (v !== snapshot[i] ? [i] : []));
      if (changed.length === 0) continue;
      before.set(child, snapshot);
      await updateRow(ctx, child.mapper, child, changed, prepareVersion(child, changed, snapshot));
      updated.push(child);
    }
    for (const state of postUpdates) {
      const snapshot = state.values.slice();
      syncForeignKeys(state, memberships, new Set());
      const changed = state.values.flatMap((v, i) => (v !== snapshot[i] ? [i] : []));
      if (changed.length > 0) await updateRow(ctx, state.mapper, state, changed, snapshot);
    }
    await deleteAssociations(ctx, work.pairsRemoved, work.pairsAdded, work.associationsCleared);
    const deleting = [...ctx.deleted].filter((s) => s.status === 'persistent');
    // Rows in a foreign-key cycle lose the key the cycle is broken at first (as on insert), so the DELETEs can go in table order.
    for (const { state, indexes } of cycleKeysToClear(deleting, order.postUpdate, order.selfReferencing)) {
      const image = expectedRow(state);
      const cleared = image.slice();
      for (const i of indexes) cleared[i] = null;
      await updateRow(ctx, state.mapper, state, indexes, image, cleared);
    }
    const deletions = groupByEntity(deleting);
    for (const entity of [...order.entities].reverse()) {
      const states = deletions.get(entity);
      // The held objects go first (their DELETE checks each row), then the rest by foreign key.
      const bulk = work.bulkDeletes.filter((b) => b.relation.target === entity);
      if (!states) {
        for (const b of bulk) await deleteByParents(ctx, b.relation, b.parents);
        continue;
      }
      const mapper = EntityMapper.for(entity);
      if (!order.selfReferencing.includes(entity)) {
        await deleteRows(ctx, mapper, states, expectedRow);
        for (const b of bulk) await deleteByParents(ctx, b.relation, b.parents);
        continue;
      }
      // Children before parents, one statement per level: MySQL checks a self-reference row by row.
      for (const level of deleteLevels(mapper, states).reverse()) await deleteRows(ctx, mapper, level, expectedRow);
      for (const b of bulk) await deleteByParents(ctx, b.relation, b.parents);
    }
    return { inserted, updated, deleted: [...ctx.deleted], before };
  } catch (error) {
    throw new FlushFailure(error, before, true);
  }
}

/**
 * The value checks that need no database, for every row before the first statement: NOT NULL
 * columns nothing fills, and versions assigned as nothing. A refused row then costs nothing.
 */
function checkRows(ctx: FlushContext): void {
  for (const state of ctx.pending) if (!ctx.deleted.has(state)) checkValuesGiven(state, undefined);
  for (const state of ctx.dirty) {
    if (ctx.deleted.has(state) || ctx.pending.has(state)) continue;
    const changed = state.changedColumns();
    if (changed.length === 0) continue;
    checkValuesGiven(state, changed);
    checkVersionGiven(state, changed);
  }
}

/**
 * Sets the state's foreign-key columns from its owning to-one relationships (or the
 * collection it was added to). Returns true when a deferred (post-update) key had to be
 * left NULL because its target is not inserted yet.
 */
function syncForeignKeys(state: InstanceState, memberships: Map<InstanceState, Membership>, deferred: ReadonlySet<RelationMetadata>): boolean {
  let postponed = false;
  const mapper = state.mapper;
  const relations = mapper.relations;
  for (let index = 0; index < relations.length; index++) {
    const relation = relations[index]!;
    if (!relation.owner || relation.joinTable || relation.foreignKey.length === 0) continue;
    const value = state.relations[index];
    if (isUnloaded(value)) continue;
    const target = value === null || value === undefined ? undefined : stateOf(value as object);
    if (target && deferred.size > 0 && !target.mapper.hasIdentity(target.values) && deferred.has(relation)) {
      postponed = true;
      continue;
    }
    writeKey(state, relation, target);
  }
  const membership = memberships.get(state);
  if (membership) {
    const inverse = membership.relation.inverse;
    const index = inverse ? mapper.relationIndex(inverse.propertyName) : -1;
    // The object's own to-one value wins over the collection it sits in. (The key columns are
    // the same either way: a one-to-many's foreign key is its inverse's.)
    if (index < 0 || isUnloaded(state.relations[index])) writeKey(state, membership.relation, membership.parent);
  }
  return postponed;
}

function writeKey(state: InstanceState, relation: RelationMetadata, target: InstanceState | undefined): void {
  const positions = keyPositions(state.mapper, relation);
  for (let k = 0; k < relation.foreignKey.length; k++) {
    const { referenced } = relation.foreignKey[k]!;
    const i = positions.from[k]!;
    const value = target ? target.values[target.mapper === positions.target ? positions.to[k]! : target.mapper.columns.indexOf(referenced)] : null;
    if (target && (value === undefined || value === null)) {
      throw new FlushError(
        `${state.mapper.metadata.name}.${relation.propertyName} points at a ${target.mapper.metadata.name} that has no ${referenced.propertyName ?? referenced.columnName} yet ` +
          '(it is not in the session, or it is inserted later). Add the related object to the session (cascade save-update does this) before flushing.',
      );
    }
    state.write(i, value);
  }
}

function applyInsertDefaults(state: InstanceState, now: Date): void {
  fillInsertDefaults(state.mapper.columns, state.values, now);
}

/** Where a relationship's foreign-key columns sit here (`from`) and, in the target's mapper, the columns they reference (`to`). */
interface KeyPositions {
  readonly target: EntityMapper;
  readonly from: readonly number[];
  readonly to: readonly number[];
}

const keyPositionCache = new WeakMap<EntityMapper, Map<RelationMetadata, KeyPositions>>();

function keyPositions(mapper: EntityMapper, relation: RelationMetadata): KeyPositions {
  let byRelation = keyPositionCache.get(mapper);
  if (!byRelation) keyPositionCache.set(mapper, (byRelation = new Map()));
  let positions = byRelation.get(relation);
  if (!positions) {
    const target = EntityMapper.for(relation.target);
    positions = {
      target,
      from: relation.foreignKey.map((fk) => mapper.columns.indexOf(fk.column)),
      to: relation.foreignKey.map((fk) => target.columns.indexOf(fk.referenced)),
    };
    byRelation.set(relation, positions);
  }
  return positions;
}

/** Stamps update time; returns the changed column indexes (the version is moved on by prepareVersion). */
function prepareUpdate(state: InstanceState): number[] {
  const changed = state.changedColumns();
  if (changed.length === 0) return changed;
  const { columns } = state.mapper;
  for (let i = 0; i < columns.length; i++) {
    if (columns[i]!.role === 'updateDate' && !changed.includes(i)) {
      state.values[i] = new Date();
      changed.push(i);
    }
  }
  return changed;
}

/**
 * Moves a versioned row's version on by one from the version the UPDATE expects, and
 * returns the values the row is found by. The expected version is the one the application
 * assigned, when it assigned one (a version a client sent back, or one `merge` carried in),
 * else the one loaded: the UPDATE matches it, so a stale expectation raises StaleDataError
 * and a version never goes backwards.
 */
function prepareVersion(state: InstanceState, changed: number[], before: readonly unknown[]): readonly unknown[] {
  const version = state.mapper.metadata.versionColumn;
  if (!version) return before;
  const i = state.mapper.columns.indexOf(version);
  const assigned = changed.includes(i);
  const expected = assigned ? state.values[i] : before[i];
  state.values[i] = Number(expected ?? 0) + 1;
  if (!assigned) changed.push(i);
  if (!assigned || expected === before[i]) return before;
  const found = before.slice();
  found[i] = expected;
  return found;
}

/** The values a deleted row is found by: as loaded, with the version the application assigned, if it assigned one. */
function expectedRow(state: InstanceState): readonly unknown[] {
  const loaded = state.committed ?? state.values;
  const version = state.mapper.metadata.versionColumn;
  if (!version || loaded === state.values) return loaded;
  const i = state.mapper.columns.indexOf(version);
  if (state.values[i] === loaded[i]) return loaded;
  const found = loaded.slice();
  found[i] = state.values[i];
  return found;
}

function groupByEntity(states: readonly InstanceState[]): Map<EntityMetadata, InstanceState[]> {
  const out = new Map<EntityMetadata, InstanceState[]>();
  for (const state of states) {
    const entity = state.mapper.metadata;
    let list = out.get(entity);
    if (!list) out.set(entity, (list = []));
    list.push(state);
  }
  return out;
}

/** Queues an UPDATE, grouped by entity and changed columns. */
function queueUpdate(queue: Map<EntityMapper, Map<number | string, QueuedUpdate[]>>, state: InstanceState, changed: readonly number[], before: readonly unknown[]): void {
  let byColumns = queue.get(state.mapper);
  if (!byColumns) queue.set(state.mapper, (byColumns = new Map()));
  const key = columnsKey(changed);
  let group = byColumns.get(key);
  if (!group) byColumns.set(key, (group = []));
  group.push({ state, changed, before });
}

/** A key for a set of column indexes: a bit mask while they fit in one, else their list as text. */
function columnsKey(indexes: readonly number[]): number | string {
  let mask = 0;
  for (const i of indexes) {
    if (i >= 30) return indexes.join(',');
    mask |= 1 << i;
  }
  return mask;
}

/** Rows of this entity can share an UPDATE: one key column, no version to check per row. */
function batchable(mapper: EntityMapper): boolean {
  return mapper.keyIndexes.length === 1 && mapper.metadata.versionColumn === undefined;
}

/** Sets to NULL the foreign key of a child that left its parent (and joined no other). */
function unlinkFromParent(state: InstanceState, unparented: ReadonlyMap<InstanceState, RelationMetadata>): void {
  const relation = unparented.get(state);
  if (!relation) return;
  for (const { column } of relation.foreignKey) state.write(state.mapper.columns.indexOf(column), null);
}

/**
 * Self-referencing rows being deleted, in levels by their foreign-key values as the
 * database has them: parents in earlier levels than their children.
 */
function deleteLevels(mapper: EntityMapper, states: InstanceState[]): InstanceState[][] {
  return levelsOf(states, selfParentsOf(mapper, states));
}

/** A self-referencing row's parents among `states`, by its foreign-key values as the database has them. */
function selfParentsOf(mapper: EntityMapper, states: readonly InstanceState[]): (state: InstanceState) => InstanceState[] {
  const selfRelations = mapper.relations.filter((r) => r.owner && !r.joinTable && r.target === mapper.metadata && r.foreignKey.length > 0);
  const byKey = new Map<unknown, InstanceState>();
  for (const state of states) byKey.set(mapper.identityKey(state.committed ?? state.values), state);
  return (state) => {
    const values = state.committed ?? state.values;
    return selfRelations.flatMap((relation) => {
      const key = new Array<unknown>(mapper.columns.length);
      for (const fk of relation.foreignKey) key[mapper.columns.indexOf(fk.referenced)] = values[mapper.columns.indexOf(fk.column)];
      const parent = byKey.get(mapper.identityKey(key));
      return parent && parent !== state ? [parent] : [];
    });
  };
}

/**
 * The foreign keys to set NULL before rows being deleted go: keys written by post-update
 * (the relationship a cross-table cycle is broken at) that are set, and nullable self-references
 * of rows deleted together in a cycle (a -> b -> a), which no order of DELETEs can satisfy
 * on a server that checks keys row by row.
 */
function cycleKeysToClear(
  deleting: readonly InstanceState[],
  postUpdate: readonly RelationMetadata[],
  selfReferencing: readonly EntityMetadata[],
): { state: InstanceState; indexes: number[] }[] {
  const out: { state: InstanceState; indexes: number[] }[] = [];
  const setKeys = (state: InstanceState, relations: readonly RelationMetadata[]): number[] => {
    const image = state.committed ?? state.values;
    return relations.flatMap((relation) => {
      const indexes = relation.foreignKey.map((fk) => state.mapper.columns.indexOf(fk.column));
      return indexes.every((i) => state.mapper.columns[i]!.nullable) && indexes.some((i) => image[i] !== null && image[i] !== undefined) ? indexes : [];
    });
  };
  if (postUpdate.length > 0) {
    for (const state of deleting) {
      const indexes = setKeys(state, postUpdate.filter((r) => r.entity === state.mapper.metadata));
      if (indexes.length > 0) out.push({ state, indexes });
    }
  }
  for (const [entity, states] of groupByEntity(deleting.filter((s) => selfReferencing.includes(s.mapper.metadata)))) {
    const mapper = EntityMapper.for(entity);
    const selfRelations = mapper.relations.filter((r) => r.owner && !r.joinTable && r.target === entity && r.foreignKey.length > 0);
    const { cyclic } = orderRows(states, selfParentsOf(mapper, states));
    for (const state of cyclic) {
      const indexes = setKeys(state, selfRelations);
      if (indexes.length > 0) out.push({ state, indexes });
    }
  }
  return out;
}

/** Rows in levels by `parentsOf`: each row one level below its deepest parent in the batch. */
function levelsOf(states: InstanceState[], parentsOf: (state: InstanceState) => InstanceState[]): InstanceState[][] {
  const { ordered, cyclic } = orderRows(states, parentsOf);
  const depth = new Map<InstanceState, number>();
  const levels: InstanceState[][] = [];
  for (const state of [...cyclic, ...ordered]) {
    const d = Math.max(-1, ...parentsOf(state).map((p) => depth.get(p) ?? -1)) + 1;
    depth.set(state, d);
    (levels[d] ??= []).push(state);
  }
  return levels.filter(Boolean);
}

/** Self-referencing rows in levels: parents in earlier levels than their children. */
function selfLevels(mapper: EntityMapper, states: InstanceState[]): InstanceState[][] {
  const inBatch = new Set(states);
  const selfRelations = mapper.relations.flatMap((r, i) => (r.owner && !r.joinTable && r.target === mapper.metadata ? [i] : []));
  const parentsOf = (state: InstanceState): InstanceState[] =>
    selfRelations.flatMap((i) => {
      const value = state.relations[i];
      const parent = value && !isUnloaded(value) ? stateOf(value as object) : undefined;
      return parent && inBatch.has(parent) ? [parent] : [];
    });
  return levelsOf(states, parentsOf);
}

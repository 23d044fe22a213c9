/*
 * The planning half of a flush: from the session's changes and the relationship work
 * (relationship-changes.ts), decides every write and its order - INSERTs parents first
 * (self-references level by level, cycles through a post-update), association rows,
 * UPDATEs of changed columns, DELETEs children first - without a connection or a driver.
 * It writes into the objects the values it decides (foreign keys, insert defaults, update
 * stamps, next versions), saving each object's values first, so a failure or a preview
 * can put them back; values only the database can give are placeholders in the commands.
 */
import type { EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { fillInsertDefaults } from '../../metadata/insert-defaults';
import { EntityMapper } from '../state/entity-mapper';
import type { InstanceState } from '../state/instance-state';
import { planAssociations } from './association-plan';
import { tableOrder, type CommitOrder } from './commit-order';
import { type FlushCommand, type FlushPlan, type InsertCommand, Placeholders, type UpdateRow } from './flush-plan';
import { KeyLinks, syncForeignKeys, unlinkFromParent } from './foreign-keys';
import { checkRequired, checkValuesGiven, checkVersionGiven } from './required-values';
import type { RelationshipWork } from './relationship-changes';
import { cycleKeysToClear, deleteLevels, groupByEntity, selfLevels } from './row-levels';

/** The session's changes a flush writes. */
export interface FlushChanges {
  readonly pending: ReadonlySet<InstanceState>;
  readonly dirty: ReadonlySet<InstanceState>;
  readonly deleted: ReadonlySet<InstanceState>;
  /** Every entity of the session's registry, one stable array (the commit order is cached on it). */
  readonly entities: readonly EntityMetadata[];
}

const NO_DEFERRED: ReadonlySet<RelationMetadata> = new Set();

/**
 * Plans one flush. Throws (before anything is written, with the objects as they were) when
 * a row cannot be written as it is. With `preview`, the objects are put back as they were
 * afterwards too: the plan describes the next flush without changing anything.
 */
export function planFlush(changes: FlushChanges, work: RelationshipWork, options: { readonly preview?: boolean } = {}): FlushPlan {
  const planner = new FlushPlanner(changes, work);
  const saved = savedValues(changes, work);
  try {
    checkRows(changes);
    const postponed = planner.inserts(new Date());
    const associations = planAssociations(work, planner.placeholders);
    planner.commands.push(...associations.links);
    planner.updates();
    planner.postUpdates(postponed);
    planner.commands.push(...associations.unlinks);
    planner.deletes();
    return planner.plan();
  } catch (error) {
    restore(saved, changes, planner.snapshots);
    throw error;
  } finally {
    if (options.preview) restore(saved, changes, planner.snapshots);
  }
}

/** An object's column values (and loaded values) as they were before planning. */
type Saved = Map<InstanceState, { readonly values: readonly unknown[]; readonly snapshot: readonly unknown[] | undefined }>;

/** The values planning may write into, of objects already in the database: changed ones, and children joining or leaving a collection. */
function savedValues(changes: FlushChanges, work: RelationshipWork): Saved {
  const saved: Saved = new Map();
  const save = (state: InstanceState) => {
    // An expired object's loaded values are marked in place when written: keep a copy of those.
    if (!saved.has(state)) saved.set(state, { values: state.values.slice(), snapshot: state.expired ? state.snapshot?.slice() : state.snapshot });
  };
  for (const state of changes.dirty) save(state);
  for (const state of work.memberships.keys()) save(state);
  for (const state of work.unparented.keys()) save(state);
  return saved;
}

function restore(saved: Saved, changes: FlushChanges, snapshots: ReadonlyMap<InstanceState, readonly unknown[]>): void {
  // A new object's snapshot is a copy of its values as they were.
  for (const state of changes.pending) {
    const values = snapshots.get(state);
    if (values) state.rewind(values, { snapshot: undefined });
  }
  for (const [state, { values, snapshot }] of saved) state.rewind(values, { snapshot });
}

/** One flush's plan as it is built, one method per phase. */
class FlushPlanner {
  readonly snapshots: Map<InstanceState, unknown[]>;
  readonly placeholders: Placeholders;
  readonly commands: FlushCommand[] = [];
  readonly #links: KeyLinks;
  readonly #order: CommitOrder;
  readonly #inserted: InstanceState[] = [];
  readonly #updated: InstanceState[] = [];

  constructor(
    readonly changes: FlushChanges,
    readonly work: RelationshipWork,
  ) {
    this.snapshots = snapshotsOf(changes);
    this.placeholders = new Placeholders((state) => changes.pending.has(state) && !changes.deleted.has(state));
    this.#links = new KeyLinks(this.placeholders);
    this.#order = tableOrder(changes.entities);
  }

  plan(): FlushPlan {
    const { commands, snapshots, placeholders } = this;
    return { commands, snapshots, placeholders, inserted: this.#inserted, updated: this.#updated, deleted: [...this.changes.deleted] };
  }

  /** New rows, parents first; returns the rows whose cycle key waits for a post-update. */
  inserts(now: Date): InstanceState[] {
    const { pending, deleted } = this.changes;
    const order = this.#order;
    const links = this.#links;
    const deferred = new Set(order.postUpdate);
    const byEntity = groupByEntity([...pending].filter((s) => !deleted.has(s)));
    const levels: { mapper: EntityMapper; states: InstanceState[] }[] = [];
    for (const entity of order.entities) {
      const states = byEntity.get(entity);
      if (!states) continue;
      const mapper = EntityMapper.for(entity);
      for (const level of order.selfReferencing.includes(entity) ? selfLevels(mapper, states) : [states]) {
        levels.push({ mapper, states: level });
      }
    }
    const postponed: InstanceState[] = [];
    for (const { mapper, states } of levels) {
      for (const state of states) {
        if (syncForeignKeys(state, this.work.memberships, deferred, links)) postponed.push(state);
        fillInsertDefaults(state.mapper.columns, state.values, now);
        checkRequired(state, links.of(state));
      }
      this.commands.push(...insertCommands(mapper, states, links));
      this.#inserted.push(...states);
    }
    return postponed;
  }

  /** UPDATEs of changed rows, then of children that only joined or left a collection. */
  updates(): void {
    const { pending, dirty, deleted } = this.changes;
    const { memberships, unparented } = this.work;
    const links = this.#links;
    const queue = new Map<EntityMapper, Map<number | string, UpdateRow[]>>();
    // The set grows while this runs (a foreign key written marks its object dirty): those are visited too.
    for (const state of dirty) {
      if (deleted.has(state) || pending.has(state)) continue;
      syncForeignKeys(state, memberships, NO_DEFERRED, links);
      unlinkFromParent(state, unparented, links);
      checkRequired(state, links.of(state));
      const snapshot = this.snapshots.get(state) ?? state.values;
      const changed = prepareUpdate(state, links);
      if (changed.length === 0) continue;
      queueUpdate(queue, updateRow(state, changed, prepareVersion(state, changed, snapshot), links));
      this.#updated.push(state);
    }
    // Rows with the same changed columns go out together where no version is checked per row.
    for (const byColumns of queue.values()) {
      for (const rows of byColumns.values()) {
        const mapper = rows[0]!.state.mapper;
        if (rows.length > 1 && batchable(mapper)) this.commands.push({ kind: 'update', mapper, rows, batched: true });
        else for (const row of rows) this.commands.push({ kind: 'update', mapper, rows: [row], batched: false });
      }
    }
    // Children that joined or left a parent's collection without being changed themselves.
    for (const child of new Set([...memberships.keys(), ...unparented.keys()])) {
      if (pending.has(child) || dirty.has(child) || deleted.has(child) || child.status !== 'persistent') continue;
      const snapshot = child.values.slice();
      syncForeignKeys(child, memberships, NO_DEFERRED, links);
      unlinkFromParent(child, unparented, links);
      const changed = changedSince(child, snapshot, undefined, links);
      if (changed.length === 0) continue;
      this.snapshots.set(child, snapshot);
      this.commands.push({ kind: 'update', mapper: child.mapper, rows: [updateRow(child, changed, prepareVersion(child, changed, snapshot), links)], batched: false });
      this.#updated.push(child);
    }
  }

  /** The cycle keys new rows were inserted without, now that both rows exist. */
  postUpdates(states: readonly InstanceState[]): void {
    const links = this.#links;
    for (const state of states) {
      const snapshot = state.values.slice();
      const linked = [...(links.of(state) ?? [])];
      // The row is found by the key it is inserted with, generated or not.
      const found = snapshot.map((v, i) => linked[i] ?? this.placeholders.of(state, i) ?? v);
      syncForeignKeys(state, this.work.memberships, NO_DEFERRED, links);
      const changed = changedSince(state, snapshot, linked, links);
      if (changed.length > 0) this.commands.push({ kind: 'post-update', mapper: state.mapper, rows: [updateRow(state, changed, found, links)], batched: false });
    }
  }

  /**
   * DELETEs in reverse commit order: foreign keys of key cycles cleared first, then per table
   * the held objects (their DELETE checks each row) and the unloaded children by foreign key.
   */
  deletes(): void {
    const order = this.#order;
    const deleting = [...this.changes.deleted].filter((s) => s.status === 'persistent');
    // Rows in a foreign-key cycle lose the key the cycle is broken at first (as on insert), so the DELETEs can go in table order.
    for (const { state, indexes } of cycleKeysToClear(deleting, order.postUpdate, order.selfReferencing)) {
      const row = { state, changed: indexes, values: indexes.map(() => null), match: expectedRow(state) };
      this.commands.push({ kind: 'post-update', mapper: state.mapper, rows: [row], batched: false });
    }
    const deletions = groupByEntity(deleting);
    for (const entity of [...order.entities].reverse()) {
      const states = deletions.get(entity);
      if (states) {
        const mapper = EntityMapper.for(entity);
        // Children before parents, one statement per level: MySQL checks a self-reference row by row.
        const levels = order.selfReferencing.includes(entity) ? deleteLevels(mapper, states).reverse() : [states];
        for (const level of levels) this.commands.push({ kind: 'delete', mapper, rows: level.map((state) => ({ state, match: expectedRow(state) })) });
      }
      for (const { relation, parents } of this.work.bulkDeletes) {
        if (relation.target !== entity) continue;
        const keys = parents.map((p) => relation.foreignKey.map((fk) => (p.snapshot ?? p.values)[p.mapper.columns.indexOf(fk.referenced)]));
        this.commands.push({ kind: 'delete-children', relation, mapper: EntityMapper.for(entity), parents, keys });
      }
    }
  }
}

/** Each object's snapshot: copies of new rows' values, the loaded values of changed ones. */
function snapshotsOf(changes: FlushChanges): Map<InstanceState, unknown[]> {
  const snapshots = new Map<InstanceState, unknown[]>();
  for (const state of changes.pending) snapshots.set(state, state.values.slice());
  for (const state of changes.dirty) {
    if (changes.deleted.has(state)) continue;
    // The snapshot is the state's own, dropped once the flush succeeds: it can serve as is,
    // unless the object is expired (a write then marks entries of it stale during the flush).
    const snapshot = state.snapshot;
    snapshots.set(state, snapshot !== undefined && !state.expired ? snapshot : (snapshot ?? state.values).slice());
  }
  return snapshots;
}

/**
 * The value checks that need no database, for every row before the first statement: NOT NULL
 * columns nothing fills, and versions assigned as nothing. A refused row then costs nothing.
 */
function checkRows(changes: FlushChanges): void {
  for (const state of changes.pending) if (!changes.deleted.has(state)) checkValuesGiven(state, undefined);
  for (const state of changes.dirty) {
    if (changes.deleted.has(state) || changes.pending.has(state)) continue;
    const changed = state.changedColumns();
    if (changed.length === 0) continue;
    checkValuesGiven(state, changed);
    checkVersionGiven(state, changed);
  }
}

/** New rows of one level: rows giving the same columns share a command; the others leave theirs to the column's DEFAULT. */
function insertCommands(mapper: EntityMapper, states: readonly InstanceState[], links: KeyLinks): InsertCommand[] {
  const groups = new Map<string, InstanceState[]>();
  for (const state of states) {
    const linked = links.of(state);
    let signature = '';
    for (let i = 0; i < state.values.length; i++) signature += state.values[i] === undefined && linked?.[i] === undefined ? '0' : '1';
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = []));
    group.push(state);
  }
  const commands: InsertCommand[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const columns: number[] = [];
    const generated: number[] = [];
    for (let i = 0; i < first.values.length; i++) (links.valueOf(first, i) === undefined ? generated : columns).push(i);
    const rows = group.map((state) => {
      const linked = links.of(state);
      return linked ? columns.map((i) => linked[i] ?? state.values[i] ?? null) : columns.map((i) => state.values[i] ?? null);
    });
    commands.push({ kind: 'insert', mapper, states: group, columns, generated, rows });
  }
  return commands;
}

/** Stamps update time; returns the changed column indexes (the version is moved on by prepareVersion). */
function prepareUpdate(state: InstanceState, links: KeyLinks): number[] {
  const changed = state.changedColumns();
  const linked = links.of(state);
  if (linked) linked.forEach((value, i) => value !== undefined && !changed.includes(i) && changed.push(i));
  if (changed.length === 0) return changed;
  const { columns } = state.mapper;
  for (let i = 0; i < columns.length; i++) {
    if (columns[i]!.role === 'updateDate' && !changed.includes(i)) {
      state.write(i, new Date());
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
function prepareVersion(state: InstanceState, changed: number[], snapshot: readonly unknown[]): readonly unknown[] {
  const version = state.mapper.metadata.versionColumn;
  if (!version) return snapshot;
  const i = state.mapper.columns.indexOf(version);
  const assigned = changed.includes(i);
  const expected = assigned ? state.values[i] : snapshot[i];
  state.write(i, Number(expected ?? 0) + 1);
  if (!assigned) changed.push(i);
  if (!assigned || expected === snapshot[i]) return snapshot;
  const found = snapshot.slice();
  found[i] = expected;
  return found;
}

/** Columns whose value moved from `snapshot`, or that were linked to a placeholder since `linkedBefore`. */
function changedSince(state: InstanceState, snapshot: readonly unknown[], linkedBefore: readonly unknown[] | undefined, links: KeyLinks): number[] {
  const changed = state.values.flatMap((v, i) => (v !== snapshot[i] ? [i] : []));
  const linked = links.of(state);
  if (linked) linked.forEach((value, i) => value !== undefined && linkedBefore?.[i] !== value && !changed.includes(i) && changed.push(i));
  return changed;
}

function updateRow(state: InstanceState, changed: readonly number[], match: readonly unknown[], links: KeyLinks): UpdateRow {
  const linked = links.of(state);
  return { state, changed, values: changed.map((i) => (linked?.[i] ?? state.values[i]) ?? null), match };
}

/** Queues an UPDATE, grouped by entity and changed columns. */
function queueUpdate(queue: Map<EntityMapper, Map<number | string, UpdateRow[]>>, row: UpdateRow): void {
  let byColumns = queue.get(row.state.mapper);
  if (!byColumns) queue.set(row.state.mapper, (byColumns = new Map<number | string, UpdateRow[]>()));
  const key = columnsKey(row.changed);
  let group = byColumns.get(key);
  if (!group) byColumns.set(key, (group = []));
  group.push(row);
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

/** The values a deleted row is found by: as loaded, with the version the application assigned, if it assigned one. */
function expectedRow(state: InstanceState): readonly unknown[] {
  const loaded = state.snapshot ?? state.values;
  const version = state.mapper.metadata.versionColumn;
  if (!version || loaded === state.values) return loaded.slice();
  const i = state.mapper.columns.indexOf(version);
  const found = loaded.slice();
  found[i] = state.values[i];
  return found;
}

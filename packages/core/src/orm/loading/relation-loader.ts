/*
 * Runs a load plan: the query for the objects themselves (with its joined relationships),
 * then, level by level, one statement per relationship for all the parents at that level
 * (selectin: their keys as one array parameter where the server binds arrays, else in IN
 * lists of at most 500 under its parameter limit; subquery: the original query joined
 * to the children), and puts what came back into the objects. A relationship already
 * loaded since the last commit is kept as it is; one with unflushed changes is never
 * overwritten. Loading a collection also sets each child's side of the pair to its parent.
 */
import type { ColumnMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import {
  allOf,
  anyOf,
  columnRef,
  entitySource,
  equals,
  exprItem,
  inList,
  joinNode,
  namedColumn,
  orderItem,
  param,
  selectNode,
  subquerySource,
  tableSource,
  withSelect,
  type EntitySource,
  type ExprNode,
  type JoinNode,
  type SelectNode,
} from '../../query/internal';
import { linkOf, loadedCollection } from '../state/collection';
import { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, RAISE, stateOf, type InstanceState } from '../state/instance-state';
import { hydrateValues, type HydrationTarget } from './hydrate';
import { readSlice, type Decoders } from '../state/row-values';
import { keyPart, keyText } from '../state/key-text';
import { ListSlot, ParamSlot } from '../../query/query-compiler';
import type { Capabilities } from '../../engine/dialect';
import { keyBatches } from '../statement-batches';
import { entityQuery, Names, relationJoins, type ColumnResolver, type EntityQuery, type ExtraItem } from './entity-query';
import type { LoadPlan, PlanNode } from './load-plan';

/** Rows of an entity query as value arrays in SELECT-list order, with the decoder of each position. */
export interface LoadedRows {
  readonly rows: readonly unknown[][];
  readonly decoders: Decoders;
}

/** What loading needs from its session. */
export interface LoadContext {
  /** Runs a SELECT on the session's connection (its ParamSlot values filled from `values`) and returns its undecoded rows. */
  run(select: SelectNode, values?: readonly unknown[]): Promise<LoadedRows>;
  readonly target: HydrationTarget;
  /** What the server can do: whether key lists bind as one array, how many parameters a statement takes. */
  readonly capabilities: Capabilities;
}

/** The query the top-level objects came from: what a subquery load joins its children to. */
interface Origin {
  readonly base: SelectNode;
  readonly root: EntitySource;
  readonly path: readonly PlanNode[];
}

/** What one entity query produced. */
interface ReadResult {
  /** The query's own objects, each once, in row order. */
  readonly roots: InstanceState[];
  /** Per row: the key it is grouped by (see EntityQuery.keyPositions). */
  readonly keys: unknown[];
  /** Per row: the query's own object. */
  readonly rowRoots: InstanceState[];
  /** The objects each joined step found, each once. */
  readonly byNode: Map<PlanNode, InstanceState[]>;
}

/** Keys per IN list where each key is a parameter of its own (a server without array parameters, or composite keys). */
export const IN_CHUNK = 500;

/** Loads the objects of a SELECT of one entity with the plan; returns them in row order, each once. */
export async function loadQuery(ctx: LoadContext, base: SelectNode, root: EntitySource, plan: LoadPlan): Promise<object[]> {
  const query = entityQuery(base, root, plan.nodes);
  const result = readRows(ctx, query, await ctx.run(query.node));
  await descend(ctx, result.roots, plan.nodes, { base, root, path: [] }, result, false);
  return result.roots.map((state) => state.object);
}

/** Runs a plan's steps for objects already loaded (a tuple query's entities, session.get, session.load). */
export async function loadPlanFor(ctx: LoadContext, parents: readonly InstanceState[], nodes: readonly PlanNode[], force: boolean): Promise<void> {
  await descend(ctx, unique(parents), nodes, undefined, undefined, force);
}

/**
 * The current members of `relation` for each parent, read from the database without
 * touching the objects' relationship values (the flush uses it to learn what a replaced,
 * never-loaded collection held).
 */
export async function fetchRelated(ctx: LoadContext, parents: readonly InstanceState[], relation: RelationMetadata): Promise<Map<InstanceState, object[]>> {
  const index = parents[0]?.mapper.relationIndex(relation.propertyName) ?? -1;
  const step: PlanNode = { relation, index, strategy: 'selectin', innerJoin: false, children: [] };
  const found = new Map<InstanceState, object[]>();
  await selectin(ctx, unique(parents), step, true, (parent, value) => {
    found.set(parent, value === null ? [] : Array.isArray(value) ? value : [value as object]);
    return true;
  });
  return found;
}

async function descend(
  ctx: LoadContext,
  parents: InstanceState[],
  nodes: readonly PlanNode[],
  origin: Origin | undefined,
  result: ReadResult | undefined,
  force: boolean,
): Promise<void> {
  if (parents.length === 0) return;
  for (const step of nodes) {
    const i = step.index;
    if (step.strategy === 'raise') {
      for (const parent of parents) if (parent.relations[i] !== RAISE && isUnloaded(parent.relations[i])) parent.relations[i] = RAISE;
      continue;
    }
    if (step.strategy === 'noload') {
      for (const parent of parents) {
        if (parent.relationFresh(i) || !assignLoaded(parent, i, step.relation.isCollection ? [] : null, false)) continue;
        const link = linkOf(parent.relations[i]);
        if (link) link.partial = true;
      }
      continue;
    }
    const below = origin && { ...origin, path: [...origin.path, step] };
    if (step.strategy === 'joined' && result?.byNode.has(step)) {
      await descend(ctx, result.byNode.get(step)!, step.children, below, result, force);
      continue;
    }
    const loaded =
      step.strategy === 'subquery' && origin
        ? await subquery(ctx, parents, step, origin, force)
        : await selectin(ctx, parents, step, force, (parent, value) => assignLoaded(parent, i, value, force));
    await descend(ctx, loaded.children, step.children, below, loaded.result, force);
  }
}

/** Reads an entity query's rows into objects and puts joined relationships in place. */
function readRows(ctx: LoadContext, query: EntityQuery, loaded: LoadedRows, into?: ReadResult): ReadResult {
  const { slots, keyPositions } = query;
  const { rows, decoders } = loaded;
  const result: ReadResult = into ?? { roots: [], keys: [], rowRoots: [], byNode: new Map() };
  // A row that is one entity's columns and nothing else is decoded in place and kept as its values.
  const whole = slots.length === 1 && slots[0]!.start === 0 && decoders.decode.length === slots[0]!.mapper.columns.length;
  // From one table without joins, each row is another object: only joins (or several FROM items) repeat one.
  const seen = slots.length > 1 || query.node.joins.length > 0 || query.node.from.length > 1 ? new Set<InstanceState>(into?.roots) : undefined;
  // Per joined slot: what each parent collected.
  const collected = slots.map(() => new Map<InstanceState, { items: object[]; seen: Set<object> }>());
  const current = new Array<InstanceState | undefined>(slots.length);
  for (const row of rows) {
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      let parent: InstanceState | undefined;
      if (s > 0) {
        parent = current[slot.parent];
        if (parent === undefined) {
          current[s] = undefined;
          continue;
        }
      }
      let state: InstanceState | undefined;
      if (s === 0 || !allNull(row, slot.keyPositions)) {
        // Keys are read before an in-place decode replaces the row's values.
        if (s === 0 && keyPositions.length > 0) result.keys.push(keyAt(row, keyPositions, decoders));
        const values = whole ? decodeInPlace(row, decoders) : readSlice(row, slot.start, slot.mapper.columns.length, decoders);
        state = hydrateValues(ctx.target, slot.mapper, values);
      }
      current[s] = state;
      if (s === 0) {
        if (seen === undefined) result.roots.push(state!);
        else if (!seen.has(state!)) {
          seen.add(state!);
          result.roots.push(state!);
        }
        result.rowRoots.push(state!);
        continue;
      }
      let entry = collected[s]!.get(parent!);
      if (!entry) collected[s]!.set(parent!, (entry = { items: [], seen: new Set() }));
      if (state && !entry.seen.has(state.object)) {
        entry.seen.add(state.object);
        entry.items.push(state.object);
      }
    }
  }
  for (let s = 1; s < slots.length; s++) {
    const step = slots[s]!.node!;
    let children = result.byNode.get(step);
    if (!children) result.byNode.set(step, (children = []));
    for (const [parent, entry] of collected[s]!) {
      assignLoaded(parent, step.index, step.relation.isCollection ? entry.items : (entry.items[0] ?? null), false);
      for (const object of entry.items) children.push(stateOf(object)!);
    }
  }
  return result;
}

/** The grouping key of a row: the decoded value at one position, or the key text of several. */
function keyAt(row: readonly unknown[], positions: readonly number[], decoders: Decoders): unknown {
  if (positions.length === 1) return keyPart(decodeAt(row, positions[0]!, decoders));
  return keyText(positions.map((p) => decodeAt(row, p, decoders)));
}

function decodeAt(row: readonly unknown[], at: number, decoders: Decoders): unknown {
  const value = row[at];
  const read = decoders.decode[at];
  return value === null || value === undefined ? null : read === undefined || typeof value === decoders.passes[at] ? value : read(value);
}

/** Decodes every value of a row in place and returns it. */
function decodeInPlace(row: unknown[], decoders: Decoders): unknown[] {
  for (let i = 0; i < row.length; i++) row[i] = decodeAt(row, i, decoders);
  return row;
}

function allNull(row: readonly unknown[], positions: readonly number[]): boolean {
  for (const i of positions) if (row[i] !== null && row[i] !== undefined) return false;
  return true;
}

/**
 * Puts a loaded value into a relationship unless it is already loaded since the last commit
 * (or `force`), or holds changes not yet flushed. Collection children get their side of
 * the pair set to the parent. Returns true when the value was put.
 */
export function assignLoaded(parent: InstanceState, index: number, value: object[] | object | null, force: boolean): boolean {
  const current = parent.relations[index];
  if (!force && parent.relationFresh(index)) return false;
  if (linkOf(current)?.snapshot !== undefined) return false;
  const relation = parent.mapper.relations[index]!;
  parent.relations[index] = relation.isCollection ? loadedCollection(parent, index, value as object[]) : value;
  parent.relationLoaded(index);
  const inverse = relation.inverse;
  if (inverse && !inverse.isCollection && value !== null) {
    for (const child of Array.isArray(value) ? value : [value]) {
      const state = stateOf(child);
      if (!state) continue;
      const j = state.mapper.relationIndex(inverse.propertyName);
      if (j < 0 || state.relationFresh(j) || linkOf(state.relations[j])) continue;
      state.relations[j] = parent.object;
      state.relationLoaded(j);
    }
  }
  return true;
}

/** The columns of the parent entity a relationship's join reads. */
function parentColumns(relation: RelationMetadata): ColumnMetadata[] {
  if (relation.joinTable) return relation.joinTable.ownerColumns.map((c) => c.referenced);
  return relation.owner ? relation.foreignKey.map((fk) => fk.column) : relation.foreignKey.map((fk) => fk.referenced);
}

/** A parent's key for a relationship: the values of those columns, or undefined when one is NULL. */
function parentKey(state: InstanceState, columns: readonly ColumnMetadata[]): unknown {
  if (columns.length === 1) {
    const value = state.values[state.mapper.columns.indexOf(columns[0]!)];
    return value === null || value === undefined ? undefined : keyPart(value);
  }
  const parts = columns.map((c) => state.values[state.mapper.columns.indexOf(c)]);
  return parts.some((p) => p === null || p === undefined) ? undefined : keyText(parts);
}

/** The parents' raw key values (one array per distinct key), for binding. */
type KeyGroups = Map<unknown, { values: unknown[]; parents: InstanceState[] }>;

/**
 * Loads one relationship for many parents with IN queries (also the `select` strategy's
 * explicit session.load). `put` stores each parent's value. Returns the related objects
 * (of every parent, fresh ones included, so deeper steps reach them) and the read result
 * of the queries (for their joined steps).
 */
async function selectin(
  ctx: LoadContext,
  parents: InstanceState[],
  step: PlanNode,
  force: boolean,
  put: (parent: InstanceState, value: object[] | object | null) => boolean,
): Promise<{ children: InstanceState[]; result: ReadResult | undefined }> {
  const { relation, index } = step;
  const children: InstanceState[] = [];
  const keyColumns = parentColumns(relation);
  const groups: KeyGroups = new Map();
  for (const parent of parents) {
    const fresh = !force && (parent.relationFresh(index) || linkOf(parent.relations[index])?.snapshot !== undefined);
    if (fresh) {
      collect(children, parent.relations[index]);
      continue;
    }
    if (parent.status === 'pending' || parent.status === 'transient') continue;
    const key = parentKey(parent, keyColumns);
    if (key === undefined) {
      // A NULL foreign key: nothing related. (A NULL parent key cannot own children.)
      put(parent, relation.isCollection ? [] : null);
      continue;
    }
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { values: keyColumns.map((c) => parent.values[parent.mapper.columns.indexOf(c)]), parents: [] }));
    group.parents.push(parent);
  }
  if (groups.size === 0) return { children, result: undefined };

  const target = relation.target;
  const targetMapper = EntityMapper.for(target);
  const toOne = relation.owner && relation.joinTable === undefined;
  if (toOne && referencesPrimaryKey(relation, targetMapper)) {
    // Many-to-one targets already in the session need no SQL.
    for (const [key, group] of groups) {
      const held = ctx.target.identity.get(target, identityOf(targetMapper, relation, group.values));
      // An expired target is loaded again, so the relationship shows what the database has now.
      if (!held || held.expired) continue;
      for (const parent of group.parents) put(parent, held.object);
      children.push(held);
      groups.delete(key);
    }
    if (groups.size === 0) return { children, result: undefined };
  }

  const root = entitySource(target);
  const joined = step.children.filter((c) => c.strategy === 'joined');
  // Related rows come once per parent key unless joined steps repeat them.
  const repeats = joined.length > 0;
  const found = new Map<unknown, { items: object[]; seen: Set<object> | undefined }>();
  let result: ReadResult | undefined;
  const entries = [...groups.values()];
  const batches = keyBatches(ctx.capabilities, keyColumns.length, IN_CHUNK);
  for (let at = 0; at < entries.length; at += batches.perStatement) {
    const chunk = entries.slice(at, at + batches.perStatement);
    // One statement shape per step (keys as one array) or per step and key count (a slot per value): built and compiled once.
    const query = inListQuery(step, root, joined, batches.array ? ARRAY : chunk.length, keyColumns.length);
    const values: unknown[] = [];
    if (batches.array) values.push(chunk.map((group) => group.values[0]));
    else for (const group of chunk) values.push(...group.values);
    result = readRows(ctx, query, await ctx.run(query.node, values), result);
    const { rowRoots, keys } = result;
    for (let r = 0; r < rowRoots.length; r++) {
      const object = rowRoots[r]!.object;
      let entry = found.get(keys[r]);
      if (!entry) found.set(keys[r], (entry = { items: [], seen: repeats ? new Set() : undefined }));
      if (entry.seen?.has(object)) continue;
      entry.seen?.add(object);
      entry.items.push(object);
    }
    result.rowRoots.length = 0;
    result.keys.length = 0;
  }
  for (const [key, group] of groups) {
    const items = found.get(key)?.items ?? [];
    // Parents sharing a key get a collection each; a parent alone takes the list as it is.
    const shared = group.parents.length > 1;
    for (const parent of group.parents) put(parent, relation.isCollection ? (shared ? [...items] : items) : (items[0] ?? null));
  }
  if (result) children.push(...result.roots);
  return { children: unique(children), result };
}

const inListQueries = new WeakMap<PlanNode, Map<number, EntityQuery>>();

/** The key count of the IN-list query whose keys are one array (a ListSlot), whatever their number. */
const ARRAY = 0;

/** The IN-list query of a step for `count` parent keys of `width` columns, with ParamSlot keys (ARRAY: one ListSlot). */
function inListQuery(step: PlanNode, root: EntitySource, joined: readonly PlanNode[], count: number, width: number): EntityQuery {
  let byCount = inListQueries.get(step);
  if (!byCount) inListQueries.set(step, (byCount = new Map()));
  let query = byCount.get(count);
  if (query) return query;
  const slots = count === ARRAY ? new ListSlot(0) : Array.from({ length: count }, (_, r) => Array.from({ length: width }, (_, c) => new ParamSlot(r * width + c)));
  const { where, joins, extras, keyColumns } = inQuery(step.relation, root, slots);
  query = entityQuery(baseSelect(root, joins, where, relationOrder(step.relation, root)), root, joined, extras, keyColumns);
  byCount.set(count, query);
  return query;
}

/**
 * WHERE (and joins) selecting the related rows of the given parent keys (or of a ListSlot
 * holding single-column keys), and where each row shows its parent's key: the association
 * table's columns as extras for a many-to-many, else columns of the related entity itself
 * (`keyColumns`), selected once.
 */
function inQuery(
  relation: RelationMetadata,
  root: EntitySource,
  keys: readonly unknown[][] | ListSlot,
): { where: ExprNode; joins: JoinNode[]; extras: ExtraItem[]; keyColumns: ColumnMetadata[] } {
  const joinTable = relation.joinTable;
  let columns: ExprNode[];
  let metas: ColumnMetadata[];
  const joins: JoinNode[] = [];
  if (joinTable) {
    // The association table, joined from the target's side: link.target_cols = target.referenced.
    const link = tableSource(joinTable.tableName);
    const linkColumn = (name: string, column: ColumnMetadata): ExprNode => namedColumn(link, name, column);
    joins.push(joinNode('inner', link, allOf(joinTable.targetColumns.map((c) => equals(linkColumn(c.name, c.referenced), columnRef(root, c.referenced))))));
    columns = joinTable.ownerColumns.map((c) => linkColumn(c.name, c.referenced));
    metas = joinTable.ownerColumns.map((c) => c.referenced);
  } else if (relation.owner) {
    metas = relation.foreignKey.map((fk) => fk.referenced);
    columns = metas.map((c) => columnRef(root, c));
  } else {
    metas = relation.foreignKey.map((fk) => fk.column);
    columns = metas.map((c) => columnRef(root, c));
  }
  const extras = joinTable ? columns.map((expr, i) => ({ key: `_key${i}`, expr })) : [];
  const where =
    keys instanceof ListSlot
      ? inList(columns[0]!, [param(keys, metas[0])])
      : columns.length === 1
        ? inList(columns[0]!, keys.map((k) => param(k[0], metas[0])))
        : anyOf(keys.map((k) => allOf(columns.map((c, i) => equals(c, param(k[i], metas[i]))))));
  return { where, joins, extras, keyColumns: joinTable ? [] : metas };
}

/**
 * The `subquery` strategy: the original query, reduced to the keys the first step joins
 * on, becomes a subquery; the path's relationships join to it; the last one's rows come
 * back with their parents' keys.
 */
async function subquery(ctx: LoadContext, parents: InstanceState[], step: PlanNode, origin: Origin, force: boolean): Promise<{ children: InstanceState[]; result: ReadResult | undefined }> {
  const path = [...origin.path, step];
  const names = new Names(origin.base);
  const rootColumns = parentColumns(path[0]!.relation);
  // The original query reduced to the keys: its ORDER BY only matters under LIMIT / OFFSET, and
  // a DISTINCT one must select what it orders by (PostgreSQL and MySQL insist).
  const limited = origin.base.limit !== undefined || origin.base.offset !== undefined;
  const keyItems = rootColumns.map((c, i) => exprItem(`_s${i}`, columnRef(origin.root, c)));
  const orderItems = limited && origin.base.distinct ? origin.base.orderBy.map((o, i) => exprItem(`_so${i}`, o.expr)) : [];
  const inner = withSelect(origin.base, { shape: 'record', items: [...keyItems, ...orderItems], orderBy: limited ? origin.base.orderBy : [] });
  const anon = subquerySource(inner, names.next('anon'));
  let resolve: ColumnResolver = (column) => namedColumn(anon, `_s${rootColumns.indexOf(column)}`, column);
  const joins: JoinNode[] = [];
  let parentResolve = resolve;
  let target: EntitySource | undefined;
  for (const [k, current] of path.entries()) {
    const entity = current.relation.target;
    target = entitySource(entity, names.next(entity.tableName));
    for (const join of relationJoins(current.relation, resolve, target, () => names.next(current.relation.joinTable!.tableName, 'link'))) {
      joins.push(joinNode('inner', join.source, join.on));
    }
    if (k === path.length - 1) break;
    const level = target;
    parentResolve = (column) => columnRef(level, column);
    resolve = parentResolve;
  }
  if (path.length === 1) parentResolve = resolve;
  const keyColumns = parentColumns(step.relation);
  const extras = keyColumns.map((c, i) => ({ key: `_key${i}`, expr: parentResolve(c) }));
  const base = withSelect(baseSelect(target!, joins, undefined, relationOrder(step.relation, target!)), { from: [anon] });
  const query = entityQuery(base, target!, step.children.filter((c) => c.strategy === 'joined'), extras);
  const result = readRows(ctx, query, await ctx.run(query.node));
  const found = new Map<unknown, Set<object>>();
  result.rowRoots.forEach((state, r) => {
    const key = result.keys[r];
    let items = found.get(key);
    if (!items) found.set(key, (items = new Set()));
    items.add(state.object);
  });
  for (const parent of parents) {
    const key = parentKey(parent, keyColumns);
    const items = key === undefined ? [] : [...(found.get(key) ?? [])];
    assignLoaded(parent, step.index, step.relation.isCollection ? [...items] : (items[0] ?? null), force);
  }
  return { children: result.roots, result };
}

function baseSelect(root: EntitySource, joins: readonly JoinNode[], where: ExprNode | undefined, orderBy: SelectNode['orderBy']): SelectNode {
  return selectNode({ from: [root], joins, where, orderBy });
}

/** A collection's declared order (`orderBy` on the relationship), on the given source. */
function relationOrder(relation: RelationMetadata, source: EntitySource): SelectNode['orderBy'] {
  return Object.freeze((relation.orderBy ?? []).map((o) => orderItem(columnRef(source, o.column), o.direction)));
}

function referencesPrimaryKey(relation: RelationMetadata, mapper: EntityMapper): boolean {
  const key = mapper.keyIndexes.map((i) => mapper.columns[i]!);
  return relation.foreignKey.length === key.length && relation.foreignKey.every((fk) => key.includes(fk.referenced));
}

/** The identity-map key of the target a to-one's foreign-key values point at. */
function identityOf(mapper: EntityMapper, relation: RelationMetadata, values: readonly unknown[]): unknown {
  const row = new Array<unknown>(mapper.columns.length);
  relation.foreignKey.forEach((fk, i) => (row[mapper.columns.indexOf(fk.referenced)] = values[i]));
  return mapper.identityKey(row);
}

function collect(into: InstanceState[], value: unknown): void {
  if (isUnloaded(value) || value === null || value === undefined) return;
  for (const object of Array.isArray(value) ? value : [value]) {
    const state = stateOf(object as object);
    if (state) into.push(state);
  }
}

function unique(states: readonly InstanceState[]): InstanceState[] {
  return [...new Set(states)];
}

/*
 * The `selectin` strategy: the related rows of all the parents at one level, by their keys
 * (one array parameter where the server binds arrays, else IN lists of at most 500 under
 * its parameter limit). Many-to-one targets already in the session need no SQL.
 */
import type { ColumnMetadata, RelationMetadata } from '../../../metadata/entity-metadata';
import { allOf, anyOf, columnRef, entitySource, equals, inList, joinNode, namedColumn, param, tableSource, type EntitySource, type ExprNode, type JoinNode } from '../../../query/internal';
import { ListSlot, ParamSlot } from '../../../query/query-compiler';
import { EntityMapper } from '../../state/entity-mapper';
import { linkOf } from '../../state/collection';
import type { InstanceState } from '../../state/instance-state';
import { keyBatches } from '../../statement-batches';
import { entityQuery, type EntityQuery, type ExtraItem } from '../entity-query';
import { joinsParentQuery, type PlanNode } from '../load-plan';
import { readRows } from '../read-rows';
import { baseSelect, relationOrder } from '../related-select';
import { assignLoaded, collect, parentColumns, parentKey, unique } from '../relation-values';
import type { LoadContext, LoadMode, ReadResult, StepLoaded, StepLoader } from '../step-loader';

/** Keys per IN list where each key is a parameter of its own (a server without array parameters, or composite keys). */
export const IN_CHUNK = 500;

/** The parents' raw key values (one array per distinct key), for binding. */
type KeyGroups = Map<unknown, { values: unknown[]; parents: InstanceState[] }>;

/** One load by parent keys: the parents, the step, and where each parent's value goes. */
export interface KeyLoad extends LoadMode {
  readonly ctx: LoadContext;
  readonly parents: InstanceState[];
  readonly step: PlanNode;
  /** Stores a parent's loaded value; returns whether it was stored. */
  readonly put: (parent: InstanceState, value: object[] | object | null) => boolean;
}

/**
 * The `selectin` strategy, and the fallback of the others where they cannot run (a joined
 * step for objects already in hand, a subquery step without an original query): one IN
 * query per batch of parent keys.
 */
export const selectinLoader: StepLoader = {
  load: (run) => loadByKeys({ ...run, put: (parent, value) => assignLoaded(parent, run.step.index, value, run) }),
};

/**
 * Loads one relationship for many parents with IN queries (also the `select` strategy's
 * explicit session.load). `put` stores each parent's value. Returns the related objects
 * (of every parent, fresh ones included, so deeper steps reach them) and the read result
 * of the queries (for their joined steps).
 */
export async function loadByKeys({ ctx, parents, step, refresh, put }: KeyLoad): Promise<StepLoaded> {
  const { relation, index } = step;
  const children: InstanceState[] = [];
  const keyColumns = parentColumns(relation);
  const groups: KeyGroups = new Map();
  for (const parent of parents) {
    const fresh = !refresh && (parent.relationFresh(index) || linkOf(parent.relations[index])?.snapshot !== undefined);
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
  const joined = step.children.filter(joinsParentQuery);
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
  if (!byCount) inListQueries.set(step, (byCount = new Map<number, EntityQuery>()));
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

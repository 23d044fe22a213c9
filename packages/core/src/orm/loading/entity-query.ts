/*
 * Builds the SELECT that loads one entity together with its joined-eager relationships:
 * every column gets a label of its own, the relationships are LEFT OUTER (or INNER) JOINed
 * under fresh aliases, and a query that limits or de-duplicates rows while joining a
 * collection is wrapped first: the original query becomes a subquery (its ORDER BY
 * repeated outside) and the joins attach to it, so LIMIT and DISTINCT count parents.
 */
import type { ColumnMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import {
  allOf,
  columnRef,
  entitySource,
  equals,
  exprItem,
  joinNode,
  namedColumn,
  orderItem,
  selectNode,
  subquerySource,
  tableSource,
  withSelect,
  type EntitySource,
  type ExprNode,
  type FromSource,
  type JoinNode,
  type OrderNode,
  type SelectItem,
  type SelectNode,
  type SubquerySource,
} from '../../query/internal';
import { sourceName } from '../../query/query-nodes';
import { EntityMapper } from '../state/entity-mapper';
import { joinsParentQuery, type PlanNode } from './load-plan';

/** Where one entity's columns sit in the rows of an entity query. */
export interface EntitySlot {
  readonly mapper: EntityMapper;
  /** The row position of the first of the mapper's columns; the others follow in the mapper's order. */
  readonly start: number;
  /** Row positions of the primary-key columns (all NULL: no object, for an outer join that found nothing). */
  readonly keyPositions: readonly number[];
  /** The plan step this slot loads; undefined for the query's own entity. */
  readonly node: PlanNode | undefined;
  /** The slot of the parent object, -1 for the query's own entity. */
  readonly parent: number;
}

/** A compiled-once description of an entity query: its node and how to read its rows. */
export interface EntityQuery {
  readonly node: SelectNode;
  readonly slots: readonly EntitySlot[];
  /**
   * Where each row holds the key its loader groups it by: the extra values opening the row,
   * or columns of the query's own entity. Empty when rows are not grouped.
   */
  readonly keyPositions: readonly number[];
  /** The joined plan steps, in slot order. */
  readonly joined: readonly PlanNode[];
}

/** An extra value selected next to the entity, under a key of its own. */
export interface ExtraItem {
  readonly key: string;
  readonly expr: ExprNode;
}

/** Reads the expression of a parent column: on its table, or through the subquery that wrapped it. */
export type ColumnResolver = (column: ColumnMetadata) => ExprNode;

/** Longest label kept readable; a longer one (PostgreSQL truncates at 63 bytes) becomes a short positional one. */
const MAX_LABEL = 60;
/** Longest table name kept as the stem of an alias, in bytes of UTF-8. */
const MAX_ALIAS_STEM = 40;

/**
 * The query loading `root` (the base's own entity source) with the `joined` steps (and
 * their joined steps), selecting `extras` first. `base` supplies FROM, joins, WHERE,
 * ordering, limits and locks; its selection is replaced. Rows are grouped by the extras,
 * or, when `keyColumns` names some of the root entity's columns, by those.
 */
export function entityQuery(base: SelectNode, root: EntitySource, joined: readonly PlanNode[], extras: readonly ExtraItem[] = [], keyColumns: readonly ColumnMetadata[] = []): EntityQuery {
  const names = new Names(base);
  const rootMapper = EntityMapper.for(root.entity);
  const wrap = (base.limit !== undefined || base.offset !== undefined || base.distinct) && joined.some(multipliesRows);
  const slots: EntitySlot[] = [];
  const items: SelectItem[] = [];
  const joins: JoinNode[] = [];
  const labels = new Set<string>();
  const take = (wanted: string, fallback: string): string => {
    let label = wanted.length <= MAX_LABEL && !labels.has(wanted) ? wanted : fallback;
    for (let n = 2; labels.has(label); n++) label = `${fallback}_${n}`;
    labels.add(label);
    return label;
  };
  extras.forEach((extra, i) => {
    items.push(exprItem(take(extra.key, `_x${i}`), extra.expr));
  });

  let resolveRoot: ColumnResolver = (column) => columnRef(root, column);
  let from: readonly FromSource[] = base.from;
  let baseJoins: readonly JoinNode[] = base.joins;
  let orderBy: readonly OrderNode[] = base.orderBy;
  let outer: Pick<SelectNode, 'where' | 'groupBy' | 'having' | 'limit' | 'offset' | 'lock' | 'distinct' | 'ctes'> = base;
  if (wrap) {
    const wrapped = wrapBase(base, root, names.next('anon'));
    resolveRoot = wrapped.resolve;
    from = [wrapped.source];
    baseJoins = [];
    orderBy = wrapped.orderBy;
    outer = { where: undefined, groupBy: [], having: undefined, limit: undefined, offset: undefined, lock: undefined, distinct: false, ctes: [] };
  }

  const addSlot = (mapper: EntityMapper, resolve: ColumnResolver, prefix: string | undefined, planNode: PlanNode | undefined, parent: number): number => {
    const start = items.length;
    mapper.columns.forEach((column, i) => {
      const label = prefix === undefined ? take(column.columnName, `c${i}`) : take(`${prefix}_${column.columnName}`, `${prefix}_c${i}`);
      items.push(exprItem(label, resolve(column)));
    });
    slots.push(Object.freeze({ mapper, start, keyPositions: mapper.keyIndexes.map((i) => start + i), node: planNode, parent }));
    return slots.length - 1;
  };
  addSlot(rootMapper, resolveRoot, undefined, undefined, -1);

  const joinedNodes: PlanNode[] = [];
  const childOrder: OrderNode[] = [];
  const attach = (children: readonly PlanNode[], parentResolve: ColumnResolver, parentSlot: number): void => {
    for (const child of children) {
      if (!joinsParentQuery(child)) continue;
      const target = child.relation.target;
      const alias = names.next(target.tableName);
      const source = entitySource(target, alias);
      const type = child.innerJoin ? 'inner' : 'left';
      for (const step of relationJoins(child.relation, parentResolve, source, () => names.next(child.relation.joinTable!.tableName, 'link'))) {
        joins.push(joinNode(type, step.source, step.on));
      }
      joinedNodes.push(child);
      const resolve: ColumnResolver = (column) => columnRef(source, column);
      for (const order of child.relation.orderBy ?? []) childOrder.push(orderItem(columnRef(source, order.column), order.direction));
      const slot = addSlot(EntityMapper.for(target), resolve, alias, child, parentSlot);
      attach(child.children, resolve, slot);
    }
  };
  attach(joined, resolveRoot, 0);

  const query = selectNode({
    ...outer,
    shape: 'record',
    items,
    from,
    joins: [...baseJoins, ...joins],
    orderBy: childOrder.length > 0 ? [...orderBy, ...childOrder] : orderBy,
  });
  const keyPositions = keyColumns.length > 0 ? keyColumns.map((column) => slots[0]!.start + rootMapper.columns.indexOf(column)) : extras.map((_, i) => i);
  return Object.freeze({ node: query, slots, keyPositions, joined: joinedNodes });
}

/** True when joining the step (or a joined step below it) can repeat parent rows. */
function multipliesRows(step: PlanNode): boolean {
  if (!joinsParentQuery(step)) return false;
  return step.relation.isCollection || step.children.some(multipliesRows);
}

/**
 * Wraps the base query: it selects the root's columns (and any ORDER BY expression that
 * is not one of them) as a subquery; outside, columns and ordering refer to the subquery.
 */
function wrapBase(base: SelectNode, root: EntitySource, alias: string): { source: SubquerySource; resolve: ColumnResolver; orderBy: OrderNode[] } {
  const items: SelectItem[] = root.entity.columns.map((column) => exprItem(column.columnName, columnRef(root, column)));
  const outerOrder: { index: number; direction: OrderNode['direction']; nulls: OrderNode['nulls']; name: string; column: ColumnMetadata | undefined }[] = [];
  base.orderBy.forEach((order, i) => {
    const expr = order.expr;
    const own = expr.kind === 'column' && isRoot(expr.source, root) && root.entity.columns.some((c) => c.columnName === expr.name);
    if (own) {
      outerOrder.push({ index: i, direction: order.direction, nulls: order.nulls, name: expr.name, column: root.entity.columns.find((c) => c.columnName === expr.name) });
    } else {
      const key = `_order_${i}`;
      items.push(exprItem(key, expr));
      outerOrder.push({ index: i, direction: order.direction, nulls: order.nulls, name: key, column: expr.kind === 'column' ? expr.column : undefined });
    }
  });
  const inner = withSelect(base, { shape: 'record', items });
  const source = subquerySource(inner, alias);
  const resolve: ColumnResolver = (column) => namedColumn(source, column.columnName, column);
  const orderBy = outerOrder.map((o) => orderItem(namedColumn(source, o.name, o.column), o.direction, o.nulls));
  return { source, resolve, orderBy };
}

function isRoot(source: unknown, root: EntitySource): boolean {
  if (source === root) return true;
  const s = source as EntitySource;
  return s?.kind === 'entity' && (s.entity === root.entity || s.entity.target === root.entity.target) && s.alias === root.alias;
}

/** The joins that reach `target` from a parent whose columns `parent` resolves (an association table first for a many-to-many). */
export function relationJoins(relation: RelationMetadata, parent: ColumnResolver, target: EntitySource, linkAlias: () => string): { source: FromSource; on: ExprNode }[] {
  const joinTable = relation.joinTable;
  if (joinTable) {
    const link = tableSource(joinTable.tableName, linkAlias());
    const linkColumn = (name: string, column: ColumnMetadata): ExprNode => namedColumn(link, name, column);
    return [
      { source: link, on: allOf(joinTable.ownerColumns.map((c) => equals(linkColumn(c.name, c.referenced), parent(c.referenced)))) },
      { source: target, on: allOf(joinTable.targetColumns.map((c) => equals(columnRef(target, c.referenced), linkColumn(c.name, c.referenced)))) },
    ];
  }
  const on = relation.owner
    ? allOf(relation.foreignKey.map((fk) => equals(parent(fk.column), columnRef(target, fk.referenced))))
    : allOf(relation.foreignKey.map((fk) => equals(columnRef(target, fk.column), parent(fk.referenced))));
  return [{ source: target, on }];
}

/** Fresh source names that clash with none of the base query's. */
export class Names {
  readonly #taken = new Set<string>();
  #counter = 0;

  constructor(base?: SelectNode) {
    if (base) for (const source of [...base.from, ...base.joins.map((j) => j.source)]) this.#taken.add(sourceName(source));
  }

  /**
   * `${stem}_1`, `${stem}_2`, ... skipping names in use. A stem over 40 bytes of UTF-8 (a
   * long or non-ASCII table name) gives way to `short`: PostgreSQL cuts names at 63 bytes,
   * and two aliases cut alike would clash.
   */
  next(stem: string, short = 't'): string {
    const base = stem.length * 3 <= MAX_ALIAS_STEM || Buffer.byteLength(stem, 'utf8') <= MAX_ALIAS_STEM ? stem : short;
    let name: string;
    do name = `${base}_${++this.#counter}`;
    while (this.#taken.has(name));
    this.#taken.add(name);
    return name;
  }
}

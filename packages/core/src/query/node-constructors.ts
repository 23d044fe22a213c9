/*
 * Typed constructors of the statement nodes in query-nodes.ts: the one place a node's
 * fields and defaults are spelled out. Builders, loaders and the unit of work call these
 * instead of writing object literals, so a new field or node kind touches one file.
 * Every node comes back frozen; lists are frozen (copied first unless already frozen).
 */
import { ArgumentError } from '../errors/errors';
import type { ColumnMetadata, EntityMetadata } from '../metadata/entity-metadata';
import type {
  Assignment,
  BinaryOperator,
  CaseArm,
  CaseNode,
  CompoundNode,
  ConflictNode,
  CteSource,
  DeleteNode,
  EntitySource,
  ExcludedSource,
  ExprNode,
  FromSource,
  InsertNode,
  JoinNode,
  LockNode,
  OrderNode,
  ParamNode,
  QueryNode,
  SelectionNode,
  SelectItem,
  SelectNode,
  SourceNode,
  SubquerySource,
  TableSource,
  UpdateNode,
  ValuesSource,
} from './query-nodes';

/** The one empty list every node without items shares. */
const EMPTY: readonly never[] = Object.freeze([]);

/** A frozen list: the given one when it is frozen already, else a frozen copy (callers may keep appending to theirs). */
export function frozenList<T>(items: readonly T[] | undefined): readonly T[] {
  if (items === undefined || items.length === 0) return EMPTY;
  return Object.isFrozen(items) ? items : Object.freeze([...items]);
}

// ---- sources ----

/** A mapped entity's table as a FROM source; no alias by default (the table's own name). */
export function entitySource(entity: EntityMetadata, alias?: string): EntitySource {
  return Object.freeze({ kind: 'entity', entity, alias });
}

/** A table without an entity of its own (an association table) as a FROM source. */
export function tableSource(table: string, alias?: string): TableSource {
  return Object.freeze({ kind: 'table', table, alias });
}

/** `(query) AS alias` in FROM or JOIN. */
export function subquerySource(query: QueryNode, alias: string): SubquerySource {
  return Object.freeze({ kind: 'subquery', query, alias });
}

/** A common table expression named `name`. */
export function cteSource(query: QueryNode, name: string): CteSource {
  return Object.freeze({ kind: 'cte', query, name });
}

/** The row an upsert proposed (EXCLUDED / VALUES()). */
export function excludedSource(entity: EntityMetadata): ExcludedSource {
  return Object.freeze({ kind: 'excluded', entity });
}

/** A VALUES list joined to an UPDATE: one row per target row, cells typed like `columns`, read through `names`. */
export function valuesSource(parts: { alias: string; names: readonly string[]; columns: readonly ColumnMetadata[]; rows: readonly (readonly ExprNode[])[] }): ValuesSource {
  return Object.freeze({
    kind: 'values',
    alias: parts.alias,
    names: frozenList(parts.names),
    columns: frozenList(parts.columns),
    rows: frozenList(parts.rows.map((row) => frozenList(row))),
  });
}

// ---- expressions ----

/** A mapped column read on a source, under its column name; its codec converts values compared with it. */
export function columnRef(source: SourceNode, column: ColumnMetadata): ExprNode {
  return Object.freeze({ kind: 'column', source, name: column.columnName, column });
}

/**
 * A column read on a source under another name than its mapped one: a subquery's label,
 * an association table's column. `column`, when given, is the mapped column whose codec applies.
 */
export function namedColumn(source: SourceNode, name: string, column?: ColumnMetadata): ExprNode {
  return Object.freeze({ kind: 'column', source, name, column });
}

/** A bound value, converted by `column`'s codec when one is given. */
export function param(value: unknown, column?: ColumnMetadata): ParamNode {
  return Object.freeze({ kind: 'param', value, column });
}

/** `left op right`. */
export function binary(op: BinaryOperator, left: ExprNode, right: ExprNode): ExprNode {
  return Object.freeze({ kind: 'binary', op, left, right });
}

/** `left = right`. */
export function equals(left: ExprNode, right: ExprNode): ExprNode {
  return binary('eq', left, right);
}

/** Every condition (AND); a single one stands as it is (an empty list compiles to TRUE). */
export function allOf(items: readonly ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : Object.freeze({ kind: 'logical', op: 'and', items: frozenList(items) });
}

/** Any of the conditions (OR); a single one stands as it is (an empty list compiles to FALSE). */
export function anyOf(items: readonly ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : Object.freeze({ kind: 'logical', op: 'or', items: frozenList(items) });
}

/** `NOT item`. */
export function notNode(item: ExprNode): ExprNode {
  return Object.freeze({ kind: 'not', item });
}

/** `item IS NULL` (`IS NOT NULL` when negated). */
export function nullCheck(item: ExprNode, negated = false): ExprNode {
  return Object.freeze({ kind: 'null-check', item, negated });
}

/** `item IN (list)` over values or a subquery (`NOT IN` when negated); an empty value list compiles to FALSE (TRUE negated). */
export function inList(item: ExprNode, list: readonly ExprNode[] | QueryNode, negated = false): ExprNode {
  return Object.freeze({ kind: 'in', item, list: Array.isArray(list) ? frozenList(list as readonly ExprNode[]) : list, negated });
}

/**
 * `CASE [subject] WHEN ... THEN ... [ELSE otherwise] END`. `column` types the result (see
 * CaseNode). ArgumentError without arms: SQL has no CASE without a WHEN.
 * @example
 * // UPDATE posts SET views = CASE id WHEN 1 THEN 10 WHEN 2 THEN 20 END
 * caseNode({ subject: columnRef(posts, id), arms: [{ when: param(1, id), then: param(10, views) }, ...], column: views });
 */
export function caseNode(parts: { subject?: ExprNode; arms: readonly CaseArm[]; otherwise?: ExprNode; column?: ColumnMetadata }): CaseNode {
  if (parts.arms.length === 0) {
    const what = parts.column ? ` for column ${parts.column.columnName}` : '';
    throw new ArgumentError(`caseNode()${what} needs at least one { when, then } arm; with none, use the ELSE value itself.`);
  }
  const arms = frozenList(parts.arms.map((arm) => (Object.isFrozen(arm) ? arm : Object.freeze({ when: arm.when, then: arm.then }))));
  const built: CaseNode = { kind: 'case', subject: parts.subject, arms, otherwise: parts.otherwise };
  return Object.freeze(parts.column ? { ...built, column: parts.column } : built);
}

// ---- clauses ----

/** An expression selected under `key`. */
export function exprItem(key: string, expr: ExprNode): SelectItem {
  return Object.freeze({ kind: 'expr', key, expr });
}

/** Every column of an entity source, selected under `key`. */
export function entityItem(key: string, source: EntitySource): SelectItem {
  return Object.freeze({ kind: 'entity', key, source });
}

/** A selection (RETURNING, or the items of a SELECT) and the shape of its rows. */
export function selection(shape: SelectionNode['shape'], items: readonly SelectItem[]): SelectionNode {
  return Object.freeze({ shape, items: frozenList(items) });
}

/** One ORDER BY item; ascending, with the server's NULL placement, by default. */
export function orderItem(expr: ExprNode, direction: OrderNode['direction'] = 'asc', nulls?: OrderNode['nulls']): OrderNode {
  return Object.freeze({ expr, direction, nulls });
}

/** One JOIN. */
export function joinNode(type: JoinNode['type'], source: FromSource, on: ExprNode): JoinNode {
  return Object.freeze({ type, source, on });
}

/** FOR UPDATE; plain (waiting, every source) by default. */
export function lockNode(parts: Partial<LockNode> = {}): LockNode {
  return Object.freeze({ skipLocked: parts.skipLocked ?? false, nowait: parts.nowait ?? false, of: frozenList(parts.of) });
}

/** `column = value` in SET. */
export function assignment(column: ColumnMetadata, value: ExprNode): Assignment {
  return Object.freeze({ column, value });
}

/** ON CONFLICT (target): `set` undefined means DO NOTHING. */
export function conflictNode(target: readonly ColumnMetadata[], set: readonly Assignment[] | undefined): ConflictNode {
  return Object.freeze({ target: frozenList(target), set: set === undefined ? undefined : frozenList(set) });
}

// ---- statements ----

/** The parts of a SELECT a caller may give; lists may be mutable arrays (they are frozen on the way in). */
export type SelectParts = { readonly [K in Exclude<keyof SelectNode, 'kind'>]?: SelectNode[K] };

/**
 * A SELECT. Defaults: a `record` row shape, no items, no WITH, not DISTINCT, nothing in
 * FROM (the compiler adds the sources the expressions use), no joins, WHERE, grouping,
 * HAVING, ordering, LIMIT, OFFSET or lock.
 * @example
 * selectNode({ from: [posts], items: [exprItem('id', columnRef(posts, id))], where: equals(...) });
 */
export function selectNode(parts: SelectParts): SelectNode {
  return Object.freeze({
    kind: 'select',
    shape: parts.shape ?? 'record',
    items: frozenList(parts.items),
    ctes: frozenList(parts.ctes),
    distinct: parts.distinct ?? false,
    from: frozenList(parts.from),
    joins: frozenList(parts.joins),
    where: parts.where,
    groupBy: frozenList(parts.groupBy),
    having: parts.having,
    orderBy: frozenList(parts.orderBy),
    limit: parts.limit,
    offset: parts.offset,
    lock: parts.lock,
  });
}

/** A SELECT like `base` with `changes` applied (lists in `changes` frozen on the way in). */
export function withSelect(base: SelectNode, changes: SelectParts): SelectNode {
  return selectNode({ ...base, ...changes });
}

/** UNION / UNION ALL of `members`, without its own ORDER BY, LIMIT or OFFSET by default. */
export function compoundNode(op: CompoundNode['op'], members: readonly QueryNode[], parts: Partial<Pick<CompoundNode, 'orderBy' | 'limit' | 'offset'>> = {}): CompoundNode {
  return Object.freeze({ kind: 'compound', op, members: frozenList(members), orderBy: frozenList(parts.orderBy), limit: parts.limit, offset: parts.offset });
}

/** An INSERT into `source`. Defaults: no columns or rows yet, no upsert, no RETURNING. */
export function insertNode(parts: { source: EntitySource } & Partial<Omit<InsertNode, 'kind' | 'source'>>): InsertNode {
  return Object.freeze({
    kind: 'insert',
    source: parts.source,
    columns: frozenList(parts.columns),
    rows: frozenList(parts.rows),
    conflict: parts.conflict,
    returning: parts.returning,
  });
}

/** An UPDATE of `source`. Defaults: no assignments, no VALUES list, no WHERE (refused at compile unless `everyRow`), no RETURNING. */
export function updateNode(parts: { source: EntitySource } & Partial<Omit<UpdateNode, 'kind' | 'source'>>): UpdateNode {
  const built: UpdateNode = { kind: 'update', source: parts.source, assignments: frozenList(parts.assignments), where: parts.where, returning: parts.returning };
  // Optional fields stay absent rather than undefined, as the builders have always made them.
  return Object.freeze({ ...built, ...(parts.from && { from: parts.from }), ...(parts.everyRow !== undefined && { everyRow: parts.everyRow }) });
}

/** A DELETE from `source`. Defaults: no WHERE (refused at compile unless `everyRow`), no RETURNING. */
export function deleteNode(parts: { source: EntitySource } & Partial<Omit<DeleteNode, 'kind' | 'source'>>): DeleteNode {
  const built: DeleteNode = { kind: 'delete', source: parts.source, where: parts.where, returning: parts.returning };
  return Object.freeze(parts.everyRow !== undefined ? { ...built, everyRow: parts.everyRow } : built);
}

/*
 * Flattens a selection into its output columns: the SQL label of each, the expression
 * behind it and where its value goes in a result row. The compiler labels the SELECT list
 * with it, the row decoder builds rows from it, and subquery references expose it.
 */
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { node, type EntitySource, type ExcludedSource, type ExprNode, type QueryNode, type ResultDecoder, type SelectionNode, type SelectNode } from './query-nodes';

/** One output column of a selection. */
export interface ResultColumn {
  /** The column's name in the result set (the SELECT list label). */
  readonly label: string;
  /** The key this column goes under: the item's key, or the entity property within it. */
  readonly key: string;
  readonly expr: ExprNode;
  /** Index of the selection item this column belongs to. */
  readonly item: number;
  /** For entity items: the property (or, for a foreign key without one, the column name). */
  readonly property: string | undefined;
  /** For entity items: whether the column is part of the primary key. */
  readonly primary: boolean;
}

/** How a value of an expression is read back: the mapped column's codec, or a fixed decoder. */
export interface ResultType {
  readonly column?: ColumnMetadata;
  readonly decode?: ResultDecoder;
}

const BOOLEAN: ResultType = Object.freeze({ decode: (value: unknown) => (value === null || value === undefined ? null : Boolean(Number(value))) });
const cache = new WeakMap<SelectionNode, readonly ResultColumn[]>();

/** The output columns of a selection, in SELECT-list order. */
export function resultColumns(selection: SelectionNode): readonly ResultColumn[] {
  let columns = cache.get(selection);
  if (columns) return columns;
  const out: ResultColumn[] = [];
  selection.items.forEach((item, index) => {
    const prefix = selection.shape === 'tuple' ? String(index) : item.key;
    if (item.kind === 'expr') {
      out.push(Object.freeze({ label: prefix, key: prefix, expr: item.expr, item: index, property: undefined, primary: false }));
      return;
    }
    for (const column of item.source.entity.columns) {
      const property = column.propertyName ?? column.columnName;
      const label = selection.shape === 'entity' ? column.columnName : `${prefix}.${column.columnName}`;
      const key = selection.shape === 'entity' ? property : `${prefix}.${property}`;
      out.push(Object.freeze({ label, key, expr: columnNode(item.source, column), item: index, property, primary: column.primary }));
    }
  });
  columns = Object.freeze(out);
  cache.set(selection, columns);
  return columns;
}

/** The output columns of a query; for a compound, those of its first member. */
export function queryColumns(query: QueryNode): readonly ResultColumn[] {
  return resultColumns(firstSelect(query));
}

/** The leftmost SELECT of a query. */
export function firstSelect(query: QueryNode): SelectNode {
  let current = query;
  while (current.kind === 'compound') current = current.members[0]!;
  return current;
}

/** A column of an entity source as an expression node. */
export function columnNode(source: EntitySource | ExcludedSource, column: ColumnMetadata): ExprNode {
  return node({ kind: 'column', source, name: column.columnName, column });
}

/** Every column of an entity, as nodes on the given source. */
export function entityColumns(source: EntitySource): ExprNode[] {
  return source.entity.columns.map((c) => columnNode(source, c));
}

/** How the value of an expression is decoded when it is selected. */
export function resultTypeOf(expr: ExprNode): ResultType {
  switch (expr.kind) {
    case 'column':
    case 'func':
      return { column: expr.column, decode: expr.decode };
    case 'case':
      return { column: expr.column };
    case 'scalar': {
      const first = queryColumns(expr.query)[0];
      return first ? resultTypeOf(first.expr) : {};
    }
    case 'binary':
      return ['add', 'sub', 'mul', 'div'].includes(expr.op) ? {} : BOOLEAN;
    case 'logical':
    case 'not':
    case 'null-check':
    case 'like':
    case 'in':
    case 'between':
    case 'exists':
    case 'boolean':
      return BOOLEAN;
    default:
      return {};
  }
}

/*
 * Statement nodes the unit of work builds directly (from column metadata and values it
 * already holds), wrapped so the engine runs them like any built statement, plus the
 * few node constructors the flush statements need. No SQL text: the dialect compiler writes it.
 */
import type { ColumnMetadata, EntityMetadata } from '../../metadata/entity-metadata';
import { node, type EntitySource, type ExprNode, type SelectNode, type StatementNode } from '../../query/query-nodes';
import { columnNode } from '../../query/result-columns';
import { Statement } from '../../query/statement';

/** A statement around a node the ORM built itself. */
export class NodeStatement extends Statement<Record<string, unknown>> {
  readonly node: StatementNode;

  constructor(statementNode: StatementNode) {
    super();
    this.node = statementNode;
  }
}

/** The entity's table as a statement source. */
export function sourceOf(entity: EntityMetadata): EntitySource {
  return node({ kind: 'entity' as const, entity, alias: undefined });
}

/** A bound value for a column (converted by its codec). */
export function param(column: ColumnMetadata, value: unknown): ExprNode {
  return node({ kind: 'param' as const, value, column });
}

/** `column = value`, or `column IS NULL` for null. */
export function columnEquals(source: EntitySource, column: ColumnMetadata, value: unknown): ExprNode {
  const left = node({ kind: 'column' as const, source, name: column.columnName, column });
  if (value === null || value === undefined) return node({ kind: 'null-check' as const, item: left, negated: false });
  return node({ kind: 'binary' as const, op: 'eq' as const, left, right: param(column, value) });
}

/** All of the conditions. */
export function allOf(items: readonly ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : node({ kind: 'logical' as const, op: 'and' as const, items: Object.freeze([...items]) });
}

/** Any of the conditions. */
export function anyOf(items: readonly ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : node({ kind: 'logical' as const, op: 'or' as const, items: Object.freeze([...items]) });
}

/** `column IN (values)`. */
export function columnIn(source: EntitySource, column: ColumnMetadata, values: readonly unknown[]): ExprNode {
  const item = node({ kind: 'column' as const, source, name: column.columnName, column });
  return node({ kind: 'in' as const, item, list: Object.freeze(values.map((v) => param(column, v))), negated: false });
}

/**
 * SELECT FROM one entity's table WHERE `where`: the entity's rows, or, given `columns`,
 * records of those columns keyed by column name.
 */
export function selectWhere(source: EntitySource, where: ExprNode, columns?: readonly ColumnMetadata[]): SelectNode {
  return node({
    kind: 'select' as const,
    shape: columns ? ('record' as const) : ('entity' as const),
    items: Object.freeze(
      columns
        ? columns.map((column) => node({ kind: 'expr' as const, key: column.columnName, expr: columnNode(source, column) }))
        : [node({ kind: 'entity' as const, key: '0', source })],
    ),
    ctes: Object.freeze([]),
    distinct: false,
    from: Object.freeze([source]),
    joins: Object.freeze([]),
    where,
    groupBy: Object.freeze([]),
    having: undefined,
    orderBy: Object.freeze([]),
    limit: undefined,
    offset: undefined,
    lock: undefined,
  });
}

/*
 * Statement nodes the unit of work builds directly (from column metadata and values it
 * already holds), wrapped so the engine runs them like any built statement, plus the few
 * condition shapes the flush needs, made with the query layer's node constructors. No SQL
 * text: the dialect compiler writes it.
 */
import type { ColumnMetadata, EntityMetadata } from '../../metadata/entity-metadata';
import { columnRef, entityItem, entitySource, equals, exprItem, inList, nullCheck, param as paramNode, selectNode } from '../../query/internal';
import type { EntitySource, ExprNode, SelectNode, StatementNode } from '../../query/internal';
import { Statement } from '../../query/statement';

export { allOf, anyOf } from '../../query/internal';

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
  return entitySource(entity);
}

/** A bound value for a column (converted by its codec). */
export function param(column: ColumnMetadata, value: unknown): ExprNode {
  return paramNode(value, column);
}

/** `column = value`, or `column IS NULL` for null. */
export function columnEquals(source: EntitySource, column: ColumnMetadata, value: unknown): ExprNode {
  const left = columnRef(source, column);
  return value === null || value === undefined ? nullCheck(left) : equals(left, param(column, value));
}

/** `column IN (values)`. */
export function columnIn(source: EntitySource, column: ColumnMetadata, values: readonly unknown[]): ExprNode {
  return inList(
    columnRef(source, column),
    values.map((v) => param(column, v)),
  );
}

/**
 * SELECT FROM one entity's table WHERE `where`: the entity's rows, or, given `columns`,
 * records of those columns keyed by column name.
 */
export function selectWhere(source: EntitySource, where: ExprNode, columns?: readonly ColumnMetadata[]): SelectNode {
  return selectNode({
    shape: columns ? 'record' : 'entity',
    items: columns ? columns.map((column) => exprItem(column.columnName, columnRef(source, column))) : [entityItem('0', source)],
    from: [source],
    where,
  });
}

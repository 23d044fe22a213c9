/*
 * References to subqueries in FROM and to CTEs: one column expression per output column of
 * the inner query, named by its key, carrying the inner column's codec or decoder so values
 * read through the reference convert as they would have inside.
 */
import { ColumnExpr } from './expression';
import { node, type CteSource, type QueryNode, type ResultSource, type SubquerySource } from './query-nodes';
import { REF, type RefSlot, type SelectableRef } from './query-types';
import { queryColumns, resultTypeOf } from './result-columns';

/** Builds the reference for a subquery or CTE source. */
export function selectableRef<Row>(source: SubquerySource | CteSource): SelectableRef<Row> {
  const target: Record<string | symbol, unknown> = {};
  for (const column of queryColumns(source.query)) {
    const { column: mapped, decode } = resultTypeOf(column.expr);
    target[column.key] = new ColumnExpr(node({ kind: 'column', source, name: column.label, column: mapped, decode }));
  }
  const slot: RefSlot<Row, 'selectable'> = Object.freeze({ source, kind: 'selectable' as const });
  Object.defineProperty(target, REF, { value: slot, enumerable: false });
  return Object.freeze(target) as unknown as SelectableRef<Row>;
}

/** A reference to the output columns of a compound query, for its ORDER BY. */
export function resultRef<Row>(query: QueryNode): SelectableRef<Row> {
  const source: ResultSource = node({ kind: 'result' });
  const target: Record<string | symbol, unknown> = {};
  for (const column of queryColumns(query)) {
    const { column: mapped, decode } = resultTypeOf(column.expr);
    target[column.key] = new ColumnExpr(node({ kind: 'column', source, name: column.label, column: mapped, decode }));
  }
  return Object.freeze(target) as unknown as SelectableRef<Row>;
}

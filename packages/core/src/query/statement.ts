/*
 * The base classes of statement builders. A Statement holds one frozen node and, as a
 * compile-time marker, the type of the rows executing it yields; a QueryStatement (select,
 * union) can also be nested: as a subquery in FROM, a CTE, or a scalar value.
 */
import { ArgumentError } from '../errors/errors';
import { exprOf, type Expr } from './expression';
import { checkName } from './entity-ref';
import { node, type QueryNode, type StatementNode } from './query-nodes';
import type { SelectableRef } from './query-types';
import { queryColumns } from './result-columns';
import { selectableRef } from './selectable-ref';

/** A statement the engine can run: `conn.execute(statement)`. Immutable. */
export abstract class Statement<Row> {
  /** The frozen statement node the compiler reads. */
  abstract readonly node: StatementNode;
  /** The type of the rows the statement yields; a compile-time marker only. */
  declare readonly rowType?: Row;
}

/** The rows a statement yields when executed. */
export type RowOf<S> = S extends Statement<infer R> ? R : never;

/** A statement that yields rows and can be nested in another. */
export abstract class QueryStatement<Row> extends Statement<Row> {
  abstract override readonly node: QueryNode;

  /**
   * This query as a named subquery for FROM or JOIN, with one column reference per output column.
   * @example
   * const counts = select({ authorId: p.authorId, n: func.count() }).from(Post).groupBy((p) => p.authorId).subquery('counts');
   * select({ name: u.name, n: counts.n }).from(u).join(counts, counts.authorId.eq(u.id));
   */
  subquery(name: string): SelectableRef<Row> {
    return selectableRef<Row>(node({ kind: 'subquery', query: this.node, alias: checkName(name, 'subquery()') }));
  }

  /**
   * This query as a common table expression: `WITH name AS (...)` is added to any select
   * that uses the returned reference in FROM or JOIN.
   * @example
   * const recent = select(Post).where((p) => p.createdAt.gt(since)).cte('recent');
   * select({ title: recent.title }).from(recent);
   */
  cte(name: string): SelectableRef<Row> {
    return selectableRef<Row>(node({ kind: 'cte', query: this.node, name: checkName(name, 'cte()') }));
  }

  /**
   * This query as a single value (a scalar subquery); it must select exactly one column.
   * @example
   * select({ name: u.name, posts: select({ n: func.count() }).from(Post).where((p) => p.author.eq(u)).scalarSubquery() }).from(u);
   */
  scalarSubquery(): Expr<Row extends Record<string, infer V> ? V : unknown> {
    const columns = queryColumns(this.node);
    if (columns.length !== 1) {
      throw new ArgumentError(`scalarSubquery() needs a query selecting exactly one column; this one selects ${columns.length}. Select a single expression, e.g. select({ n: func.count() }).`);
    }
    return exprOf(node({ kind: 'scalar', query: this.node }));
  }
}

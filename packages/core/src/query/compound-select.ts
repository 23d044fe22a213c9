/*
 * UNION and UNION ALL: a compound query over selects of the same shape, with its own
 * ORDER BY (over the output columns), LIMIT and OFFSET. Rows are shaped like the first
 * member's.
 */
import { ArgumentError } from '../errors/errors';
import { checkCount, resolveOrder, type OrderInput } from './condition-input';
import { queryNodeOf } from './expression';
import { compoundNode } from './node-constructors';
import { node, type CompoundNode } from './query-nodes';
import type { SelectableRef } from './query-types';
import { queryColumns } from './result-columns';
import { resultRef } from './selectable-ref';
import { QueryStatement } from './statement';

/**
 * A UNION / UNION ALL of queries. Made by `union(...)`, `unionAll(...)` or `a.union(b)`.
 * @example
 * const names = union(select({ name: u.name }).from(u), select({ name: t.label }).from(t)).orderBy((c) => c.name).limit(10);
 */
export class CompoundSelect<Row> extends QueryStatement<Row> {
  readonly node: CompoundNode;

  constructor(compoundNode: CompoundNode) {
    super();
    this.node = compoundNode;
    Object.freeze(this);
  }

  /** Combines queries; they must select the same number of columns. */
  static of<Row>(op: 'union' | 'union all', queries: readonly QueryStatement<Row>[]): CompoundSelect<Row> {
    if (queries.length < 2) throw new ArgumentError(`${op === 'union' ? 'union' : 'unionAll'}() needs at least two queries.`);
    const members = queries.map((q) => {
      const member = queryNodeOf(q);
      if (!member) throw new ArgumentError(`${op === 'union' ? 'union' : 'unionAll'}() takes select(...) statements.`);
      return member;
    });
    const width = queryColumns(members[0]!).length;
    members.forEach((m, i) => {
      const w = queryColumns(m).length;
      if (w !== width) throw new ArgumentError(`${op.toUpperCase()} members must select the same number of columns; query 1 selects ${width}, query ${i + 1} selects ${w}.`);
    });
    return new CompoundSelect(compoundNode(op, members));
  }

  /** ORDER BY over the output columns: the callback receives them by key. */
  orderBy(...items: (OrderInput | ((columns: SelectableRef<Row>) => OrderInput | readonly OrderInput[]))[]): CompoundSelect<Row> {
    const orderBy = resolveOrder(items, [resultRef<Row>(this.node)]);
    return new CompoundSelect(node({ ...this.node, orderBy: Object.freeze([...this.node.orderBy, ...orderBy]) }));
  }

  /** LIMIT over the combined rows. */
  limit(count: number): CompoundSelect<Row> {
    return new CompoundSelect(node({ ...this.node, limit: checkCount(count, 'limit()') }));
  }

  /** OFFSET over the combined rows. */
  offset(count: number): CompoundSelect<Row> {
    return new CompoundSelect(node({ ...this.node, offset: checkCount(count, 'offset()') }));
  }

  /** UNION this with more queries. */
  union(...others: QueryStatement<Row>[]): CompoundSelect<Row> {
    return CompoundSelect.of('union', [this, ...others]);
  }

  /** UNION ALL this with more queries. */
  unionAll(...others: QueryStatement<Row>[]): CompoundSelect<Row> {
    return CompoundSelect.of('union all', [this, ...others]);
  }
}

/**
 * UNION of queries of the same shape: rows of any, duplicates removed.
 * @example
 * await conn.execute(union(select({ email: u.email }).from(u), select({ email: s.email }).from(s)));
 */
export function union<Row>(...queries: QueryStatement<Row>[]): CompoundSelect<Row> {
  return CompoundSelect.of('union', queries);
}

/**
 * UNION ALL of queries of the same shape: rows of all, duplicates kept.
 * @example
 * await conn.execute(unionAll(select(User).where({ role: 'admin' }), select(User).where({ role: 'owner' })));
 */
export function unionAll<Row>(...queries: QueryStatement<Row>[]): CompoundSelect<Row> {
  return CompoundSelect.of('union all', queries);
}

/*
 * One ORDER BY item as users build it: `u.name.desc().nullsLast()`. Frozen; the query
 * compiler renders NULLS FIRST / LAST natively or emulates it where the server lacks it.
 */
import { node, type ExprNode, type OrderNode } from './query-nodes';

/**
 * An expression with a sort direction and an optional NULLS FIRST / LAST. Made by
 * `asc()`, `desc()`, `nullsFirst()` and `nullsLast()` on an expression.
 * @example
 * select(User).orderBy((u) => [u.lastLogin.desc().nullsLast(), u.id]);
 */
export class Ordering {
  readonly node: OrderNode;

  constructor(expr: ExprNode, direction: 'asc' | 'desc', nulls?: 'first' | 'last') {
    this.node = node({ expr, direction, nulls });
    Object.freeze(this);
  }

  /** Sorts NULL values before all others. */
  nullsFirst(): Ordering {
    return new Ordering(this.node.expr, this.node.direction, 'first');
  }

  /** Sorts NULL values after all others. */
  nullsLast(): Ordering {
    return new Ordering(this.node.expr, this.node.direction, 'last');
  }
}

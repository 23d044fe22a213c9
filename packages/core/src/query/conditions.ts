/*
 * Boolean combinators over predicates: and, or, not, exists. Undefined operands are
 * skipped so optional filters compose; an empty AND is true and an empty OR is false.
 */
import { ArgumentError } from '../errors/errors';
import type { SqlFragment } from '../sql/sql-fragment';
import { conditionNode, Expr, queryNodeOf, type Predicate, type QueryHolder } from './expression';
import { node, type ExprNode } from './query-nodes';

/** A predicate, an `sql` fragment, or undefined (skipped). */
export type ConditionInput = Predicate | SqlFragment | undefined;

/**
 * All conditions hold (`AND`). Undefined operands are skipped; with none left it is true.
 * @example
 * select(User).where((u) => and(u.active.eq(true), name ? u.name.like(`${name}%`) : undefined));
 */
export function and(...conditions: ConditionInput[]): Predicate {
  return combine('and', conditions);
}

/**
 * At least one condition holds (`OR`). Undefined operands are skipped; with none left it is false.
 * @example
 * select(User).where((u) => or(u.role.eq('admin'), u.id.eq(ownerId)));
 */
export function or(...conditions: ConditionInput[]): Predicate {
  return combine('or', conditions);
}

/**
 * Negates a condition (`NOT`).
 * @example
 * select(User).where((u) => not(u.email.like('%@example.com')));
 */
export function not(condition: Predicate | SqlFragment): Predicate {
  return new Expr(node({ kind: 'not', item: conditionNode(condition, 'not()') }));
}

/**
 * True when the subquery returns at least one row (`EXISTS`). Columns of the outer query
 * used inside it correlate it.
 * @example
 * select(User).where((u) => exists(select(Post).where((p) => p.author.eq(u))));
 */
export function exists(query: QueryHolder): Predicate {
  const queryNode = queryNodeOf(query);
  if (!queryNode) throw new ArgumentError('exists() takes a select(...) statement.');
  return new Expr(node({ kind: 'exists', query: queryNode }));
}

function combine(op: 'and' | 'or', conditions: readonly ConditionInput[]): Predicate {
  const items: ExprNode[] = [];
  for (const condition of conditions) {
    if (condition === undefined) continue;
    const item = conditionNode(condition, `${op}()`);
    // Flatten nested groups of the same operator: and(a, and(b, c)) is a AND b AND c.
    if (item.kind === 'logical' && item.op === op) items.push(...item.items);
    else items.push(item);
  }
  if (items.length === 0) return new Expr(node({ kind: 'boolean', value: op === 'and' }));
  if (items.length === 1) return new Expr(items[0]!);
  return new Expr(node({ kind: 'logical', op, items: Object.freeze(items) }));
}

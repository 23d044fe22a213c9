/*
 * Turns what users pass to where / having / on / orderBy / groupBy - expressions,
 * fragments, callbacks over the query's references, the `{ email }` shorthand - into
 * nodes. Shared by the select, update and delete builders.
 */
import { ArgumentError } from '../errors/errors';
import { columnLabel } from '../types/value-errors';
import { SqlFragment } from '../sql/sql-fragment';
import { and } from './conditions';
import { conditionNode, describe, Expr, operandNode, type Predicate } from './expression';
import { Ordering } from './ordering';
import { node, type ExprNode, type OrderNode } from './query-nodes';
import { slotOf } from './query-types';
import { RelationRef } from './relation-ref';

/** A sort key: an expression (ascending), an ordering, or a fragment. */
export type OrderInput = Expr<any> | Ordering | SqlFragment;

/** Resolves a condition given directly, as a callback over `refs`, or as the shorthand object. */
export function resolveCondition(input: unknown, refs: readonly unknown[], where: string): ExprNode | undefined {
  const value = typeof input === 'function' ? (input as (...r: unknown[]) => unknown)(...refs) : input;
  if (value === undefined) return undefined;
  if (value instanceof Expr || value instanceof SqlFragment) return conditionNode(value, where);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && slotOf(value) === undefined) {
    return shorthand(value as Record<string, unknown>, refs[0], where);
  }
  return conditionNode(value, where);
}

/**
 * The condition of an UPDATE or DELETE: one that resolved to nothing (`{}`, `undefined`, an
 * `and()` whose optional parts were all skipped) would touch every row, so it is refused,
 * pointing at the explicit `all()`.
 */
export function requireCondition(condition: ExprNode | undefined, where: string, everyRow: string): ExprNode {
  if (condition !== undefined && !(condition.kind === 'boolean' && condition.value)) return condition;
  throw new ArgumentError(
    `${where} got an empty condition ({}, undefined, or an and() with every part skipped), which would match every row. ` +
      `Check the filter (a value taken from a request may be missing); to affect every row on purpose, use ${everyRow}.`,
  );
}

/** A LIMIT or OFFSET value: a non-negative integer. */
export function checkCount(count: number, where: string): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new ArgumentError(`${where} takes a non-negative integer; got ${describe(count)}.`);
  return count;
}

/** ANDs a new condition onto an existing one. */
export function andNodes(existing: ExprNode | undefined, added: ExprNode | undefined): ExprNode | undefined {
  if (!existing) return added;
  if (!added) return existing;
  return and(new Expr<boolean>(existing), new Expr<boolean>(added)).node;
}

/** Resolves ORDER BY items: expressions, orderings, fragments, or callbacks returning one or a list. */
export function resolveOrder(inputs: readonly unknown[], refs: readonly unknown[]): OrderNode[] {
  return expand(inputs, refs).map((item) => {
    if (item instanceof Ordering) return item.node;
    if (item instanceof Expr || item instanceof SqlFragment) return node({ expr: operandNode(item), direction: 'asc' as const, nulls: undefined });
    throw new ArgumentError(`orderBy() takes expressions such as u.name or u.name.desc(); got ${describe(item)}.`);
  });
}

/** Resolves GROUP BY items: expressions, fragments, or callbacks returning one or a list. */
export function resolveExpressions(inputs: readonly unknown[], refs: readonly unknown[], where: string): ExprNode[] {
  return expand(inputs, refs).map((item) => {
    if (item instanceof Expr || item instanceof SqlFragment) return operandNode(item);
    throw new ArgumentError(`${where} takes expressions such as u.name; got ${describe(item)}.`);
  });
}

function expand(inputs: readonly unknown[], refs: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const input of inputs) {
    const value = typeof input === 'function' ? (input as (...r: unknown[]) => unknown)(...refs) : input;
    if (Array.isArray(value)) out.push(...(value as unknown[]));
    else out.push(value);
  }
  return out;
}

/**
 * `{ email, role: ['a', 'b'], deletedAt: null, author: [1, 2] }`: equality, IN and IS NULL on the
 * first reference's properties; a relationship takes objects or keys, an array meaning IN.
 */
function shorthand(values: Record<string, unknown>, first: unknown, where: string): ExprNode | undefined {
  const slot = slotOf(first);
  if (!slot || slot.kind !== 'entity') {
    throw new ArgumentError(`${where}: the { property: value } shorthand needs an entity query such as select(User); use a condition such as u.email.eq(email).`);
  }
  const target = first as Record<string, unknown>;
  const conditions: Predicate[] = [];
  for (const [key, value] of Object.entries(values)) {
    const property = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
    if (value === undefined) {
      const column = property instanceof Expr && property.node.kind === 'column' ? property.node.column : undefined;
      const name = column ? columnLabel(column) : `'${key}'`;
      throw new ArgumentError(`${where}: ${name} is undefined in the shorthand; pass null to match NULL, or leave the key out.`);
    }
    if (property instanceof RelationRef) conditions.push(Array.isArray(value) ? property.in(value) : property.eq(value));
    else if (property instanceof Expr) conditions.push(Array.isArray(value) ? property.in(value) : property.eq(value));
    else {
      const entity = slot.source.kind === 'entity' || slot.source.kind === 'excluded' ? slot.source.entity : undefined;
      throw new ArgumentError(`${where}: ${entity?.name ?? 'the entity'} has no property '${key}'. Properties: ${Object.keys(target).join(', ')}.`);
    }
  }
  return conditions.length === 0 ? undefined : and(...conditions).node;
}

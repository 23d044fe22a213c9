/*
 * The RETURNING list of insert, update and delete: the whole entity by default, or a
 * record of expressions over the statement's entity reference.
 */
import { ArgumentError } from '../errors/errors';
import { SqlFragment } from '../sql/sql-fragment';
import { checkName } from './entity-ref';
import { describe, Expr, operandNode } from './expression';
import { node, type EntitySource, type SelectItem, type SelectionNode } from './query-nodes';
import { slotOf } from './query-types';

/** The selection RETURNING yields: every column of `source`, or what `selector(ref)` names. */
export function returningSelection(source: EntitySource, ref: unknown, selector?: (ref: never) => unknown): SelectionNode {
  if (selector === undefined) return node({ shape: 'entity', items: Object.freeze([node({ kind: 'entity' as const, key: '0', source })]) });
  const record = selector(ref as never);
  if (record === null || typeof record !== 'object' || slotOf(record) !== undefined || record instanceof Expr) {
    throw new ArgumentError(`returning((r) => ({ ... })) must return a record such as { id: r.id }; got ${describe(record)}.`);
  }
  const items: SelectItem[] = [];
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    checkName(key, 'A returning() key');
    if (!(value instanceof Expr) && !(value instanceof SqlFragment)) throw new ArgumentError(`returning(): '${key}' must be a column or expression; got ${describe(value)}.`);
    items.push(node({ kind: 'expr', key, expr: operandNode(value) }));
  }
  if (items.length === 0) throw new ArgumentError('returning() got an empty record; name at least one column.');
  return node({ shape: 'record', items: Object.freeze(items) });
}

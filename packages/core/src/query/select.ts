/*
 * `select(...)`: the entry point of SELECT statements. An entity selects all its columns
 * and yields its property bags; several entities yield tuples; a record of expressions
 * yields records under the record's keys; a subquery or CTE reference yields its rows.
 */
import { ArgumentError } from '../errors/errors';
import { SqlFragment } from '../sql/sql-fragment';
import { checkName } from './entity-ref';
import { describe, Expr, operandNode } from './expression';
import { entityItem, exprItem, selectNode } from './node-constructors';
import type { FromSource, SelectItem, RowShape } from './query-nodes';
import { slotOf, type AnyEntityRef, type EntityClass, type EntityOf, type EntityRef, type EntityRow, type RecordRow, type RefOf, type SelectableRef, type Selection } from './query-types';
import { queryColumns } from './result-columns';
import { SelectStatement, sourceRef } from './select-statement';

type EntityArgument = EntityClass | AnyEntityRef;

/**
 * Starts a SELECT.
 * @example
 * select(User).where((u) => u.email.eq(email));                        // rows: User property bags
 * select(User, Post).join((u) => u.posts);                              // rows: [user, post]
 * const u = ref(User);
 * select({ id: u.id, posts: func.count() }).join(u.posts).groupBy(u.id); // rows: { id, posts }
 */
export function select<E>(entity: EntityClass<E> | EntityRef<E>): SelectStatement<EntityRow<E>, [EntityRef<E>]>;
export function select<R>(selectable: SelectableRef<R>): SelectStatement<R, [SelectableRef<R>]>;
export function select<const C extends readonly [EntityArgument, EntityArgument, ...EntityArgument[]]>(
  ...entities: C
): SelectStatement<{ -readonly [K in keyof C]: EntityRow<EntityOf<C[K]>> }, { -readonly [K in keyof C]: RefOf<C[K]> }>;
export function select<S extends Selection>(selection: S): SelectStatement<RecordRow<S>, []>;
export function select(...args: unknown[]): SelectStatement<unknown, readonly unknown[]> {
  if (args.length === 0) throw new ArgumentError('select() needs an entity, several entities, or a record of expressions such as { id: u.id }.');
  const first = args[0];
  if (args.length === 1 && isRecord(first)) return recordSelect(first as Record<string, unknown>);
  const sources = args.map((a) => sourceRef(a));
  if (args.length === 1 && sources[0]!.source.kind !== 'entity') return selectableSelect(sources[0]!);
  const items: SelectItem[] = sources.map(({ source }, i) => {
    if (source.kind !== 'entity') throw new ArgumentError('select(a, b, ...) takes entities only; select a subquery on its own or through its columns.');
    return entityItem(String(i), source);
  });
  // Only the first entity is FROM for sure; the others come from their columns, unless a join brings them.
  return statement(args.length === 1 ? 'entity' : 'tuple', items, [sources[0]!.source], sources.map((s) => s.ref));
}

function recordSelect(selection: Record<string, unknown>): SelectStatement<unknown, readonly unknown[]> {
  const items: SelectItem[] = [];
  for (const [key, value] of Object.entries(selection)) {
    checkName(key, 'A selection key');
    const slot = slotOf(value);
    if (slot?.kind === 'entity' && slot.source.kind === 'entity') items.push(entityItem(key, slot.source));
    else if (value instanceof Expr || value instanceof SqlFragment) items.push(exprItem(key, operandNode(value)));
    else throw new ArgumentError(`select({ ${key}: ... }): expected a column or expression such as u.name or func.count(), or an entity reference; got ${describe(value)}.`);
  }
  if (items.length === 0) throw new ArgumentError('select({}) selects nothing; name at least one column.');
  return statement('record', items, [], []);
}

function selectableSelect({ ref, source }: { ref: unknown; source: FromSource }): SelectStatement<unknown, readonly unknown[]> {
  const columns = (ref as Record<string, Expr<unknown>>);
  const items: SelectItem[] = source.kind === 'subquery' || source.kind === 'cte'
    ? queryColumns(source.query).map((c) => exprItem(c.key, columns[c.key]!.node))
    : [];
  const ctes = source.kind === 'cte' ? [source] : [];
  return new SelectStatement(selectNode({ shape: 'record', items, from: [source], ctes }), Object.freeze([ref]));
}

function statement(shape: RowShape, items: SelectItem[], from: FromSource[], refs: unknown[]): SelectStatement<unknown, readonly unknown[]> {
  return new SelectStatement(selectNode({ shape, items, from }), Object.freeze(refs));
}

function isRecord(value: unknown): boolean {
  return value !== null && typeof value === 'object' && slotOf(value) === undefined && !(value instanceof Expr) && !(value instanceof SqlFragment);
}

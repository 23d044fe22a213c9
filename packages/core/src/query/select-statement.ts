/*
 * The SELECT builder. Immutable: every call returns a new statement over a new frozen
 * node. Callbacks receive one typed reference per source (FROM, then each join), so
 * `.join((u) => u.posts).where((u, p) => ...)` reads as the SQL it makes.
 */
import { ArgumentError } from '../errors/errors';
import type { SqlFragment } from '../sql/sql-fragment';
import { CompoundSelect } from './compound-select';
import { andNodes, checkCount, resolveCondition, resolveExpressions, resolveOrder, type OrderInput } from './condition-input';
import { entityRefOf, refForEntity } from './entity-ref';
import { describe, type Expr, type Predicate } from './expression';
import { joinNode, lockNode, withSelect, type SelectParts } from './node-constructors';
import { sourceName, type CteSource, type FromSource, type JoinNode, type SelectNode } from './query-nodes';
import { REF, slotOf, type CollectionRef, type RefSlot, type AnyEntityRef, type AnySelectableRef, type EntityInput, type EntityRef, type SelectableRef, type ShorthandOf } from './query-types';
import { RelationRef } from './relation-ref';
import { QueryStatement } from './statement';
import { flattenOptions, type LoadOption, type OptionOn, type OptionsIn } from './load-options';

/** A condition: a predicate, a fragment, a callback over the query's references, or the `{ property: value }` shorthand. */
export type Condition<Refs extends readonly unknown[]> =
  | Predicate
  | SqlFragment
  | ((...refs: Refs) => Predicate | SqlFragment | undefined)
  | ShorthandOf<Refs>;

/** Sort keys, or a callback over the query's references returning them. */
export type OrderArgument<Refs extends readonly unknown[]> = OrderInput | ((...refs: Refs) => OrderInput | readonly OrderInput[]);

/** Grouping keys, or a callback over the query's references returning them. */
export type GroupArgument<Refs extends readonly unknown[]> = Expr<any> | SqlFragment | ((...refs: Refs) => Expr<any> | SqlFragment | readonly (Expr<any> | SqlFragment)[]);

/** The references of a statement whose sources an overload's signature spells out: what implementations build. */
type AnyRefs = readonly unknown[];

/** A loader option that applies to one of the entities of a query with these references. */
export type OptionFor<Refs extends readonly unknown[]> = Refs[number] extends infer R ? (R extends { readonly [REF]: RefSlot<infer E, 'entity'> } ? OptionOn<E> : never) : never;

/** Options of `forUpdate`. */
export interface ForUpdateOptions {
  /** Skip rows other transactions have locked (SKIP LOCKED) instead of waiting. */
  skipLocked?: boolean;
  /** Fail at once (NOWAIT) instead of waiting for locked rows. */
  nowait?: boolean;
  /** Lock rows of these sources only (FOR UPDATE OF ...). */
  of?: readonly (AnyEntityRef | AnySelectableRef)[];
}

/**
 * A SELECT statement. Made by `select(...)`; run it with `conn.execute(statement)`.
 * @example
 * const page = select(User).where((u) => u.name.like('a%')).orderBy((u) => u.name).limit(20).offset(40);
 * const { rows } = await conn.execute(page);   // rows: { id: number; name: string; ... }[]
 */
export class SelectStatement<Row, Refs extends readonly unknown[] = [], Opts = never> extends QueryStatement<Row> {
  readonly node: SelectNode;
  /** Loader options for the Session (`.options(...)`); running the statement on a Connection ignores them. */
  readonly loadOptions: readonly LoadOption[];
  readonly #refs: Refs;
  /**
   * Compile-time only: the loader options given, so the Session types its results with what
   * they load. A method parameter (bivariant), so a statement with options still fits a
   * parameter typed `SelectStatement<Row, Refs>`.
   */
  declare readonly loads?: { with(options: Opts): void };

  constructor(selectNode: SelectNode, refs: Refs, loadOptions: readonly LoadOption[] = []) {
    super();
    this.node = selectNode;
    this.loadOptions = loadOptions;
    this.#refs = refs;
    Object.freeze(this);
  }

  /**
   * Says how the Session loads relationships of the selected entities, overriding their
   * `lazy` defaults: joinedLoad, selectinLoad, subqueryLoad, lazyLoad, raiseLoad, noLoad, eagerLoad.
   * @example
   * session.scalars(select(User).limit(20).options(joinedLoad(User, 'posts'), selectinLoad(User, 'posts.comments')));
   */
  options<const O extends readonly (OptionFor<Refs> | readonly OptionFor<Refs>[])[]>(...options: O): SelectStatement<Row, Refs, Opts | OptionsIn<O>> {
    return new SelectStatement(this.node, this.#refs, Object.freeze([...this.loadOptions, ...flattenOptions(options)]));
  }

  /** Adds a WHERE condition; several calls are ANDed. */
  where(condition: Condition<Refs>): SelectStatement<Row, Refs, Opts> {
    return this.#next({ where: andNodes(this.node.where, resolveCondition(condition, this.#refs, 'where()')) });
  }

  /**
   * INNER JOIN: along a relationship (`(u) => u.posts`, ON from its foreign key, optionally
   * under an alias), or to an entity, alias or subquery with an explicit ON condition.
   */
  join<E>(relation: CollectionRef<E> | ((...refs: Refs) => CollectionRef<E>), alias?: string): SelectStatement<Row, [...Refs, EntityRef<E>], Opts>;
  join<E>(target: EntityInput<E>, on: Condition<[...Refs, EntityRef<E>]>): SelectStatement<Row, [...Refs, EntityRef<E>], Opts>;
  join<R>(target: SelectableRef<R>, on: Condition<[...Refs, SelectableRef<R>]>): SelectStatement<Row, [...Refs, SelectableRef<R>], Opts>;
  join(target: unknown, second?: unknown): SelectStatement<Row, AnyRefs, Opts> {
    return this.#join('inner', target, second);
  }

  /** LEFT JOIN, as `join`: rows without a match keep NULLs for the joined columns. */
  leftJoin<E>(relation: CollectionRef<E> | ((...refs: Refs) => CollectionRef<E>), alias?: string): SelectStatement<Row, [...Refs, EntityRef<E>], Opts>;
  leftJoin<E>(target: EntityInput<E>, on: Condition<[...Refs, EntityRef<E>]>): SelectStatement<Row, [...Refs, EntityRef<E>], Opts>;
  leftJoin<R>(target: SelectableRef<R>, on: Condition<[...Refs, SelectableRef<R>]>): SelectStatement<Row, [...Refs, SelectableRef<R>], Opts>;
  leftJoin(target: unknown, second?: unknown): SelectStatement<Row, AnyRefs, Opts> {
    return this.#join('left', target, second);
  }

  /** Adds sources to FROM explicitly (by default FROM holds what the selection uses). */
  from<E>(source: EntityInput<E>): SelectStatement<Row, [...Refs, EntityRef<E>], Opts>;
  from<R>(source: SelectableRef<R>): SelectStatement<Row, [...Refs, SelectableRef<R>], Opts>;
  from(source: unknown): SelectStatement<Row, AnyRefs, Opts> {
    const { ref, source: fromSource } = sourceRef(source);
    this.#checkFree(fromSource);
    return this.#next({ from: [...this.node.from, fromSource], ctes: withCte(this.node.ctes, fromSource) }, [...this.#refs, ref]);
  }

  /** GROUP BY. */
  groupBy(...items: GroupArgument<Refs>[]): SelectStatement<Row, Refs, Opts> {
    return this.#next({ groupBy: [...this.node.groupBy, ...resolveExpressions(items, this.#refs, 'groupBy()')] });
  }

  /** HAVING; several calls are ANDed. */
  having(condition: Condition<Refs>): SelectStatement<Row, Refs, Opts> {
    return this.#next({ having: andNodes(this.node.having, resolveCondition(condition, this.#refs, 'having()')) });
  }

  /** ORDER BY; expressions sort ascending, `desc()`, `nullsFirst()` and `nullsLast()` say otherwise. */
  orderBy(...items: OrderArgument<Refs>[]): SelectStatement<Row, Refs, Opts> {
    return this.#next({ orderBy: [...this.node.orderBy, ...resolveOrder(items, this.#refs)] });
  }

  /** LIMIT: at most `count` rows (a non-negative integer, bound as a parameter). */
  limit(count: number): SelectStatement<Row, Refs, Opts> {
    return this.#next({ limit: checkCount(count, 'limit()') });
  }

  /** OFFSET: skip `count` rows (a non-negative integer, bound as a parameter). */
  offset(count: number): SelectStatement<Row, Refs, Opts> {
    return this.#next({ offset: checkCount(count, 'offset()') });
  }

  /** SELECT DISTINCT. */
  distinct(): SelectStatement<Row, Refs, Opts> {
    return this.#next({ distinct: true });
  }

  /**
   * FOR UPDATE, with SKIP LOCKED or NOWAIT and OF where the server has them; compiling
   * for a server without one raises NotSupportedError. On SQLite it adds nothing: a write
   * transaction there already holds the database's write lock.
   */
  forUpdate(options: ForUpdateOptions = {}): SelectStatement<Row, Refs, Opts> {
    if (options.skipLocked && options.nowait) throw new ArgumentError('forUpdate(): choose skipLocked or nowait, not both.');
    const of = (options.of ?? []).map((r) => sourceRef(r).source);
    return this.#next({ lock: lockNode({ skipLocked: options.skipLocked, nowait: options.nowait, of }) });
  }

  /** Adds common table expressions to WITH (those used in FROM or JOIN are added by themselves). */
  with(...ctes: AnySelectableRef[]): SelectStatement<Row, Refs, Opts> {
    let list = this.node.ctes;
    for (const cte of ctes) {
      const source = slotOf(cte)?.source;
      if (source?.kind !== 'cte') throw new ArgumentError(`with() takes references made by .cte('name'); got ${describe(cte)}.`);
      list = withCte(list, source);
    }
    return this.#next({ ctes: list });
  }

  /** UNION with other queries of the same shape (duplicates removed). */
  union(...others: QueryStatement<Row>[]): CompoundSelect<Row> {
    return CompoundSelect.of('union', [this, ...others]);
  }

  /** UNION ALL with other queries of the same shape (duplicates kept). */
  unionAll(...others: QueryStatement<Row>[]): CompoundSelect<Row> {
    return CompoundSelect.of('union all', [this, ...others]);
  }

  #join(type: 'inner' | 'left', target: unknown, second: unknown): SelectStatement<Row, AnyRefs, Opts> {
    const relation = target instanceof RelationRef ? target : isCallback(target) ? (target as (...r: unknown[]) => unknown)(...this.#refs) : undefined;
    if (relation !== undefined) return this.#joinRelation(type, relation, second);
    if (second === undefined) {
      throw new ArgumentError(`${type === 'inner' ? 'join' : 'leftJoin'}() to an entity, alias or subquery needs an ON condition as its second argument; to follow a relationship pass it: .join((u) => u.posts).`);
    }
    const { ref, source } = sourceRef(target);
    this.#checkFree(source);
    const refs = [...this.#refs, ref];
    const on = resolveCondition(second, refs, 'join()');
    if (!on) throw new ArgumentError('join(): the ON condition is empty.');
    return this.#next({ joins: [...this.node.joins, joinNode(type, source, on)], ctes: withCte(this.node.ctes, source) }, refs);
  }

  #joinRelation(type: 'inner' | 'left', relation: unknown, alias: unknown): SelectStatement<Row, AnyRefs, Opts> {
    if (!(relation instanceof RelationRef)) {
      throw new ArgumentError(`join(callback): the callback must return a relationship such as u.posts; got ${describe(relation)}.`);
    }
    if (alias !== undefined && typeof alias !== 'string') throw new ArgumentError('join(relationship, alias): the alias must be a string.');
    const ref = refForEntity(relation.relation.target, alias);
    const target = slotOf(ref)!.source as FromSource & { kind: 'entity' };
    this.#checkFree(target, relation);
    const joins: JoinNode[] = relation.joinSteps(target).map((step) => joinNode(type, step.source, step.on));
    return this.#next({ joins: [...this.node.joins, ...joins] }, [...this.#refs, ref]);
  }

  /** A source's name must not already be taken in this query, or its columns would be ambiguous. */
  #checkFree(source: FromSource, relation?: RelationRef<unknown>): void {
    const name = sourceName(source);
    const taken = [...this.node.from, ...this.node.joins.map((j) => j.source)].some((s) => sourceName(s) === name);
    if (!taken) return;
    const hint = relation
      ? `.join((x) => x.${relation.relation.propertyName}, 'other_name')`
      : source.kind === 'entity'
        ? `aliased(${source.entity.name}, 'other_name')`
        : `.subquery('other_name')`;
    throw new ArgumentError(`'${name}' is already a source of this query; give the second one another name: ${hint}.`);
  }

  #next(changes: SelectParts): SelectStatement<Row, Refs, Opts>;
  #next(changes: SelectParts, refs: readonly unknown[]): SelectStatement<Row, AnyRefs, Opts>;
  #next(changes: SelectParts, refs: readonly unknown[] = this.#refs): SelectStatement<Row, AnyRefs, Opts> {
    return new SelectStatement(withSelect(this.node, changes), Object.freeze([...refs]), this.loadOptions);
  }
}

/** The reference and FROM source of an entity class, entity reference, subquery or CTE reference. */
export function sourceRef(value: unknown): { ref: unknown; source: FromSource } {
  const slot = slotOf(value);
  if (slot && slot.source.kind !== 'excluded') return { ref: value, source: slot.source };
  if (typeof value === 'function') {
    const ref = entityRefOf(value as EntityInput<unknown>);
    return { ref, source: slotOf(ref)!.source as FromSource };
  }
  throw new ArgumentError(`Expected an entity class, an aliased() entity, or a .subquery() / .cte() reference; got ${describe(value)}.`);
}

/** The CTE list with `source` added if it is a CTE not yet in it. */
function withCte(ctes: readonly CteSource[], source: FromSource): readonly CteSource[] {
  if (source.kind !== 'cte') return ctes;
  if (ctes.some((c) => c.name === source.name)) {
    if (ctes.some((c) => c === source)) return ctes;
    throw new ArgumentError(`Two different CTEs are named '${source.name}' in one query; give one another name.`);
  }
  return [...ctes, source];
}

function isCallback(value: unknown): boolean {
  // Arrow functions have no prototype; entity classes do.
  return typeof value === 'function' && (value as { prototype?: unknown }).prototype === undefined;
}

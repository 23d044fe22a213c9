/*
 * Loader options: how a query (or `session.get`) loads relationships, overriding each
 * relationship's `lazy` default. An option names a root entity and a path of relationship
 * steps, each with its strategy; chaining adds steps below the last one:
 *   joinedLoad(User, 'posts').selectinLoad('comments')
 * A dotted path gives every step the same strategy: selectinLoad(User, 'posts.comments').
 */
import { ArgumentError } from '../errors/errors';
import type { LoaderStrategy } from '../metadata/declarations';
import type { LoadResult, Prefixes, RelatedEntity, RelationPath } from './loaded';

/** What an option asks for one step: a strategy, or 'auto' (joined for to-one, selectin for to-many). */
export type StepStrategy = LoaderStrategy | 'auto';

/** One relationship step of a loader option. */
export interface LoadStep {
  readonly property: string;
  readonly strategy: StepStrategy;
  /** joined only: INNER JOIN when the foreign key is NOT NULL. */
  readonly innerJoin: boolean;
}

/** Options of `joinedLoad`. */
export interface JoinedLoadOptions {
  /** Use INNER JOIN instead of LEFT OUTER JOIN (applies where every foreign-key column is NOT NULL). */
  innerJoin?: boolean;
}

/** The entity reached from `E` by the dotted path `P`. */
export type EntityAt<E, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof E ? EntityAt<RelatedEntity<E[Head]>, Rest> : never
  : P extends keyof E ? RelatedEntity<E[P]> : never;

/** `Q` below `Last`, or `Q` itself at the root. */
type Under<Last extends string, Q extends string> = [Last] extends [never] ? Q : `${Last}.${Q}`;

/** The option after one more chained step loading `Q`. */
type LoadingStep<E, P extends string, Off extends string, Last extends string, Q extends string> = LoadOption<E, P | Under<Last, Q>, Off, Under<Last, Q>>;

/** The option after one more chained step that does not load `Q` (lazy, raise, noload). */
type NotLoadingStep<E, P extends string, Off extends string, Last extends string, Q extends string> = LoadOption<E, P, Off | Under<Last, Q>, Under<Last, Q>>;

/**
 * A loader option for `.options(...)`, `session.get(..., { options })` and `session.load`.
 * Immutable. Its type says which entity it starts from (`E`), which paths it loads (`P`),
 * which it leaves unloaded (`Off`) and where a chained call continues (`Last`), so a query's
 * results are typed with what they have loaded.
 */
export class LoadOption<E = any, P extends string = any, Off extends string = any, Last extends string = any> {
  /** The entity class the path starts from. */
  readonly entity: Function;
  readonly steps: readonly LoadStep[];
  /** Compile-time only: the entity the option is built for; it applies to `E` and its subclasses (contravariant, so an option built for a base class fits a subclass's query). */
  declare readonly builtFor?: (entity: E) => void;
  /** Compile-time only: the paths loaded and the paths switched off. */
  declare readonly typed?: { readonly loads: P; readonly off: Off; readonly last: Last };

  constructor(entity: Function, steps: readonly LoadStep[]) {
    this.entity = entity;
    this.steps = Object.freeze([...steps]);
    Object.freeze(this);
  }

  /** Then loads `path` (from the last step's target) with a LEFT OUTER JOIN in the same query. */
  joinedLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>, options: JoinedLoadOptions = {}): LoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'joined', options);
  }

  /** Then loads `path` with one `IN` query per relationship (chunked for long key lists). */
  selectinLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>): LoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'selectin');
  }

  /** Then loads `path` with a query that joins the children to the original query run as a subquery. */
  subqueryLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>): LoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'subquery');
  }

  /** Then leaves `path` unloaded (load it with session.load). */
  lazyLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>): NotLoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'select');
  }

  /** Then leaves `path` unloaded, with an error that says so when it is read. */
  raiseLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>): NotLoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'raise');
  }

  /** Then sets `path` to empty (an empty array or null) without loading it. */
  noLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>): NotLoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'noload');
  }

  /** Then loads `path` as eagerLoad does. */
  eagerLoad<Q extends string>(path: RelationPath<EntityAt<E, Last>, Q>): LoadingStep<E, P, Off, Last, Q> {
    return this.#then(path, 'auto');
  }

  /** The dotted path, for messages. */
  toString(): string {
    return `${this.entity.name}.${this.steps.map((s) => `${s.property}(${s.strategy})`).join('.')}`;
  }

  /** The option with the steps of `path` added, typed as the calling method says (`R`), as `root` is. */
  #then<R extends AnyLoadOption>(path: string, strategy: StepStrategy, options: JoinedLoadOptions = {}): R {
    return new LoadOption(this.entity, [...this.steps, ...stepsOf(path, { strategy, innerJoin: options.innerJoin ?? false }, this.entity)]) as R;
  }
}

type EntityClass<E> = abstract new (...args: any[]) => E;

/** What a root option loading the path `P` from `E` is typed as (a path loads every step of it). */
export type LoadingOption<E, P extends string> = LoadOption<E, P, never, P>;

/** What a root option that leaves `P` unloaded is typed as (every step of the path gets the strategy, so every prefix is off). */
export type NotLoadingOption<E, P extends string> = LoadOption<E, never, Prefixes<P>, P>;

/**
 * Loads a relationship with a LEFT OUTER JOIN in the same query (INNER with `innerJoin`
 * where the foreign key is NOT NULL). On a query with LIMIT, OFFSET or DISTINCT that loads
 * a collection this way, the query becomes a subquery and the joins attach outside it, so
 * the limit counts parents, not joined rows.
 * @example
 * const page = await session.scalars(select(User).orderBy((u) => u.name).limit(20).options(joinedLoad(User, 'posts')));
 */
export function joinedLoad<E, P extends string>(entity: EntityClass<E>, path: RelationPath<E, P>, options: JoinedLoadOptions = {}): LoadingOption<E, P> {
  return root(entity, path, 'joined', options);
}

/**
 * Loads a relationship after the query, with one `SELECT ... WHERE key IN (...)` per
 * relationship for all the parents (500 keys per statement).
 * @example
 * await session.scalars(select(User).options(selectinLoad(User, 'posts.comments')));
 */
export function selectinLoad<E, P extends string>(entity: EntityClass<E>, path: RelationPath<E, P>): LoadingOption<E, P> {
  return root(entity, path, 'selectin');
}

/** Loads a relationship after the query by joining the children to the original query, run again as a subquery. */
export function subqueryLoad<E, P extends string>(entity: EntityClass<E>, path: RelationPath<E, P>): LoadingOption<E, P> {
  return root(entity, path, 'subquery');
}

/** Leaves a relationship unloaded (overriding an eager default); load it with `session.load`. */
export function lazyLoad<E, P extends string>(entity: EntityClass<E>, path: RelationPath<E, P>): NotLoadingOption<E, P> {
  return root(entity, path, 'select');
}

/** Leaves a relationship unloaded, and reading it raises UnloadedRelationError saying so: a guard against N+1 patterns. */
export function raiseLoad<E, P extends string>(entity: EntityClass<E>, path: RelationPath<E, P>): NotLoadingOption<E, P> {
  return root(entity, path, 'raise');
}

/** Sets a relationship to empty (an empty array or null) without loading anything. */
export function noLoad<E, P extends string>(entity: EntityClass<E>, path: RelationPath<E, P>): NotLoadingOption<E, P> {
  return root(entity, path, 'noload');
}

/**
 * Loads relationships with the strategy that suits each step: a JOIN for to-one
 * relationships, an `IN` query for collections. Several paths may be given.
 * @example
 * await session.scalars(select(Post).options(...eagerLoad(Post, 'author', 'comments.author')));
 */
export function eagerLoad<E, P extends string>(entity: EntityClass<E>, ...paths: RelationPath<E, P>[]): [LoadingOption<E, P>, ...LoadingOption<E, P>[]] {
  if (paths.length === 0) throw new ArgumentError(`eagerLoad(${entity?.name ?? '?'}) needs at least one relationship path, e.g. eagerLoad(${entity?.name ?? 'User'}, 'posts').`);
  const [first, ...rest] = paths.map((path) => root<LoadingOption<E, P>>(entity, path, 'auto'));
  return [first!, ...rest];
}

/**
 * A root option, typed as its caller says (`R`): the type records the entity and path that the
 * value holds as `entity` and `steps`, which no checked expression can turn into a type.
 */
function root<R extends AnyLoadOption>(entity: Function, path: string, strategy: StepStrategy, options: JoinedLoadOptions = {}): R {
  if (typeof entity !== 'function') throw new ArgumentError(`A loader option starts from an entity class, e.g. selectinLoad(User, 'posts'); got ${String(entity)}.`);
  return new LoadOption(entity, stepsOf(path, { strategy, innerJoin: options.innerJoin ?? false }, entity)) as R;
}

/** The steps of a dotted path, each loaded as `how` says. */
export function stepsOf(path: string, how: Pick<LoadStep, 'strategy' | 'innerJoin'>, entity: Function): LoadStep[] {
  const { strategy, innerJoin } = how;
  if (typeof path !== 'string' || path.trim() === '') throw new ArgumentError(`A loader option on ${entity.name} needs a relationship name such as 'posts' or a dotted path such as 'posts.comments'.`);
  return path.split('.').map((property) => {
    const name = property.trim();
    if (name === '') throw new ArgumentError(`Loader path '${path}' on ${entity.name} has an empty step.`);
    return Object.freeze({ property: name, strategy, innerJoin });
  });
}

/** Flattens what `.options(...)` received. */
export function flattenOptions(options: readonly unknown[]): LoadOption[] {
  const out: LoadOption[] = [];
  for (const option of options) {
    if (Array.isArray(option)) out.push(...flattenOptions(option as readonly unknown[]));
    else if (option instanceof LoadOption) out.push(option);
    else throw new ArgumentError(`options() takes loader options such as joinedLoad(User, 'posts'); got ${String(option)}.`);
  }
  return out;
}

/** The paths the options `O` load for entity `E` (options built for `E` or a base class of it); none for an option typed only `LoadOption`, whose paths are unknown. */
export type PathsFor<O, E> = O extends LoadOption<infer R, infer P, any, any> ? (E extends R ? Known<P> : never) : never;

/** The paths the options `O` leave unloaded for entity `E`. */
export type OffFor<O, E> = O extends LoadOption<infer R, any, infer Off, any> ? (E extends R ? Known<Off> : never) : never;

/** `P` unless it is `string` or `any` (an option typed only `LoadOption`, or a path built at run time): then nothing. */
export type Known<P> = string extends P ? never : P;

/** What a session returns for entity `E` queried with loader options `O`: `Loaded<E, paths>`, or `E` when it has no relationships. */
export type LoadedBy<E, O> = LoadResult<E, PathsFor<O, E> | `!${OffFor<O, E>}`>;

/** The option types in a list of options (arrays flattened). */
export type OptionsIn<O extends readonly unknown[]> = [O] extends [readonly [infer First, ...infer Rest]] ? Present<First> | OptionsIn<Rest> : never;

/**
 * The options surely present in one argument: the option itself, or the members of a list
 * that has them for sure (a tuple, or eagerLoad's non-empty list). A list that may be empty
 * (`LoadOption[]`, a conditional spread) loads nothing as far as the types know.
 */
type Present<A> = A extends readonly unknown[] ? (A extends readonly [unknown, ...unknown[]] ? OptionsIn<A> | Present<A[number]> : never) : A;

/**
 * A loader option that applies to entity `E`, whatever it loads: one built for `E` or for a
 * base class of it (matched on the contravariant `builtFor`, as chaining makes the option's
 * own type covariant in its entity).
 */
export interface OptionOn<E> {
  readonly entity: Function;
  readonly steps: readonly LoadStep[];
  readonly builtFor?: (entity: E) => void;
}

/** A loader option of any entity, whatever it loads. */
export type AnyLoadOption = LoadOption<any, any, any, any>;

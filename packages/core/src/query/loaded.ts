/*
 * What the compiler knows about an entity's relationships: which properties are
 * relationships (their type is another entity), which paths through them are valid
 * (`'lines.product.category'`), and which ones a result has loaded (`Loaded<Order, 'lines'>`).
 * Decorators are invisible to types, so the few facts they alone hold (a key not named `id`,
 * columns the database fills in, relationships loaded by default, object-typed columns) are
 * declared on the class (metadata/type-declarations.ts).
 *
 * Everything here is type-level. Paths are checked step by step against
 * the path written, never by listing every path an entity has, so an entity with many or
 * self-referencing relationships costs the compiler no more than the path in hand.
 */
import type { ColumnProps, Declared, EagerProps, KeyProps, OptionalProps, PrimaryKeyProps } from '../metadata/type-declarations';
import type { DataKeys, ScalarValue } from './query-types';

/** Values that are never an entity, whatever properties they have. */
type NotEntity = ScalarValue | Date | Uint8Array | RegExp | Map<unknown, unknown> | Set<unknown> | ((...args: never[]) => unknown);

/** True for a type the compiler treats as an entity: an object with a key (`id`, or declared). */
export type IsEntity<T> = [T] extends [never] ? false : T extends NotEntity ? false : T extends object ? (typeof PrimaryKeyProps extends keyof T ? true : 'id' extends keyof T ? true : false) : false;

/** The entity a property holds: the element of a collection, or the related object. */
export type RelatedEntity<V> = NonNullable<V> extends readonly (infer I)[] ? I : NonNullable<V>;

/** The relationship properties of an entity: those holding another entity or a list of them (less those declared as columns). */
export type RelationKeys<E> = { [K in Exclude<DataKeys<E>, Declared<E, typeof ColumnProps>>]-?: IsEntity<RelatedEntity<E[K]>> extends true ? K : never }[Exclude<DataKeys<E>, Declared<E, typeof ColumnProps>>];

/** The relationships an entity loads by default, as declared with `EagerProps`. */
export type EagerKeys<E> = Declared<E, typeof EagerProps> & RelationKeys<E>;

/** The properties `insert(E).values(...)` may leave out besides nullable and optional ones. */
export type DefaultedKeys<E> = Declared<E, typeof OptionalProps>;

/**
 * A relationship path of `E` as the argument `P` spells it: `P` itself when every step is a
 * relationship of the entity before it, else the valid paths at the step that went wrong
 * (which is what the compiler's error and the editor's completion show). A valid path also
 * offers its next steps, so completion walks down one level at a time. A path known only at
 * run time (`string`) is left to the run-time check.
 */
export type RelationPath<E, P extends string = string> = string extends P ? string : CheckedPath<E, P>;

type CheckedPath<E, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends RelationKeys<E>
    ? `${Head}.${CheckedPath<RelatedEntity<E[Head]>, Rest>}`
    : RelationKeys<E>
  : P extends RelationKeys<E>
    ? P | NoInfer<`${P}.${RelationKeys<RelatedEntity<E[P]>>}`>
    : RelationKeys<E>;

/** The first step of each path. */
type Heads<P extends string> = P extends `${infer Head}.${string}` ? Head : P;

/** Paths named to load, and paths switched off (written `!path`: that step exactly is not loaded). */
type On<P extends string> = Exclude<P, `!${string}`>;
type Off<P extends string> = P extends `!${infer Rest}` ? Rest : never;

/** The relationships of this level that are switched off. */
type OffHere<P extends string> = Exclude<Off<P>, `${string}.${string}`>;

/** Every prefix of a dotted path, the path included: `'a.b.c'` gives `'a' | 'a.b' | 'a.b.c'`. */
export type Prefixes<P extends string, Before extends string = ''> = P extends `${infer Head}.${infer Rest}` ? `${Before}${Head}` | Prefixes<Rest, `${Before}${Head}.`> : `${Before}${P}`;

/** The paths below relationship `K`, without its name (switched-off ones keep their `!`). */
type Below<P extends string, K extends string> = (On<P> extends infer A extends string ? (A extends `${K}.${infer Rest}` ? Rest : never) : never) | (Off<P> extends infer B extends string ? (B extends `${K}.${infer Rest}` ? `!${Rest}` : never) : never);

/**
 * The relationships a `Loaded` view has loaded: named by a path or loaded by default, and not
 * switched off. A step switched off wins over any path through it, as a raise / lazy / noload
 * step stops loading below it at run time; where options disagree, the types say not loaded.
 */
type LoadedKeys<E, P extends string> = Exclude<Heads<On<P>> | EagerKeys<E>, OffHere<P>>;

/**
 * What `Loaded` keeps of its arguments, for `session.load` to add paths to an already loaded
 * view. The paths are optional keys beside a required anchor, so a view with more paths is
 * assignable to one with fewer.
 */
export interface LoadedMark<E, P extends string> {
  readonly entity: E;
  readonly paths: { readonly [K in P]?: true } & { readonly [anchor]: true };
}
declare const loadedMark: unique symbol;
declare const anchor: unique symbol;

/**
 * An entity object with the relationships named by `P` loaded (dotted paths for nested
 * ones: `'lines' | 'lines.product'`), as queries with loader options return it. Its other
 * relationships are typed `NotLoaded`, so reading them does not compile. Relationships the
 * entity loads by default (declared with `EagerProps`) count as loaded unless `P` switches
 * them off with a `!` (`'!author'`: what a `lazyLoad` / `raiseLoad` / `noLoad` option gives).
 * Objects made with `new` keep their declared types, and a `Loaded` view is accepted
 * wherever one with fewer paths is.
 * @example
 * function total(order: Loaded<Order, 'lines'>): number { return order.lines.reduce((n, l) => n + l.price, 0); }
 */
export type Loaded<E, P extends string = never> = {
  [K in keyof Marked<E, P>]: K extends RelationKeys<E>
    ? K extends LoadedKeys<E, P>
      ? LoadedValue<E[K], Below<P, K>>
      : LoadedValue<E[K], never> | NotLoaded<`${K} is not loaded: name it in a loader option (selectinLoad, joinedLoad, ...) or use what session.load(object, '${K}') returns`>
    : Marked<E, P>[K];
};

/** The entity's own properties and the mark, in one homomorphic mapped type (so errors print `Loaded<Order, "lines">`, not an intersection). */
type Marked<E, P extends string> = E & { readonly [loadedMark]?: LoadedMark<E, P> };

/** A loaded relationship's value: the related entity (or list) with the paths below loaded. */
type LoadedValue<V, P extends string> = V extends readonly (infer I)[]
  ? V extends unknown[]
    ? Loaded<I, P>[]
    : readonly Loaded<I, P>[]
  : V extends null | undefined
    ? V
    : Loaded<V, P>;

declare const notLoaded: unique symbol;

/**
 * The type of a relationship a result has not loaded. It has no members, so reading from
 * it (`order.lines.length`, `for (const l of order.lines)`) is a compile error whose message
 * carries this type's hint; assigning a new value is allowed.
 */
export interface NotLoaded<Hint extends string> {
  readonly [notLoaded]: Hint;
}

/** The entity of an object or a `Loaded` view. */
export type EntityOfLoaded<T> = T extends { readonly [loadedMark]?: infer M } ? (NonNullable<M> extends LoadedMark<infer E, string> ? E : T) : T;

/** The paths a `Loaded` view has loaded (never for a plain object). */
export type PathsOfLoaded<T> = T extends { readonly [loadedMark]?: infer M } ? (NonNullable<M> extends { readonly paths: infer S } ? Exclude<keyof S, typeof anchor> & string : never) : never;

/** What a query returns for entity `E` with paths `P` loaded: `E` itself when it has no relationships. */
export type LoadResult<E, P extends string = never> = [RelationKeys<E>] extends [never] ? E : Loaded<E, P>;

/** The key `session.get(E, key)` takes: the key property's type, or a tuple / object of them for a composite key. */
export type KeyOf<E> = KeyProps<E> extends [infer K extends keyof E & string]
  ? NonNullable<E[K]>
  : KeyProps<E> extends [] ? unknown : CompositeKey<E, KeyProps<E>>;
type CompositeKey<E, L> = { readonly [I in keyof L]: L[I] extends keyof E ? NonNullable<E[L[I]]> : never } | { readonly [K in (L extends readonly (infer I)[] ? I : never) & keyof E]: NonNullable<E[K]> };

/** The column properties an insert row must give. */
export type RequiredKeys<E> = {
  [K in DataKeys<E>]-?: K extends RelationKeys<E> | DefaultedKeys<E> | KeyProps<E>[number] ? never : Record<never, never> extends Pick<E, K> ? never : null extends E[K] ? never : undefined extends E[K] ? never : K;
}[DataKeys<E>];

/*
 * Compile-time types of the query layer: entity references (typed column proxies), the
 * row types statements yield, and the value types builders accept; plus the symbol under
 * which a reference keeps its source. Kept reasonable rather than exhaustive.
 */
import type { SqlFragment } from '../sql/sql-fragment';
import type { ColumnExpr, Expr } from './expression';
import type { ExcludedSource, FromSource } from './query-nodes';
import type { RelationRef } from './relation-ref';
import type { IsEntity, KeyOf, Loaded, RelatedEntity, RelationKeys, RequiredKeys } from './loaded';

/** An entity class. */
export type EntityClass<E = any> = abstract new (...args: any[]) => E;

/** Values stored in one column (json arrays of scalars included). */
export type ScalarValue = string | number | bigint | boolean | Date | Uint8Array | null | undefined;

/** The property names of an entity that hold data (methods left out). */
export type DataKeys<E> = { [K in keyof E]-?: E[K] extends (...args: any[]) => any ? never : K }[keyof E] & string;

/** Properties holding scalar values: columns for sure. */
export type ScalarKeys<E> = { [K in DataKeys<E>]: E[K] extends ScalarValue | readonly ScalarValue[] ? K : never }[DataKeys<E>];

/** Flattens an intersection for readable hover types. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * A row of an entity select: its column properties. Object-valued properties (json
 * columns, relationships) are optional, as relationships are never part of the row.
 * A foreign-key column with no property of its own comes under its column name (not
 * typed here); map it as a property too (`@Column() authorId`) to have it typed.
 */
export type EntityRow<E> = Simplify<{ [K in ScalarKeys<E>]: E[K] } & { [K in Exclude<DataKeys<E>, ScalarKeys<E>>]?: E[K] }>;

/** The reference type of one property: a relationship when it holds an entity (or a list of them), else a column expression. */
export type PropertyRef<V> = [NonNullable<V>] extends [ScalarValue]
  ? ColumnExpr<V>
  : IsEntity<RelatedEntity<V>> extends true
    ? NonNullable<V> extends readonly unknown[]
      ? CollectionRef<RelatedEntity<V>>
      : RelationRef<RelatedEntity<V>>
    : ColumnExpr<V>;

/** A collection in a query: joinable, not comparable (join it, or test it with `exists(select(...))`). */
export type CollectionRef<E> = Omit<RelationRef<E>, 'eq' | 'ne' | 'in' | 'notIn' | 'isNull' | 'isNotNull'>;

/** The key of a reference's internal slot: its FROM source and a compile-time marker of what it yields. */
export const REF: unique symbol = Symbol('strata.ref');

/** What a reference carries besides its columns. */
export interface RefSlot<Row, Kind extends 'entity' | 'selectable'> {
  readonly source: FromSource | ExcludedSource;
  readonly kind: Kind;
  readonly row?: Row;
}

/**
 * A typed reference to an entity in a query: its properties are column expressions and
 * relationships. Callbacks of `where`, `orderBy`, `join`... receive one per source.
 */
export type EntityRef<E> = { readonly [K in DataKeys<E>]-?: PropertyRef<E[K]> } & { readonly [REF]: RefSlot<E, 'entity'> };

/** A typed reference to a subquery or CTE: one expression per output column. */
export type SelectableRef<Row> = { readonly [K in keyof Row & string]-?: ColumnExpr<Row[K]> } & { readonly [REF]: RefSlot<Row, 'selectable'> };

/** Any entity reference, whatever its entity. */
export type AnyEntityRef = { readonly [REF]: RefSlot<any, 'entity'> };

/** Any subquery or CTE reference, whatever its rows. */
export type AnySelectableRef = { readonly [REF]: RefSlot<any, 'selectable'> };

/** What can be given where an entity is expected. */
export type EntityInput<E> = EntityClass<E> | EntityRef<E>;

/** The entity type of an entity input. */
export type EntityOf<I> = I extends EntityClass<infer E> ? E : I extends { readonly [REF]: RefSlot<infer E, 'entity'> } ? E : never;

/** The reference type of an entity input. */
export type RefOf<I> = EntityRef<EntityOf<I>>;

/** A value in a selection record. */
export type SelectionValue = Expr<any> | AnyEntityRef | SqlFragment;

/** Named things to select: `{ id: u.id, posts: func.count() }`. */
export type Selection = Record<string, SelectionValue>;

/** The row a selection record yields. */
export type RecordRow<S> = Simplify<{
  [K in keyof S]: S[K] extends Expr<infer T>
    ? T
    : S[K] extends { readonly [REF]: RefSlot<infer E, 'entity'> }
      ? EntityRow<E>
      : unknown;
}>;

/** A value assigned to a column in INSERT, UPDATE or an upsert: a value, an expression or a fragment. */
export type Assignable<V> = [NonNullable<V>] extends [ScalarValue]
  ? V | Expr<V> | SqlFragment
  : V | Partial<NonNullable<V>> | string | number | bigint | null | Expr<unknown> | SqlFragment;

/** The value a property takes in INSERT and UPDATE: a relationship takes the related object (loaded or not) or its key. */
type AssignedValue<E, K extends keyof E> = K extends RelationKeys<E> ? RelatedValue<E[K]> | Expr<unknown> | SqlFragment : Assignable<E[K]>;

/** A relationship's value as a write takes it: the related object(s), the key, or null where the property allows it. */
type RelatedValue<V> = NonNullable<V> extends readonly unknown[] ? readonly RelatedMatch<RelatedEntity<V>>[] : RelatedMatch<NonNullable<V>> | (null extends V ? null : never) | (undefined extends V ? null : never);

/** Values for UPDATE (and upserts), by property; relationships take the related object or its key. */
export type Assignments<E> = { [K in DataKeys<E>]?: AssignedValue<E, K> };

/**
 * A row of `insert(E).values(...)`: the column properties whose type is neither nullable nor
 * optional are required, except key properties (often generated) and those declared with
 * `OptionalProps`; unknown properties are refused. Relationships take the related object or its key.
 */
export type InsertValues<E> = { [K in RequiredKeys<E>]-?: AssignedValue<E, K> } & { [K in Exclude<DataKeys<E>, RequiredKeys<E>>]?: AssignedValue<E, K> };

/**
 * A related row as a relationship comparison or a write takes it: the object (loaded or not),
 * or its key, typed from the target's key property (a composite key as a tuple in key order or
 * an object holding the key properties). An object of another entity is refused even when it
 * has a key property of the same name and type. (At run time any object holding the key
 * properties is accepted, for JavaScript callers.)
 */
export type RelatedMatch<T> = Loaded<T> | KeyOf<T>;

/** What the shorthand takes for a to-one relationship: one related row (equality), a list of them (IN), or null. */
type RelationShorthand<V> = NonNullable<V> extends readonly unknown[] ? never : RelatedMatch<NonNullable<V>> | readonly RelatedMatch<NonNullable<V>>[] | null;

/**
 * The `where({ ... })` shorthand: equalities (IN for an array, IS NULL for null) on properties
 * of the first source. A to-one relationship takes objects or keys: `{ author: ann }`,
 * `{ author: 1 }`, `{ author: [1, 2] }` (IN), composite keys as tuples inside the list.
 */
export type Shorthand<E> = {
  [K in DataKeys<E>]?: K extends RelationKeys<E> ? RelationShorthand<E[K]> : E[K] | readonly NonNullable<E[K]>[] | Partial<NonNullable<E[K]>> | null;
};

/** The shorthand type for a list of references: the first one's entity. */
export type ShorthandOf<Refs extends readonly unknown[]> = Refs extends readonly [infer First, ...unknown[]]
  ? First extends { readonly [REF]: RefSlot<infer E, 'entity'> }
    ? Shorthand<E>
    : never
  : never;

/** The slot of a reference (entity, subquery or CTE), or undefined for anything else. */
export function slotOf(value: unknown): RefSlot<unknown, 'entity' | 'selectable'> | undefined {
  return value !== null && typeof value === 'object' ? (value as { [REF]?: RefSlot<unknown, 'entity' | 'selectable'> })[REF] : undefined;
}

/*
 * The facts about an entity that only its decorators hold, declared on the class for the
 * compiler: a key not named `id`, properties the database fills in, relationships loaded by
 * default, and object-typed columns. Each is an optional property under a symbol, written
 * with `declare` so it costs nothing at run time:
 *   declare [PrimaryKeyProps]?: ['tenantId', 'id'];
 * The decorators check at compile time that the declarations and the decorators agree.
 */

/**
 * Declares an entity's primary-key properties to the compiler when the key is not a single
 * property named `id`: `declare [PrimaryKeyProps]?: 'code'`, or a tuple in key order for a
 * composite key, `declare [PrimaryKeyProps]?: ['tenantId', 'id']`. `@PrimaryColumn` and
 * `@PrimaryGeneratedColumn` on any other property are compile errors until it is declared.
 */
export const PrimaryKeyProps: unique symbol = Symbol('strata.primaryKeyProps');

/**
 * Declares the properties an `insert(...).values(...)` row may leave out although their type
 * is not nullable, because the database or Strata fills them in (a column default, a
 * `@CreateDateColumn`, a `@VersionColumn`, a foreign key set through its relationship):
 * `declare [OptionalProps]?: 'createdAt' | 'status'`.
 */
export const OptionalProps: unique symbol = Symbol('strata.optionalProps');

/**
 * Declares the relationships loaded by default (their decorator's `lazy` is `'joined'`,
 * `'selectin'` or `'subquery'`), so query results type them as loaded:
 * `declare [EagerProps]?: 'author'`. The decorator refuses to compile when the two disagree.
 */
export const EagerProps: unique symbol = Symbol('strata.eagerProps');

/**
 * Declares properties that are columns although their type looks like an entity (a json
 * column holding objects with an `id`): `declare [ColumnProps]?: 'payload'`. They are never
 * taken for relationships.
 */
export const ColumnProps: unique symbol = Symbol('strata.columnProps');

/** The `lazy` values that load a relationship with its parent. */
export type EagerStrategy = 'joined' | 'selectin' | 'subquery';

/** The property names declared under one of the symbols above, or never. */
export type Declared<E, S extends symbol> = S extends keyof E ? ListItems<NonNullable<E[S]>> & string : never;
type ListItems<L> = L extends readonly (infer I)[] ? I : L;

/** The primary-key properties of an entity, in key order: declared with `PrimaryKeyProps`, else `id`. */
export type KeyProps<E> = typeof PrimaryKeyProps extends keyof E ? KeyList<NonNullable<E[typeof PrimaryKeyProps]>> : 'id' extends keyof E ? ['id'] : [];
type KeyList<L> = L extends readonly string[] ? L : L extends string ? [L] : [];

/*
 * The decorators users put on entity classes (TypeORM style). Each works under both calling
 * conventions: legacy decorators (`experimentalDecorators`, with `emitDecoratorMetadata` the
 * column types come from the TypeScript types) and standard (TC39) decorators, where a field
 * decorator sees no class: it leaves its declaration in the decorator metadata and the class
 * collects it (declarations.ts). They only record declarations; nothing is resolved or
 * validated here beyond what can be checked on the spot, so import order never matters.
 */
import { MetadataError } from '../errors/errors';
import type { SqlFragment } from '../sql/sql-fragment';
import type { EagerProps, EagerStrategy, KeyProps } from './type-declarations';
import { designTypeOf, loadTypeMetadataSupport } from './type-metadata';
import {
  declarationOf,
  deferDeclaration,
  registerEntityClass,
  settleDeferred,
  type ColumnDeclaration,
  type ColumnOptions,
  type EntityOptions,
  type LoaderStrategy,
  type ManyToManyOptions,
  type RelationDeclaration,
  type RelationKind,
  type RelationOptions,
  type ToOneOptions,
} from './declarations';

/** A property decorator, for either calling convention. */
export interface PropertyDecoratorFn {
  (prototype: object, propertyKey: string | symbol): void;
  (value: undefined, context: ClassFieldDecoratorContext): void;
}

/** A class decorator, for either calling convention. */
export type EntityClassDecorator = (target: Function, context?: ClassDecoratorContext) => void;

/**
 * A primary-key decorator. The compiler learns an entity's key from `PrimaryKeyProps` (or the
 * name `id`), so this decorator on any other property does not compile until it is declared.
 */
export interface PrimaryKeyDecorator {
  <T extends object, K extends string>(prototype: K extends KeyProps<T>[number] ? T : UndeclaredKey<K>, propertyKey: K): void;
  <T extends object, K extends string, V>(value: undefined, context: K extends KeyProps<T>[number] ? ClassFieldDecoratorContext<T, V> & { readonly name: K } : UndeclaredKey<K>): void;
}

/** The compile error of a primary-key decorator on a property the class does not declare as its key. */
export type UndeclaredKey<K extends string> = `'${K}' is a primary-key property: declare it to the compiler in the class, declare [PrimaryKeyProps]?: '${K}' (a tuple in key order for a composite key)`;

/**
 * A relationship decorator. Relationships loaded by default (`lazy` 'joined', 'selectin' or
 * 'subquery') are declared with `EagerProps` so query results type them as loaded; the
 * decorator does not compile when the declaration and `lazy` disagree.
 */
export interface RelationDecorator<L> {
  <T extends object, K extends string>(prototype: EagerAgrees<T, K, L> extends true ? T : EagerHint<K, L>, propertyKey: K): void;
  <T extends object, K extends string, V>(value: undefined, context: EagerAgrees<T, K, L> extends true ? ClassFieldDecoratorContext<T, V> & { readonly name: K } : EagerHint<K, L>): void;
}

/**
 * Eager `lazy` needs the declaration and a lazy one forbids it; a `lazy` not known to the
 * compiler (from a variable typed LoaderStrategy) leaves it to the declaration. No `lazy` is
 * tested first: without strictNullChecks `undefined` would pass for an eager strategy.
 */
type EagerAgrees<T, K extends string, L> = [L] extends [undefined]
  ? K extends DeclaredEager<T> ? false : true
  : [L] extends [EagerStrategy]
    ? K extends DeclaredEager<T> ? true : false
    : [L] extends [Exclude<LoaderStrategy, EagerStrategy> | undefined]
      ? K extends DeclaredEager<T> ? false : true
      : true;
type DeclaredEager<T> = typeof EagerProps extends keyof T ? NonNullable<T[typeof EagerProps]> & string : never;
type EagerHint<K extends string, L> = [L] extends [undefined]
  ? `'${K}' is declared in [EagerProps] but does not load by default: give it lazy: 'joined', 'selectin' or 'subquery', or take it out of [EagerProps]`
  : [L] extends [EagerStrategy]
    ? `'${K}' loads by default (lazy: '${L & string}'): declare it to the compiler in the class, declare [EagerProps]?: '${K}'`
    : `'${K}' is declared in [EagerProps] but does not load by default: give it lazy: 'joined', 'selectin' or 'subquery', or take it out of [EagerProps]`;

/** The decorator with the signature the compiler checks; the function itself only records. */
function checked<D>(decorate: PropertyDecoratorFn): D {
  return decorate as unknown as D;
}

/** What a property decorator records, once its class is known. */
type Recording = (target: Function, propertyName: string, designType: unknown) => void;

/**
 * A property decorator for both conventions: legacy decorators receive the prototype and the
 * name (and the TypeScript type as emitted metadata); a standard decorator receives a context
 * without the class, so its recording waits in the context's metadata until the class
 * collects it.
 */
function propertyDecorator(decorator: string, record: Recording): PropertyDecoratorFn {
  loadTypeMetadataSupport();
  return (first: object | undefined, second: string | symbol | ClassFieldDecoratorContext): void => {
    if (typeof second === 'object') {
      const context = second;
      if (context.kind !== 'field' || context.static || context.private || typeof context.name !== 'string') {
        throw new MetadataError(`@${decorator} goes on an instance field with a plain name; got ${context.static ? 'a static ' : context.private ? 'a private ' : ''}${context.kind} ${String(context.name)}.`);
      }
      const name = context.name;
      deferDeclaration(context, `@${decorator}`, (target) => record(target, name, undefined));
      return;
    }
    const prototype = first!;
    const name = propertyName_(prototype, second);
    record(prototype.constructor, name, designTypeOf(prototype, name));
  };
}

function addColumn(decorator: string, column: Omit<ColumnDeclaration, 'propertyName' | 'designType'>): PropertyDecoratorFn {
  return propertyDecorator(decorator, (target, propertyName, designType) => {
    const declaration = declarationOf(target);
    if (declaration.columns.some((c) => c.propertyName === propertyName) || declaration.relations.some((r) => r.propertyName === propertyName)) {
      throw new MetadataError(`${target.name}.${propertyName} has two column or relationship decorators; keep one.`);
    }
    declaration.columns.push({ ...column, propertyName, designType });
  });
}

function propertyName_(prototype: object, propertyKey: string | symbol): string {
  if (typeof propertyKey !== 'string') {
    throw new MetadataError(`${prototype.constructor.name}: a symbol-keyed property cannot be a column; use a string property name.`);
  }
  return propertyKey;
}

/**
 * Marks a class as an entity mapped to a table. The table name defaults to the naming
 * strategy's (snake_case of the class name).
 * @example
 * @Entity('users') class User { @PrimaryGeneratedColumn() id!: number; }
 */
export function Entity(nameOrOptions?: string | EntityOptions): EntityClassDecorator {
  return (target, context) => {
    // Standard decorators: the class's fields left their declarations in the metadata, which
    // is not on the class yet while its decorators run.
    if (context) settleDeferred(target, context.metadata);
    declarationOf(target).entity = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : { ...nameOrOptions };
    registerEntityClass(target);
  };
}

/**
 * Maps a property to a column. The type comes from the TypeScript type where that is
 * unambiguous (string -> varchar(255), number -> integer, boolean, Date -> timestamptz,
 * bigint, Buffer -> bytes); say it explicitly otherwise.
 * @example
 * @Column({ length: 100 }) name!: string;
 * @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
 */
export function Column(typeOrOptions?: ColumnOptions['type'] | ColumnOptions, maybeOptions: ColumnOptions = {}): PropertyDecoratorFn {
  const options = typeof typeOrOptions === 'object' && typeOrOptions !== null && !('toDriver' in typeOrOptions)
    ? (typeOrOptions)
    : { ...maybeOptions, type: typeOrOptions };
  return addColumn('Column', { options, primary: false });
}

/** A primary-key column whose value the application assigns. Several make a composite key. */
export function PrimaryColumn(typeOrOptions?: ColumnOptions['type'] | ColumnOptions, maybeOptions: ColumnOptions = {}): PrimaryKeyDecorator {
  const options = typeof typeOrOptions === 'object' && typeOrOptions !== null && !('toDriver' in typeOrOptions)
    ? (typeOrOptions)
    : { ...maybeOptions, type: typeOrOptions };
  return checked(addColumn('PrimaryColumn', { options, primary: true }));
}

/**
 * A generated primary key: `'increment'` (default: identity on PostgreSQL, AUTO_INCREMENT on
 * MySQL, INTEGER PRIMARY KEY on SQLite) or `'uuid'` (generated by Strata before insert).
 * @example
 * @PrimaryGeneratedColumn() id!: number;
 * @PrimaryGeneratedColumn('uuid') id!: string;
 */
export function PrimaryGeneratedColumn(strategy: 'increment' | 'uuid' | ColumnOptions = 'increment', maybeOptions: ColumnOptions = {}): PrimaryKeyDecorator {
  const generated = typeof strategy === 'string' ? strategy : 'increment';
  const options = typeof strategy === 'string' ? maybeOptions : strategy;
  if (generated !== 'increment' && generated !== 'uuid') {
    throw new MetadataError(`@PrimaryGeneratedColumn takes 'increment' or 'uuid'; got ${JSON.stringify(generated)}.`);
  }
  return checked(addColumn('PrimaryGeneratedColumn', { options: { type: generated === 'uuid' ? 'uuid' : undefined, ...options }, primary: true, generated }));
}

/** A `timestamptz` column set to the current time when the row is inserted. */
export function CreateDateColumn(options: ColumnOptions = {}): PropertyDecoratorFn {
  return addColumn('CreateDateColumn', { options: { type: 'timestamptz', ...options }, primary: false, role: 'createDate' });
}

/** A `timestamptz` column set to the current time on insert and on every update. */
export function UpdateDateColumn(options: ColumnOptions = {}): PropertyDecoratorFn {
  return addColumn('UpdateDateColumn', { options: { type: 'timestamptz', ...options }, primary: false, role: 'updateDate' });
}

/** An integer version for optimistic locking: checked and incremented on every update; a mismatch raises StaleDataError. */
export function VersionColumn(options: ColumnOptions = {}): PropertyDecoratorFn {
  return addColumn('VersionColumn', { options: { type: 'integer', ...options }, primary: false, role: 'version' });
}

function addRelation(kind: RelationKind, target: unknown, inverse: string | undefined, options: RelationDeclaration['options']): PropertyDecoratorFn {
  const decorator = { 'many-to-one': 'ManyToOne', 'one-to-many': 'OneToMany', 'one-to-one': 'OneToOne', 'many-to-many': 'ManyToMany' }[kind];
  return propertyDecorator(decorator, (ownerClass, propertyName) => {
    const owner = ownerClass.name;
    if (target === undefined) {
      throw new MetadataError(
        `${owner}.${propertyName}: the target of @${decorator} is undefined, which usually means an import cycle between entity files. ` +
          `Write the target as a function, @${decorator}(() => Target, ...), so it is read after every file has loaded.`,
      );
    }
    if (typeof target !== 'function') {
      throw new MetadataError(`${owner}.${propertyName}: @${decorator} needs the target entity class or a function returning it, e.g. () => Target.`);
    }
    // A class is passed directly or through an arrow function; classes have a prototype, arrows do not.
    const resolve = (target as { prototype?: unknown }).prototype === undefined ? (target as () => unknown) : () => target;
    const declaration = declarationOf(ownerClass);
    if (declaration.columns.some((c) => c.propertyName === propertyName) || declaration.relations.some((r) => r.propertyName === propertyName)) {
      throw new MetadataError(`${owner}.${propertyName} has two column or relationship decorators; keep one.`);
    }
    declaration.relations.push({ propertyName, kind, target: resolve, inverse, options: { ...options } });
  });
}

type Target<T> = (() => new (...args: any[]) => T) | (new (...args: any[]) => T);

/**
 * The owning side of a many-to-one: this table holds the foreign key.
 * @example
 * @ManyToOne(() => User, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: User;
 */
export function ManyToOne<T, L extends LoaderStrategy | undefined = undefined>(target: Target<T>, inverse?: string, options: ToOneOptions & { lazy?: L } = {}): RelationDecorator<L> {
  return checked(addRelation('many-to-one', target, inverse, options));
}

/**
 * The collection side of a one-to-many; the target's `@ManyToOne` named by `inverse` holds the key.
 * @example
 * @OneToMany(() => Post, 'author', { cascade: 'all, delete-orphan' }) posts!: Post[];
 */
export function OneToMany<T, L extends LoaderStrategy | undefined = undefined>(target: Target<T>, inverse: string, options: RelationOptions & { lazy?: L } = {}): RelationDecorator<L> {
  return checked(addRelation('one-to-many', target, inverse, options));
}

/** A one-to-one. The side given `joinColumn` holds the foreign key (with a UNIQUE constraint). */
export function OneToOne<T, L extends LoaderStrategy | undefined = undefined>(target: Target<T>, inverse?: string, options: ToOneOptions & { lazy?: L } = {}): RelationDecorator<L> {
  return checked(addRelation('one-to-one', target, inverse, options));
}

/**
 * A many-to-many through an association table: implicit (`joinTable` on the owning side)
 * or an explicit entity (`through`).
 * @example
 * @ManyToMany(() => Tag, 'photos', { joinTable: 'photo_tags' }) tags!: Tag[];
 */
export function ManyToMany<T, L extends LoaderStrategy | undefined = undefined>(target: Target<T>, inverse?: string, options: ManyToManyOptions & { lazy?: L } = {}): RelationDecorator<L> {
  return checked(addRelation('many-to-many', target, inverse, options));
}

/** Options of `@Index`. */
export interface IndexOptions {
  name?: string;
  unique?: boolean;
  /** A partial index condition, where the dialect supports it. */
  where?: string;
}

/**
 * An index: on a class over properties, or on one property.
 * @example
 * @Index(['lastName', 'firstName']) class Person {}
 * class Person { @Index() @Column() email!: string; }
 */
export function Index(propertiesOrOptions?: readonly string[] | IndexOptions, maybeOptions: IndexOptions = {}): EntityClassDecorator & PropertyDecoratorFn {
  const properties = Array.isArray(propertiesOrOptions) ? (propertiesOrOptions as readonly string[]) : undefined;
  const options = Array.isArray(propertiesOrOptions) ? maybeOptions : ((propertiesOrOptions as IndexOptions | undefined) ?? {});
  const add = (cls: Function, props: readonly string[] | undefined): void => {
    if (!props || props.length === 0) throw new MetadataError(`${cls.name}: @Index on a class needs the property names, e.g. @Index(['a', 'b']).`);
    declarationOf(cls).constraints.push({ kind: 'index', properties: props, name: options.name, unique: options.unique ?? false, where: options.where });
  };
  const onProperty = propertyDecorator('Index', (cls, propertyName) => add(cls, [propertyName]));
  return ((target: Function | object | undefined, second?: string | symbol | ClassFieldDecoratorContext | ClassDecoratorContext) => {
    if (typeof target === 'function') add(target, properties);
    else (onProperty as (target: object | undefined, second: unknown) => void)(target, second);
  });
}

/**
 * A UNIQUE constraint over several properties.
 * @example
 * @Unique(['tenantId', 'email'], { name: 'uq_tenant_email' }) class Account {}
 */
export function Unique(properties: readonly string[], options: { name?: string } = {}): EntityClassDecorator {
  return (target) => {
    if (properties.length === 0) throw new MetadataError(`${target.name}: @Unique needs at least one property name.`);
    declarationOf(target).constraints.push({ kind: 'unique', properties, name: options.name });
  };
}

/**
 * A CHECK constraint, written in SQL over column names.
 * @example
 * @Check('price >= 0', { name: 'ck_price_positive' }) class Product {}
 */
export function Check(expression: string | SqlFragment, options: { name?: string } = {}): EntityClassDecorator {
  return (target) => {
    const text = typeof expression === 'string' ? expression : expression.strings.join('?');
    if (typeof expression !== 'string' && expression.values.length > 0) {
      throw new MetadataError(`${target.name}: a @Check expression cannot have bound values; write it as plain SQL text.`);
    }
    declarationOf(target).constraints.push({ kind: 'check', expression: text, name: options.name });
  };
}

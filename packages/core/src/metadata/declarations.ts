/*
 * What the decorators record, verbatim, before anything is resolved: per class, its
 * entity options, columns, relations and table constraints. Resolution into
 * EntityMetadata (metadata-builder.ts) happens later, once every class is loaded.
 */
import { MetadataError } from '../errors/errors';
import type { SqlFragment } from '../sql/sql-fragment';
import type { ColumnTypeName, CustomType, DstPolicy } from './column-type';

/** Referential actions for foreign keys. */
export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'RESTRICT' | 'NO ACTION' | 'SET DEFAULT';

/** Loader strategies a relationship may default to. */
export type LoaderStrategy = 'select' | 'joined' | 'selectin' | 'subquery' | 'raise' | 'noload';

/** Options of `@Column`. */
export interface ColumnOptions {
  /** The logical type (or a custom type). Inferred from the TypeScript type where unambiguous. */
  type?: ColumnTypeName | CustomType<any, any>;
  /** Column name; the naming strategy's choice by default. */
  name?: string;
  /** varchar length (default 255). */
  length?: number;
  /** numeric precision and scale. */
  precision?: number;
  scale?: number;
  /** Allows NULL. Default false. */
  nullable?: boolean;
  /**
   * A default applied when a row is inserted without a value (by a flush or `insert()`): a
   * value, or a function called per insert. A literal number, string or boolean the column
   * stores as it is also becomes the column's server DEFAULT (in DDL and migrations), so rows
   * written by other tools get it too; functions and other values stay in JavaScript.
   */
  default?: unknown;
  /** A default computed by the database, e.g. sql`CURRENT_TIMESTAMP`, or a literal. */
  serverDefault?: SqlFragment | string | number | boolean;
  /** Adds a single-column UNIQUE constraint. */
  unique?: boolean;
  /** Adds a single-column index (named by the naming strategy; `ix_<table>_<column>` by default). Implied by unique. */
  index?: boolean;
  /** A comment stored with the column where the dialect supports it. */
  comment?: string;
  /** enum: the allowed values, as an array or a TypeScript string enum. */
  enum?: readonly string[] | Record<string, string>;
  /** enum: the database type name (PostgreSQL) or constraint name (SQLite). */
  enumName?: string;
  /** timestamp: the zone whose wall clock the column holds; the property is then a Date instant. */
  timeZone?: string;
  /** timestamp with timeZone: how to read a wall time in a DST gap or overlap. Default 'compatible'. */
  dst?: DstPolicy;
  /** bigint: read as a JavaScript bigint (default) or as a decimal string. */
  bigint?: 'bigint' | 'string';
}

/** A column as declared on a class. */
export interface ColumnDeclaration {
  readonly propertyName: string;
  readonly options: ColumnOptions;
  /** The `design:type` TypeScript emitted, if any. */
  readonly designType: unknown;
  readonly primary: boolean;
  readonly generated?: 'increment' | 'uuid';
  readonly role?: 'version' | 'createDate' | 'updateDate';
}

/** Options common to every relationship decorator. */
export interface RelationOptions {
  /** Cascades, as SQLAlchemy spells them: 'save-update, merge', 'all, delete-orphan', ... */
  cascade?: string | readonly string[];
  /** The default loader strategy. Default 'select' (explicit `session.load`). */
  lazy?: LoaderStrategy;
  /** Leave deleting children to the database's ON DELETE CASCADE. */
  passiveDeletes?: boolean;
  /** Collections: the order members are loaded in, as target properties: 'title', or ['createdAt desc', 'id']. */
  orderBy?: string | readonly string[];
}

/** How the foreign-key columns of an owning to-one relationship are named. */
export type JoinColumnOption = string | { name: string; referencedColumn?: string } | readonly { name: string; referencedColumn?: string }[];

/** Options of `@ManyToOne` and the owning side of `@OneToOne`. */
export interface ToOneOptions extends RelationOptions {
  /** Whether the foreign key may be NULL. Default true. */
  nullable?: boolean;
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  /** Foreign-key column name(s); on `@OneToOne`, giving it marks this side as the owner. */
  joinColumn?: JoinColumnOption | true;
  /** Use INNER JOIN when this relationship is joined-eager-loaded (needs a NOT NULL key). */
  innerJoin?: boolean;
}

/** The association table of a many-to-many relationship. */
export interface JoinTableOptions {
  name?: string;
  joinColumn?: string;
  inverseJoinColumn?: string;
}

/** Options of `@ManyToMany`. */
export interface ManyToManyOptions extends RelationOptions {
  /** Marks this side as the owner of the association table, optionally naming it. */
  joinTable?: true | string | JoinTableOptions;
  /** An explicit association entity instead of an implicit table. */
  through?: () => Function;
}

/** The kinds of relationship. */
export type RelationKind = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many';

/** A relationship as declared on a class. */
export interface RelationDeclaration {
  readonly propertyName: string;
  readonly kind: RelationKind;
  readonly target: () => unknown;
  /** The property on the target that points back, if bidirectional. */
  readonly inverse: string | undefined;
  readonly options: ToOneOptions & ManyToManyOptions;
}

/** A table-level index, unique constraint or check. */
export type ConstraintDeclaration =
  | { readonly kind: 'index'; readonly properties: readonly string[]; readonly name?: string; readonly unique: boolean; readonly where?: string }
  | { readonly kind: 'unique'; readonly properties: readonly string[]; readonly name?: string }
  | { readonly kind: 'check'; readonly expression: string; readonly name?: string };

/** Options of `@Entity`. */
export interface EntityOptions {
  /** Table name; the naming strategy's choice by default. */
  name?: string;
  /** A comment on the table. */
  comment?: string;
}

/** Everything declared on one class. */
export interface ClassDeclaration {
  entity: EntityOptions | undefined;
  readonly columns: ColumnDeclaration[];
  readonly relations: RelationDeclaration[];
  readonly constraints: ConstraintDeclaration[];
}

const declarations = new WeakMap<Function, ClassDeclaration>();
const entityClasses: Function[] = [];
let version = 0;

/*
 * Standard (TC39) decorators: a field decorator gets no class, only a context whose
 * `metadata` object the class's decorators share and the class keeps as `Symbol.metadata`.
 * Field decorators leave their recordings there; they are applied to the class when its
 * `@Entity` runs, or when the class is first looked up (a base class without `@Entity`).
 * Node has no `Symbol.metadata` before version 22-ish, and compilers emit metadata only when
 * it exists, so it is defined here, before any entity class is evaluated.
 */
const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for('Symbol.metadata');
const metadataKey: symbol = symbols.metadata;

/** Where deferred recordings wait in a class's decorator metadata. */
const DEFERRED = Symbol('strata.deferredDeclarations');

type Deferred = (target: Function) => void;

/** Leaves a standard field decorator's recording in the context's metadata, for its class to collect. */
export function deferDeclaration(context: { readonly metadata?: object | null }, decorator: string, record: Deferred): void {
  const metadata = context.metadata as Record<symbol, Deferred[] | undefined> | undefined | null;
  if (!metadata) {
    throw new MetadataError(
      `${decorator} ran as a standard decorator without decorator metadata: compile with TypeScript 5.2 or later (or esbuild 0.21+, swc with decorator version 2023-11), ` +
        'or use legacy decorators (experimentalDecorators and emitDecoratorMetadata in tsconfig.json).',
    );
  }
  // Own list only: a subclass's metadata inherits its base class's through the prototype chain.
  if (!Object.prototype.hasOwnProperty.call(metadata, DEFERRED)) metadata[DEFERRED] = [];
  metadata[DEFERRED]!.push(record);
}

/** Applies the recordings left in `metadata` (the class's own, by default) to the class, once. */
export function settleDeferred(target: Function, metadata: object | null | undefined = ownMetadata(target)): void {
  if (!metadata || !Object.prototype.hasOwnProperty.call(metadata, DEFERRED)) return;
  const waiting = (metadata as Record<symbol, Deferred[]>)[DEFERRED]!;
  (metadata as Record<symbol, Deferred[]>)[DEFERRED] = [];
  for (const record of waiting) record(target);
}

function ownMetadata(target: Function): object | undefined {
  return Object.prototype.hasOwnProperty.call(target, metadataKey) ? ((target as unknown as Record<symbol, object | undefined>)[metadataKey] ?? undefined) : undefined;
}

/** The declaration record of a class, created on first use. */
export function declarationOf(target: Function): ClassDeclaration {
  let declaration = declarations.get(target);
  if (!declaration) {
    declaration = { entity: undefined, columns: [], relations: [], constraints: [] };
    declarations.set(target, declaration);
  }
  settleDeferred(target);
  return declaration;
}

/** The declaration of a class if it has one; never creates one for a class nothing decorated. */
export function findDeclaration(target: Function): ClassDeclaration | undefined {
  settleDeferred(target);
  return declarations.get(target);
}

/** Callbacks the ORM layer installs, so mapped classes get their accessors without this layer knowing the ORM. */
export interface MetadataHooks {
  /** A class was decorated with `@Entity`. */
  entityDeclared?(target: Function): void;
  /** Metadata was resolved for these entities. */
  metadataBuilt?(entities: readonly import('./entity-metadata').EntityMetadata[]): void;
}

let hooks: MetadataHooks = {};

/** Installs the hooks (and runs `entityDeclared` for the classes declared so far). */
export function setMetadataHooks(next: MetadataHooks): void {
  hooks = next;
  for (const target of entityClasses) next.entityDeclared?.(target);
}

/** The installed hooks. */
export function metadataHooks(): MetadataHooks {
  return hooks;
}

/** Records a class decorated with `@Entity`. */
export function registerEntityClass(target: Function): void {
  if (!entityClasses.includes(target)) entityClasses.push(target);
  version++;
  hooks.entityDeclared?.(target);
}

/** Every class decorated with `@Entity` so far, in declaration order. */
export function declaredEntityClasses(): readonly Function[] {
  return entityClasses;
}

/** Changes whenever a class is declared, so registries know to re-resolve. */
export function declarationVersion(): number {
  return version;
}

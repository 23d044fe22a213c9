/*
 * The resolved, immutable description of mapped classes: entities with their columns,
 * keys, relationships and constraints, with every name chosen and every target found.
 * Built by metadata-builder.ts; read by SQL building, schema DDL, the Session and loaders.
 */
import type { SqlFragment } from '../sql/sql-fragment';
import type { ColumnType, DstPolicy } from './column-type';
import type { LoaderStrategy, ReferentialAction, RelationKind } from './declarations';

/** The cascade rules SQLAlchemy defines; `all` expands to all but delete-orphan. */
export type CascadeRule = 'save-update' | 'merge' | 'delete' | 'delete-orphan' | 'expunge' | 'refresh-expire';

/** A database-side default: an SQL expression, or a literal value the dialect renders. */
export type ServerDefault = { readonly sql: SqlFragment } | { readonly value: string | number | boolean };

/** One mapped column. */
export interface ColumnMetadata {
  /** The entity this column belongs to (its class name), for messages. */
  readonly entityName: string;
  /** The property holding the value; undefined for a foreign-key column with no property of its own. */
  readonly propertyName: string | undefined;
  readonly columnName: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly primary: boolean;
  /** Who generates the value: the database (`increment`) or Strata before insert (`uuid`). */
  readonly generated: 'increment' | 'uuid' | undefined;
  /** A JavaScript default applied on insert when the property is undefined. */
  readonly default: (() => unknown) | undefined;
  /** The default the database applies. */
  readonly serverDefault: ServerDefault | undefined;
  readonly unique: boolean;
  readonly comment: string | undefined;
  /** Version, creation-time and update-time columns are maintained by the unit of work. */
  readonly role: 'version' | 'createDate' | 'updateDate' | undefined;
  /** timestamp columns that hold a zone's wall clock. */
  readonly timeZone: string | undefined;
  readonly dst: DstPolicy;
  /** bigint columns: JavaScript bigint (default) or decimal string. */
  readonly bigintMode: 'bigint' | 'string';
  /** For a foreign-key column: the relationship it belongs to (property name). */
  readonly relationProperty: string | undefined;
}

/** The association table of a many-to-many. */
export interface JoinTableMetadata {
  readonly tableName: string;
  /** Columns pointing at the owning entity, paired with its referenced columns. */
  readonly ownerColumns: readonly { readonly name: string; readonly referenced: ColumnMetadata }[];
  /** Columns pointing at the target entity. */
  readonly targetColumns: readonly { readonly name: string; readonly referenced: ColumnMetadata }[];
  /** The explicit association entity, when `through` names one. */
  readonly entity: EntityMetadata | undefined;
  /** The name of the table's primary key (both key sets), as the DDL creates it. */
  readonly primaryKeyName: string;
  /** The names of the foreign keys from `ownerColumns` and from `targetColumns`, as the DDL creates them. */
  readonly ownerForeignKeyName: string;
  readonly targetForeignKeyName: string;
}

/** One relationship of an entity. */
export interface RelationMetadata {
  readonly entity: EntityMetadata;
  readonly propertyName: string;
  readonly kind: RelationKind;
  readonly target: EntityMetadata;
  /** The relationship on the target that mirrors this one, if bidirectional. */
  readonly inverse: RelationMetadata | undefined;
  /** True when this entity's table holds the foreign key (many-to-one, owning one-to-one) or owns the association table. */
  readonly owner: boolean;
  /**
   * The foreign-key columns and the columns they reference. For to-one owners they are on
   * this entity; for one-to-many and the non-owning one-to-one they are on the target.
   */
  readonly foreignKey: readonly { readonly column: ColumnMetadata; readonly referenced: ColumnMetadata }[];
  /** The name of the foreign-key constraint over `foreignKey` (whichever side holds it), as the DDL creates it; undefined for many-to-many. */
  readonly foreignKeyName: string | undefined;
  readonly joinTable: JoinTableMetadata | undefined;
  readonly nullable: boolean;
  readonly onDelete: ReferentialAction | undefined;
  readonly onUpdate: ReferentialAction | undefined;
  readonly cascade: ReadonlySet<CascadeRule>;
  readonly lazy: LoaderStrategy;
  readonly passiveDeletes: boolean;
  readonly innerJoin: boolean;
  /** True for one-to-many and many-to-many. */
  readonly isCollection: boolean;
  /** Collections: the order loaded members come in (`orderBy` on the decorator); undefined for none. */
  readonly orderBy: readonly { readonly column: ColumnMetadata; readonly direction: 'asc' | 'desc' }[] | undefined;
}

/** A named index over columns. */
export interface IndexMetadata {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly where: string | undefined;
}

/** A named unique constraint. */
export interface UniqueMetadata {
  readonly name: string;
  readonly columns: readonly string[];
}

/** A named check constraint. */
export interface CheckMetadata {
  readonly name: string;
  readonly expression: string;
}

/** One mapped entity class. */
export interface EntityMetadata {
  readonly target: Function;
  readonly name: string;
  readonly tableName: string;
  readonly comment: string | undefined;
  /** Every column, foreign keys included, in table order. */
  readonly columns: readonly ColumnMetadata[];
  readonly primaryKey: readonly ColumnMetadata[];
  readonly primaryKeyName: string;
  readonly relations: readonly RelationMetadata[];
  readonly indexes: readonly IndexMetadata[];
  readonly uniques: readonly UniqueMetadata[];
  readonly checks: readonly CheckMetadata[];
  readonly versionColumn: ColumnMetadata | undefined;
  /** Looks up a column by property name (mapped columns only). */
  column(propertyName: string): ColumnMetadata | undefined;
  /** Looks up a relationship by property name. */
  relation(propertyName: string): RelationMetadata | undefined;
}

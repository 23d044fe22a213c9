/*
 * The logical column types Strata knows, independent of any dialect. Each dialect maps
 * them to its SQL types (DDL), back from what its catalog reports (introspection), and
 * to and from its driver's values (x-types.ts in the dialect package).
 */

/** The names of the built-in logical types. */
export type ColumnTypeName =
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'numeric'
  | 'float'
  | 'double'
  | 'boolean'
  | 'varchar'
  | 'text'
  | 'json'
  | 'uuid'
  | 'enum'
  | 'bytes'
  | 'date'
  | 'timestamptz'
  | 'timestamp';

/** A DST policy for reading a wall-clock time in a zone: what to do in a gap or an overlap. */
export type DstPolicy = 'compatible' | 'earlier' | 'later' | 'reject';

/**
 * A column's logical type with its parameters. Frozen; part of the schema model that DDL,
 * introspection and the migration diff share.
 */
export interface ColumnType {
  readonly name: ColumnTypeName;
  /** varchar length. */
  readonly length?: number;
  /** numeric precision and scale. */
  readonly precision?: number;
  readonly scale?: number;
  /** enum: the allowed values, in declaration order. */
  readonly enumValues?: readonly string[];
  /** enum: the name of the database enum type (PostgreSQL), or of its CHECK (SQLite). */
  readonly enumName?: string;
  /** A custom type, when the column uses one (see `defineType`). */
  readonly custom?: CustomType<unknown, unknown>;
}

/**
 * A user-defined column type: a built-in storage type plus conversions.
 * @example
 * const Money = defineType<{ cents: number }, string>({
 *   name: 'money', storage: { name: 'numeric', precision: 12, scale: 2 },
 *   toDriver: (v) => (v.cents / 100).toFixed(2),
 *   fromDriver: (raw) => ({ cents: Math.round(Number(raw) * 100) }),
 * });
 */
export interface CustomType<JS, Stored> {
  /** A name for messages and migrations. */
  readonly name: string;
  /** The built-in type the value is stored as. */
  readonly storage: ColumnType;
  /** Converts the application value to the storage type's JavaScript value. */
  toDriver(value: JS): Stored;
  /** Converts the storage type's JavaScript value back to the application value. */
  fromDriver(value: Stored): JS;
}

/** Declares a custom column type. */
export function defineType<JS, Stored>(spec: CustomType<JS, Stored>): CustomType<JS, Stored> {
  return Object.freeze({ ...spec });
}

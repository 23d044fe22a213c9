/*
 * The one dialect-neutral schema model: what metadata-to-schema builds from entities,
 * what each dialect's introspector reads back from its catalog, and what DDL and the
 * migration diff work from. Plain frozen data; no SQL text beyond expressions.
 */
import type { ColumnType } from '../metadata/column-type';
import type { ReferentialAction } from '../metadata/declarations';
import { trimLeadingZeros, trimTrailingZeros } from '../types/decimal-text';

/** A literal default value; numbers for integer and float columns, decimal text for bigint and numeric. */
export type LiteralValue = string | number | boolean;

/**
 * A column default: an SQL expression (as written, or in canonical form once normalised)
 * or a literal value that the dialect renders.
 */
export type ColumnDefault =
  | { readonly kind: 'expression'; readonly sql: string }
  | { readonly kind: 'literal'; readonly value: LiteralValue };

/** One column of a table. */
export interface SchemaColumn {
  readonly name: string;
  /** The logical type (a custom type's storage type; never the custom type itself). */
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default: ColumnDefault | undefined;
  /** Filled by the database: identity, AUTO_INCREMENT, SQLite AUTOINCREMENT. */
  readonly autoIncrement: boolean;
  readonly comment: string | undefined;
  /**
   * Introspection only: the database's own type name when it has no logical equivalent
   * (`inet`, `xml`, ...). `type` is then `text`, a stand-in.
   */
  readonly nativeType?: string;
}

/** A primary key. `name` is undefined where the database does not keep one (MySQL). */
export interface SchemaPrimaryKey {
  readonly name: string | undefined;
  readonly columns: readonly string[];
}

/** A foreign-key constraint. */
export interface SchemaForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
}

/** An index that does not back a primary-key or unique constraint. */
export interface SchemaIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** A partial index's condition. */
  readonly where: string | undefined;
}

/** A UNIQUE constraint. */
export interface SchemaUnique {
  readonly name: string;
  readonly columns: readonly string[];
}

/** A CHECK constraint. */
export interface SchemaCheck {
  readonly name: string;
  readonly expression: string;
}

/** One table. */
export interface SchemaTable {
  readonly name: string;
  readonly comment: string | undefined;
  /** In table order. */
  readonly columns: readonly SchemaColumn[];
  readonly primaryKey: SchemaPrimaryKey | undefined;
  readonly foreignKeys: readonly SchemaForeignKey[];
  readonly indexes: readonly SchemaIndex[];
  readonly uniques: readonly SchemaUnique[];
  readonly checks: readonly SchemaCheck[];
}

/** A database enum type (PostgreSQL's CREATE TYPE ... AS ENUM). */
export interface SchemaEnum {
  readonly name: string;
  readonly values: readonly string[];
}

/** A whole schema: tables and the enum types they use. */
export interface DatabaseSchema {
  readonly tables: readonly SchemaTable[];
  readonly enums: readonly SchemaEnum[];
}

/** The referential action a foreign key has when none was declared. */
export const DEFAULT_ACTION: ReferentialAction = 'NO ACTION';

const NUMBERS = new Set(['integer', 'smallint', 'float', 'double']);
const EXACT = new Set(['bigint', 'numeric']);

/**
 * Puts a literal default into the form the model compares: real booleans for boolean
 * columns (1 / 't' / 'true' included), numbers for integer and float columns, decimal
 * text without trailing fractional zeros for bigint and numeric, text otherwise.
 */
export function normalizeLiteral(type: ColumnType, value: LiteralValue): LiteralValue {
  if (type.name === 'boolean') {
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (['1', 't', 'true', 'y', 'yes', 'on'].includes(text)) return true;
    if (['0', 'f', 'false', 'n', 'no', 'off'].includes(text)) return false;
    return value;
  }
  if (NUMBERS.has(type.name)) {
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    return typeof value !== 'boolean' && Number.isFinite(number) && String(value).trim() !== '' ? number : value;
  }
  if (EXACT.has(type.name) && typeof value !== 'boolean') {
    const text = String(value).trim();
    const match = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text);
    if (!match) return text;
    const whole = trimLeadingZeros(match[2]!) || '0';
    const fraction = trimTrailingZeros(match[3] ?? '');
    const sign = match[1] === '-' && !(whole === '0' && fraction === '') ? '-' : '';
    return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
  }
  return typeof value === 'string' ? value : String(value);
}

/*
 * PostgreSQL's name for a logical column type: what CREATE TABLE declares and what a cast
 * in a statement names (with its length or precision, or without for the element type of
 * an array parameter). A custom type is named by its storage type.
 */
import type { ColumnType } from '@strata/core';

const TYPES: Record<string, string> = {
  integer: 'integer',
  smallint: 'smallint',
  bigint: 'bigint',
  float: 'real',
  double: 'double precision',
  boolean: 'boolean',
  text: 'text',
  json: 'jsonb',
  uuid: 'uuid',
  bytes: 'bytea',
  date: 'date',
  timestamptz: 'timestamptz',
  timestamp: 'timestamp',
};

/** The SQL type of `type`; `quote` quotes an enum type's name. */
export function postgresTypeName(type: ColumnType, quote: (name: string) => string): string {
  if (type.custom) return postgresTypeName(type.custom.storage, quote);
  switch (type.name) {
    case 'varchar':
      return `varchar(${type.length ?? 255})`;
    case 'numeric':
      return type.precision === undefined ? 'numeric' : `numeric(${type.precision},${type.scale ?? 0})`;
    case 'enum':
      return quote(type.enumName!);
    default:
      return TYPES[type.name]!;
  }
}

/**
 * The type of `type` without length or precision: the element type of an array compared
 * with the column, as PostgreSQL types a parameter of `col IN ($1)` (a cast to `varchar(3)`
 * would silently cut a longer value instead of leaving it unmatched).
 */
export function postgresBaseTypeName(type: ColumnType, quote: (name: string) => string): string {
  if (type.custom) return postgresBaseTypeName(type.custom.storage, quote);
  if (type.name === 'varchar' || type.name === 'numeric') return type.name;
  return postgresTypeName(type, quote);
}

/*
 * Whether a column type change can lose values: autogenerate warns about such changes,
 * and a dialect's migration notes use it to tell a cheap type change from a rewrite.
 */
import type { ColumnType } from '../metadata/column-type';

/** Types each type's values always fit in (besides itself with the same parameters or wider ones). */
const WIDENING: Readonly<Record<string, readonly string[]>> = {
  smallint: ['integer', 'bigint', 'numeric', 'float', 'double', 'text', 'varchar'],
  integer: ['bigint', 'numeric', 'double', 'text'],
  bigint: ['numeric', 'text'],
  float: ['double', 'text'],
  double: ['text'],
  varchar: ['text'],
  enum: ['text', 'varchar'],
  uuid: ['text', 'varchar'],
  date: ['timestamp', 'timestamptz', 'text'],
  timestamp: ['timestamptz', 'text'],
  boolean: ['text', 'integer', 'smallint', 'bigint'],
};

/**
 * True when values of a column of type `from` may not fit type `to`: a shorter varchar, a
 * smaller numeric, an enum losing values, or a type that is not a known widening.
 * @example
 * narrowsType({ name: 'varchar', length: 100 }, { name: 'varchar', length: 50 }) // true
 */
export function narrowsType(from: ColumnType, to: ColumnType): boolean {
  if (from.name === to.name) {
    if (from.name === 'varchar') return (to.length ?? 255) < (from.length ?? 255);
    if (from.name === 'numeric') return (to.precision ?? 1000) < (from.precision ?? 1000) || (to.scale ?? 0) < (from.scale ?? 0);
    if (from.name === 'enum') return (from.enumValues ?? []).some((v) => !(to.enumValues ?? []).includes(v));
    return false;
  }
  return !(WIDENING[from.name] ?? []).includes(to.name);
}

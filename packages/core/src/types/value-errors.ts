/*
 * The messages of the types layer: which column a bad value was meant for and the rule it
 * broke, with the kind of value (a string of 12 characters, a number) but never the value
 * itself, which may be a password or personal data. Used by the checks that run on every
 * write and the readers that run on every row, so building a message happens only on failure.
 */
import { ValidationError } from '../errors/errors';
import type { ColumnMetadata } from '../metadata/entity-metadata';

/** `Entity.property`, plus the column name when it differs, for messages. */
export function columnLabel(column: ColumnMetadata): string {
  const property = column.propertyName ?? column.relationProperty;
  if (property === undefined) return `${column.entityName}.${column.columnName}`;
  return property === column.columnName ? `${column.entityName}.${property}` : `${column.entityName}.${property} (column ${column.columnName})`;
}

/** What kind of value it is, for an error message: its type and size, never its content. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
    case 'number':
      return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'a number' : 'an infinite number';
    case 'bigint':
      return 'a bigint';
    case 'boolean':
      return 'a boolean';
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** The error for an application value a column cannot store. */
export function invalidValue(column: ColumnMetadata, value: unknown, expected: string, cause?: unknown): ValidationError {
  return new ValidationError(
    `Cannot store ${describeValue(value)} in ${columnLabel(column)}: ${expected}.`,
    { entity: column.entityName, column: column.propertyName ?? column.columnName },
    cause === undefined ? undefined : { cause },
  );
}

/** The error for a value the database returned that the column's type cannot read. */
export function unreadableValue(column: ColumnMetadata, value: unknown, expected: string, cause?: unknown): ValidationError {
  return new ValidationError(
    `Cannot read ${describeValue(value)} from ${columnLabel(column)}: ${expected}. Check the column's SQL type and the driver options.`,
    { entity: column.entityName, column: column.propertyName ?? column.columnName },
    cause === undefined ? undefined : { cause },
  );
}

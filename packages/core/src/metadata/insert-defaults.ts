/*
 * The values a new row gets for the columns it leaves out, computed in JavaScript: one
 * rule shared by the unit of work (a flush) and the insert() builder, so an object saved
 * through a session and a row inserted by a statement come out the same.
 */
import { randomUUID } from 'node:crypto';
import type { ColumnMetadata } from './entity-metadata';

/**
 * The value an insert gives `column` when none was set, or undefined to leave it to the
 * database: a generated UUID key, the JavaScript `default`, 1 for a version column, `now`
 * for creation and update dates (unless they have a server default).
 * @example
 * insertDefault(entity.column('createdAt')!, new Date()) // a copy of the date given
 */
export function insertDefault(column: ColumnMetadata, now: Date): unknown {
  if (column.generated === 'uuid') return randomUUID();
  if (column.default) return column.default();
  if (column.role === 'version') return 1;
  if ((column.role === 'createDate' || column.role === 'updateDate') && column.serverDefault === undefined) return new Date(now);
  return undefined;
}

/** Fills `values` (one per column of `columns`, in order) where they are undefined, by `insertDefault`. */
export function fillInsertDefaults(columns: readonly ColumnMetadata[], values: unknown[], now: Date): void {
  for (let i = 0; i < columns.length; i++) {
    if (values[i] !== undefined) continue;
    const value = insertDefault(columns[i]!, now);
    if (value !== undefined) values[i] = value;
  }
}

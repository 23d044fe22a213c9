/*
 * Exact BIGINT reads for SqliteConnection. better-sqlite3 returns integers as numbers,
 * which lose precision past 2^53, unless a statement reads with safeIntegers. Statements
 * whose result has a column declared BIGINT, or a column the caller asks to read exactly
 * (a bigint key must be declared INTEGER to alias the rowid), read that way, and their
 * other integer columns are narrowed back to numbers; other statements read as before.
 */
import type { Statement } from 'better-sqlite3';

/** Declared types that mean a 64-bit integer: BIGINT, UNSIGNED BIG INT, INT8. */
const BIGINT_DECLARED = /\b(?:BIG\s*INT|INT8)\b/i;

/** Per statement: the result columns to narrow back to numbers. Absent for statements that read as usual. */
const narrowed = new WeakMap<Statement, readonly string[]>();

/**
 * Sets a statement to read BIGINT columns, and the columns named in `exact`, as JavaScript
 * bigints when it has any. The same SQL text always asks for the same columns, so the
 * setting sticks to the (cached) statement.
 */
export function readBigintsExactly(statement: Statement, exact: readonly string[] = []): void {
  if (!statement.reader || (narrowed.has(statement) && exact.length === 0)) return;
  const columns = statement.columns();
  const isExact = (c: { name: string; type: string | null }) => (c.type !== null && BIGINT_DECLARED.test(c.type)) || exact.includes(c.name);
  if (!columns.some(isExact)) return;
  statement.safeIntegers(true);
  narrowed.set(statement, columns.filter((c) => !isExact(c)).map((c) => c.name));
}

/** Turns the bigints of a row's non-BIGINT columns back into numbers, as the statement would have read them. */
export function narrowRow<R extends Record<string, unknown>>(statement: Statement, row: R): R {
  const names = narrowed.get(statement);
  if (names === undefined) return row;
  for (const name of names) {
    const value = row[name];
    if (typeof value === 'bigint') (row as Record<string, unknown>)[name] = Number(value);
  }
  return row;
}

/** narrowRow over a result set. */
export function narrowRows<R extends Record<string, unknown>>(statement: Statement, rows: R[]): R[] {
  if (narrowed.has(statement)) for (const row of rows) narrowRow(statement, row);
  return rows;
}

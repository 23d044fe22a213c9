/*
 * Exact BIGINT reads for SqliteConnection. better-sqlite3 returns integers as numbers,
 * which lose precision past 2^53, unless a statement reads with safeIntegers. Statements
 * whose result has a column declared BIGINT read that way, and their other integer
 * columns are narrowed back to numbers; every other statement reads exactly as before.
 */
import type { Statement } from 'better-sqlite3';

/** Declared types that mean a 64-bit integer: BIGINT, UNSIGNED BIG INT, INT8. */
const BIGINT_DECLARED = /\b(?:BIG\s*INT|INT8)\b/i;

/** Per statement: the result columns to narrow back to numbers. Absent for statements that read as usual. */
const narrowed = new WeakMap<Statement, readonly string[]>();

/** Sets a freshly prepared statement to read BIGINT columns as JavaScript bigints when it has any. */
export function readBigintsExactly(statement: Statement): void {
  if (!statement.reader) return;
  const columns = statement.columns();
  const isBigint = (type: string | null) => type !== null && BIGINT_DECLARED.test(type);
  if (!columns.some((c) => isBigint(c.type))) return;
  statement.safeIntegers(true);
  narrowed.set(statement, columns.filter((c) => !isBigint(c.type)).map((c) => c.name));
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

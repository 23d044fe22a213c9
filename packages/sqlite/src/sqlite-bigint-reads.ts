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

/** The result columns of an exact-reading statement to narrow back to numbers, by name and by position. */
interface Narrowing {
  readonly names: readonly string[];
  readonly positions: readonly number[];
  /** The caller's exact columns this was worked out for (the same SQL text always asks for the same). */
  readonly exact: readonly string[] | undefined;
}

/** Per statement: what to narrow. Absent for statements that read as usual. */
const narrowed = new WeakMap<Statement, Narrowing>();
/** Statements already looked at (with no exact columns asked for) that read as usual. */
const plain = new WeakSet<Statement>();

/**
 * Sets a statement to read BIGINT columns, and the columns named in `exact`, as JavaScript
 * bigints when it has any. The same SQL text always asks for the same columns, so the
 * setting sticks to the (cached) statement and is worked out once.
 */
export function readBigintsExactly(statement: Statement, exact: readonly string[] = []): void {
  if (!statement.reader) return;
  const known = narrowed.get(statement);
  if (known && (exact.length === 0 || known.exact === exact)) return;
  if (!known && exact.length === 0 && plain.has(statement)) return;
  const columns = statement.columns();
  const isExact = (c: { name: string; type: string | null }) => (c.type !== null && BIGINT_DECLARED.test(c.type)) || exact.includes(c.name);
  if (!columns.some(isExact)) {
    if (exact.length === 0) plain.add(statement);
    return;
  }
  statement.safeIntegers(true);
  const positions = columns.flatMap((c, i) => (isExact(c) ? [] : [i]));
  narrowed.set(statement, { names: positions.map((i) => columns[i]!.name), positions, exact: exact.length > 0 ? exact : undefined });
}

/** Turns the bigints of a row's non-BIGINT columns back into numbers, as the statement would have read them. */
export function narrowRow<R extends Record<string, unknown> | unknown[]>(statement: Statement, row: R): R {
  const narrowing = narrowed.get(statement);
  if (narrowing === undefined) return row;
  if (Array.isArray(row)) {
    for (const i of narrowing.positions) if (typeof row[i] === 'bigint') row[i] = Number(row[i]);
    return row;
  }
  // tsc does not narrow a generic parameter by the Array.isArray branch above; the lint's type view does.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const record = row as Record<string, unknown>;
  for (const name of narrowing.names) if (typeof record[name] === 'bigint') record[name] = Number(record[name]);
  return row;
}

/** narrowRow over a result set. */
export function narrowRows<R extends Record<string, unknown> | unknown[]>(statement: Statement, rows: R[]): R[] {
  if (narrowed.has(statement)) for (const row of rows) narrowRow(statement, row);
  return rows;
}

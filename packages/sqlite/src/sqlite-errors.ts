/*
 * Sorts better-sqlite3 errors into Strata's kinds by SQLITE_* code, reading the
 * constraint, or the table and columns, from the message where SQLite names them.
 */
import { ClosedConnectionError, type ErrorClassification, type ViolationKind } from '@strata/core/dialect';

const VIOLATIONS: Readonly<Record<string, ViolationKind>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_CHECK: 'check',
};

/** Classifies an error thrown by better-sqlite3. */
export function classifySqliteError(error: unknown): ErrorClassification {
  if (error instanceof ClosedConnectionError) return { kind: 'disconnect', neverSent: true };
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = String((error as Error)?.message ?? '');
  if (error instanceof TypeError || error instanceof RangeError) return { kind: 'programming', code };
  if (!code) {
    if (/connection is not open/i.test(message)) return { kind: 'disconnect', neverSent: true };
    return { kind: 'operational' };
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) return integrity(code, message);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'serialization', code };
  if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') return { kind: 'data', code };
  if (code === 'SQLITE_RANGE') return { kind: 'programming', code };
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB') return { kind: 'connect', code };
  if (code === 'SQLITE_ERROR' && !/disk|memory|interrupt/i.test(message)) return { kind: 'programming', code };
  return { kind: 'operational', code };
}

/**
 * UNIQUE and NOT NULL failures name table and columns (`users.email`, `t.a, t.b`), or an
 * index on expressions (`index 'ix'`); CHECK names the constraint; FOREIGN KEY names nothing.
 * Constraint names for the first two come from the metadata (see describeViolation).
 */
function integrity(code: string, message: string): ErrorClassification {
  const violation = VIOLATIONS[code];
  // The last line only, as `(.+)$` read it; searched for the phrase alone, so a long message costs one pass.
  const line = message.slice(message.lastIndexOf('\n') + 1);
  const at = line.search(/constraint failed: /i);
  const subject = at < 0 || at + 19 >= line.length ? undefined : line.slice(at + 19).trim();
  if (subject === undefined || violation === undefined || violation === 'foreign_key') return { kind: 'integrity', code, violation };
  if (violation === 'check') return { kind: 'integrity', code, violation, constraint: subject };
  const index = /^index '(.+)'$/.exec(subject)?.[1];
  if (index !== undefined) return { kind: 'integrity', code, violation, constraint: index };
  const cells = subject.split(', ').map((cell) => /^(.+)\.([^.]+)$/.exec(cell));
  const table = cells[0]?.[1];
  if (!table || cells.some((cell) => cell?.[1] !== table)) return { kind: 'integrity', code, violation };
  return { kind: 'integrity', code, violation, table, columns: cells.map((cell) => cell![2]!) };
}

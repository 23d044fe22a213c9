/*
 * Sorts better-sqlite3 errors into Strata's kinds by SQLITE_* code, reading the
 * constraint from the message where SQLite names it.
 */
import { ClosedConnectionError, type ErrorClassification } from '@strata/core';

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
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    const named = /constraint failed: (.+)$/i.exec(message);
    return { kind: 'integrity', code, constraint: named?.[1]?.trim() };
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'serialization', code };
  if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') return { kind: 'data', code };
  if (code === 'SQLITE_RANGE') return { kind: 'programming', code };
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB') return { kind: 'connect', code };
  if (code === 'SQLITE_ERROR' && !/disk|memory|interrupt/i.test(message)) return { kind: 'programming', code };
  return { kind: 'operational', code };
}

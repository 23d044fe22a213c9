/*
 * Sorts pg driver errors into Strata's kinds by SQLSTATE class, and by Node socket
 * codes and pg's own messages for connections that died.
 */
import { ClosedConnectionError, type ErrorClassification, type ViolationKind } from '@strata/core/dialect';

/** SQLSTATEs after which the connection cannot be used. */
const DISCONNECT_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '25P03']);
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** pg's messages for a client that refuses to send because its connection is gone. */
const NOT_QUERYABLE = /not queryable|Client was closed/i;
const TERMINATED = /Connection terminated|terminating connection|server closed the connection/i;

/** The fields pg copies from the server's error report. */
interface PgViolation {
  readonly constraint?: unknown;
  readonly table?: unknown;
  readonly column?: unknown;
  readonly detail?: unknown;
}

const VIOLATIONS: Readonly<Record<string, ViolationKind>> = { '23505': 'unique', '23503': 'foreign_key', '23502': 'not_null', '23514': 'check' };

/** Classifies an error thrown by the pg driver. */
export function classifyPostgresError(error: unknown): ErrorClassification {
  if (error instanceof ClosedConnectionError) return { kind: 'disconnect', neverSent: true };
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const cls = code.slice(0, 2);
    // Class 08 can also be raised by extensions on a healthy connection; a real loss closes the socket, which the engine checks.
    if (DISCONNECT_STATES.has(code)) return { kind: 'disconnect', code };
    if (cls === '23') return integrity(code, error as PgViolation);
    if (cls === '22') return { kind: 'data', code };
    if (code === '40001' || code === '40P01') return { kind: 'serialization', code };
    // Class 21 (cardinality_violation): the statement's rows are wrong, e.g. a multi-row upsert that names one key twice.
    if (cls === '42' || cls === '21' || cls === '26' || cls === '34' || cls === '0A' || cls === '2B' || cls === '3F') return { kind: 'programming', code };
    if (cls === '28' || code === '3D000') return { kind: 'connect', code };
    return { kind: 'operational', code };
  }
  if (code && SOCKET_CODES.has(code)) return { kind: 'disconnect', code };
  if (NOT_QUERYABLE.test(message)) return { kind: 'disconnect', neverSent: true };
  if (TERMINATED.test(message)) return { kind: 'disconnect' };
  if (/bind message supplies|could not determine data type/i.test(message)) return { kind: 'programming', code };
  return { kind: 'operational', code };
}

/**
 * An integrity error with the constraint, table and columns the server reported. The
 * columns come from the detail line (`Key (a, b)=(...)`); a DELETE's foreign-key detail
 * lists the referenced table's key instead, so it is not read as the key's columns.
 */
function integrity(code: string, e: PgViolation): ErrorClassification {
  const violation = VIOLATIONS[code];
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const table = text(e.table);
  if (violation === 'not_null') {
    // PostgreSQL 18 names NOT NULL constraints; the other servers do not, so none is reported.
    const column = text(e.column);
    return { kind: 'integrity', code, violation, table, columns: column ? [column] : undefined };
  }
  const detail = text(e.detail) ?? '';
  const keyed = violation === 'unique' || (violation === 'foreign_key' && /is not present in table/.test(detail));
  return { kind: 'integrity', code, violation, constraint: text(e.constraint), table, columns: keyed ? keyColumns(detail) : undefined };
}

/** The column names of a `Key (a, "B c")=(...)` detail; undefined when it lists an expression. */
function keyColumns(detail: string): string[] | undefined {
  const list = /^Key \((.+?)\)=\(/.exec(detail)?.[1];
  if (list === undefined) return undefined;
  const names: string[] = [];
  for (const part of list.match(/\s*(?:"(?:[^"]|"")*"|[^,]+)/g) ?? []) {
    const name = part.trim();
    if (/^"(?:[^"]|"")*"$/.test(name)) names.push(name.slice(1, -1).replace(/""/g, '"'));
    else if (/^[\p{L}_][\p{L}\p{N}_$]*$/u.test(name)) names.push(name);
    else return undefined;
  }
  return names.length > 0 ? names : undefined;
}

/** Words after which PostgreSQL's messages quote a name, not a value. */
const NAMED = /\b(?:constraint|relation|table|column|type|encoding|schema|index|sequence|database|role|function|operator|trigger|view|savepoint|cursor|statement|portal|extension|domain|collation|user|attribute|parameter|policy|tablespace|server|language|rule)\s*$/i;

/**
 * Hides the values in a PostgreSQL error text: a key's values (`Key (email)=(***) already
 * exists`), a failing row (`Failing row contains (***)`), an invalid input (`... for type
 * integer: "***"`), bytes and JSON text it quotes, and any other quoted text that does not
 * follow a word naming an object (`constraint "users_email_key"` stays; a parameter's
 * `$1 = '...'` and a PL/pgSQL `SQL statement "..."` context go).
 */
export function hidePostgresValues(text: string): string {
  const known = text
    .replace(/(\)=\()(.*)(\) (?:already exists|is not present in table|is still referenced from table|conflicts with existing key))/gs, '$1***$3')
    .replace(/(existing key \(.*?\)=\().*(\)\.?)$/s, '$1***$2')
    .replace(/(Failing row contains \().*(\))/gs, '$1***$2')
    .replace(/(: )".*"(\.?)$/s, '$1"***"$2')
    .replace(/(value )".*"( is out of range)/gs, '$1"***"$2')
    .replace(/(encoding "[^"]*": )0x[0-9a-f]{2}(?: 0x[0-9a-f]{2})*/gi, '$1***')
    .replace(/(JSON data, line \d+: ).*/g, '$1***');
  return known.replace(/"(?:[^"]|"")*"|'(?:[^']|'')*'/g, (quoted, at: number) =>
    quoted.slice(1, -1) === '***' || NAMED.test(known.slice(Math.max(0, at - 40), at)) ? quoted : `${quoted[0]}***${quoted[0]}`,
  );
}

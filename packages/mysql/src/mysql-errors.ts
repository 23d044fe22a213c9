/*
 * Sorts mysql2 errors into Strata's kinds by server errno, and by mysql2's and Node's
 * codes for connections that died. The code reported is the error's name, e.g. ER_DUP_ENTRY.
 */
import { ClosedConnectionError, type ErrorClassification, type ErrorKind, type ViolationKind } from '@strata/core/dialect';

const KINDS: Readonly<Record<number, ErrorKind>> = {
  // integrity: duplicate key, foreign keys, NOT NULL, no default, CHECK (MySQL 3819, MariaDB 4025)
  1062: 'integrity', 1451: 'integrity', 1452: 'integrity', 1048: 'integrity', 1364: 'integrity',
  3819: 'integrity', 1557: 'integrity', 1586: 'integrity', 1216: 'integrity', 1217: 'integrity',
  // data: out of range, truncated, incorrect value, too long, invalid JSON
  1264: 'data', 1265: 'data', 1366: 'data', 1406: 'data', 1292: 'data', 1367: 'data', 1690: 'data',
  3140: 'data', 1365: 'data', 1411: 'data',
  1213: 'serialization', 1205: 'serialization',
  // TiDB (MySQL protocol): write conflict, stale-timestamp write conflict, retryable KV error, schema changed meanwhile, SELECT FOR UPDATE conflict.
  9007: 'serialization', 8005: 'serialization', 8022: 'serialization', 8028: 'serialization', 8002: 'serialization',
  // disconnect: client-side gone-away / lost, MariaDB's connection killed, server shutdown
  2006: 'disconnect', 2013: 'disconnect', 2055: 'disconnect', 1927: 'disconnect', 1053: 'disconnect',
  // programming: syntax, unknown table / column / database, wrong arguments, ambiguous, value count
  1064: 'programming', 1149: 'programming', 1146: 'programming', 1054: 'programming', 1049: 'programming',
  1210: 'programming', 1052: 'programming', 1109: 'programming', 1110: 'programming', 1136: 'programming',
  1046: 'programming', 1050: 'programming', 1051: 'programming', 1060: 'programming', 1061: 'programming',
  1091: 'programming', 1305: 'programming', 1582: 'programming',
};

/** mysql2's and Node's codes for a socket that died under a statement. */
const SOCKET_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH',
  'ECONNABORTED', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN',
]);
/** mysql2 refusing to send on a connection it already closed: the statement never left. */
const NEVER_SENT = /closed state|PROTOCOL_ENQUEUE_AFTER_(QUIT|FATAL_ERROR|DESTROY)/;

/** Classifies an error thrown by the mysql2 driver. */
export function classifyMysqlError(error: unknown): ErrorClassification {
  if (error instanceof ClosedConnectionError) return { kind: 'disconnect', neverSent: true };
  const e = error as { code?: unknown; errno?: unknown; sqlState?: unknown; message?: unknown };
  const errno = typeof e?.errno === 'number' ? e.errno : undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  const name = typeof e?.code === 'string' ? e.code : undefined;
  const code = name ?? (errno === 1927 ? 'ER_CONNECTION_KILLED' : errno !== undefined ? String(errno) : undefined);
  if (NEVER_SENT.test(message) || NEVER_SENT.test(name ?? '')) return { kind: 'disconnect', code, neverSent: true };
  if (name && SOCKET_CODES.has(name)) return { kind: 'disconnect', code };
  if (errno === undefined) return { kind: 'operational', code };
  // mysql2 names errors after MySQL's numbers; at 4025 and 4031 MariaDB's errors differ.
  if (errno === 4025) return e.sqlState === '23000' ? integrity('ER_CONSTRAINT_FAILED', message, errno) : { kind: 'operational', code };
  if (errno === 4031) {
    return /inactivity|disconnected/i.test(message)
      ? { kind: 'disconnect', code: 'ER_CLIENT_INTERACTION_TIMEOUT' }
      : { kind: 'programming', code: 'ER_REFERENCED_TRG_DOES_NOT_EXIST' };
  }
  // A deadlock rolls back the whole transaction on the server (TiDB's optimistic conflicts too).
  if (errno === 1213 || errno === 9007 || errno === 8005 || errno === 8022 || errno === 8028 || errno === 8002) return { kind: 'serialization', code, endsTransaction: true };
  const kind = KINDS[errno] ?? 'operational';
  return kind === 'integrity' ? integrity(code, message, errno) : { kind, code };
}

/** Which constraint each integrity errno reports (MariaDB's 4025 is a failed CHECK). */
const VIOLATIONS: Readonly<Record<number, ViolationKind>> = {
  1062: 'unique', 1586: 'unique', 1557: 'unique',
  1451: 'foreign_key', 1452: 'foreign_key', 1216: 'foreign_key', 1217: 'foreign_key',
  1048: 'not_null', 1364: 'not_null',
  3819: 'check', 4025: 'check',
};

/** A backquoted identifier, `` doubled inside. */
const QUOTED = '`((?:[^`]|``)+)`';
/** 1451 / 1452: "... fails (`db`.`posts`, CONSTRAINT `fk` FOREIGN KEY (`a`, `b`) REFERENCES ...". */
const FOREIGN_KEY = new RegExp(`\\(${QUOTED}\\.${QUOTED}, CONSTRAINT ${QUOTED} FOREIGN KEY \\(([^)]*)\\)`);
/** MariaDB 4025: "CONSTRAINT `ck` failed for `db`.`users`". */
const MARIADB_CHECK = new RegExp(`CONSTRAINT ${QUOTED} failed for ${QUOTED}\\.${QUOTED}`);

/**
 * The text after the first `opening` when the message ends with the quote closing it.
 * Found by position: `for key '(.*)'$` retried from every `for key '` is quadratic.
 */
function quotedToEnd(message: string, opening: string): string | undefined {
  const at = message.indexOf(opening);
  if (at < 0 || !message.endsWith("'") || at + opening.length > message.length - 1) return undefined;
  return message.slice(at + opening.length, -1);
}

/** The text between the first `opening` and the last `closing` after it, at least one character; found by position. */
function between(message: string, opening: string, closing: string): string | undefined {
  const at = message.indexOf(opening);
  const end = message.lastIndexOf(closing);
  return at < 0 || end <= at + opening.length ? undefined : message.slice(at + opening.length, end);
}

function integrity(code: string | undefined, message: string, errno: number): ErrorClassification {
  const violation = VIOLATIONS[errno];
  return { kind: 'integrity', code, violation, ...where(violation, message) };
}

/**
 * The constraint, table and columns the server's message names. A duplicate key names the
 * index, which MySQL 8 prefixes with the table (`users.email`) and MariaDB does not.
 */
function where(violation: ViolationKind | undefined, message: string): Pick<ErrorClassification, 'constraint' | 'table' | 'columns'> {
  const unquote = (name: string) => name.replace(/``/g, '`');
  switch (violation) {
    case 'unique': {
      const key = quotedToEnd(message, "for key '");
      if (key === undefined) return { table: /for table '(.+?)'/.exec(message)?.[1] };
      const dot = key.indexOf('.');
      return dot < 0 ? { constraint: key } : { table: key.slice(0, dot), constraint: key.slice(dot + 1) };
    }
    case 'foreign_key': {
      const match = FOREIGN_KEY.exec(message);
      if (!match) return {};
      const columns = match[4]!.split(',').map((c) => unquote(c.trim().replace(/^`|`$/g, '')));
      return { table: unquote(match[2]!), constraint: unquote(match[3]!), columns };
    }
    case 'not_null': {
      const column = /^(?:Column|Field) '(.+)' (?:cannot be null|doesn't have a default value)/.exec(message)?.[1];
      return column === undefined ? {} : { columns: [column] };
    }
    case 'check': {
      const maria = MARIADB_CHECK.exec(message);
      if (maria) return { constraint: unquote(maria[1]!), table: unquote(maria[3]!) };
      return { constraint: between(message, "constraint '", "' is violated") };
    }
    default:
      return {};
  }
}

/** Words after which MySQL's and MariaDB's messages quote a name, not a value. */
const NAMED = /\b(?:column|field|key|table|constraint|database|index|function|procedure|user|trigger|view|schema|savepoint|variable|charset|collation|engine|in)\s*$/i;

/**
 * Hides the values in a MySQL / MariaDB error text: a duplicate key (`Duplicate entry '***'
 * for key 'users.email'`, a value holding quotes included), an incorrect value (`Incorrect
 * integer value: '***' for column ...`), and any other quoted text that does not follow a
 * word naming an object (`column 'name'` stays).
 */
export function hideMysqlValues(text: string): string {
  const known = text
    .replace(/(Duplicate entry ')(.*)(' for key ')/gs, '$1***$3')
    .replace(/( value: ')(.*)(' for (?:column|function) )/gs, '$1***$3')
    .replace(/( value: ')(.*)(')(\.?\s*)$/s, '$1***$3$4');
  return known.replace(/'(?:[^'\\]|''|\\.)*'|"(?:[^"\\]|""|\\.)*"/g, (quoted, at: number) =>
    quoted.slice(1, -1) === '***' || NAMED.test(known.slice(Math.max(0, at - 40), at)) ? quoted : `${quoted[0]}***${quoted[0]}`,
  );
}

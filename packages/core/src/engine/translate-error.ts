/*
 * Turns a driver error into Strata's error tree using the dialect's classification,
 * attaching the statement and (unless hidden) its parameters, and keeping the driver
 * error as `cause`.
 */
import {
  CheckViolationError,
  ConnectionFailedError,
  DataError,
  DisconnectionError,
  ForeignKeyViolationError,
  IntegrityError,
  integrityHeadline,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  SerializationError,
  StrataError,
  UniqueViolationError,
  type IntegrityErrorDetails,
} from '../errors/errors';
import type { ErrorClassification, ViolationKind } from './dialect';
import { redactedCopy, valueRedactor, type Redactor } from './redact-values';

/** Each kind of violation: its error class and what to do about it. */
const VIOLATIONS: Readonly<Record<ViolationKind, { type: new (message: string, details: IntegrityErrorDetails) => IntegrityError; hint: string }>> = {
  unique: { type: UniqueViolationError, hint: 'Another row already has this value: use another value, or update that row instead.' },
  foreign_key: {
    type: ForeignKeyViolationError,
    hint: 'The row points at a row that does not exist, or rows still point at the row being removed: write the referenced row first, or delete or re-point the referencing rows.',
  },
  not_null: { type: NotNullViolationError, hint: 'Give the column a value (or the column a default, or make it nullable).' },
  check: { type: CheckViolationError, hint: "The row breaks the check's condition: correct the values." },
};

/** The statement that failed, for the error's message and fields. */
export interface FailedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Formats parameters for a message, shortening long values. */
export function formatParams(params: readonly unknown[]): string {
  const shown = params.slice(0, 20).map((value) => {
    if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    if (typeof value === 'bigint') return `${value}n`;
    if (Buffer.isBuffer(value)) return `<Buffer ${value.length} bytes>`;
    if (value instanceof Date) return value.toISOString();
    if (value !== null && typeof value === 'object') {
      const text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    }
    return String(value);
  });
  return `[${shown.join(', ')}${params.length > 20 ? `, ... ${params.length - 20} more` : ''}]`;
}

/**
 * Wraps a driver error. Errors that already are Strata errors pass through unchanged.
 * With `hideParameters`, the statement's values are hidden in the message and in a copy
 * of the driver error that becomes the cause; `hideQuoted` is the dialect's way of hiding
 * the literals its server quotes (see `Dialect.hideQuotedValues`).
 */
export function translateError(
  error: unknown,
  classification: ErrorClassification,
  statement: FailedStatement | undefined,
  hideParameters: boolean,
  target: string,
  hideQuoted?: Redactor,
): StrataError {
  if (error instanceof StrataError) return error;
  // Servers quote offending values in their messages (a duplicate key, a failing row); hidden parameters stay hidden there too.
  const redact = hideParameters && statement && statement.params.length > 0 ? valueRedactor(statement.params, hideQuoted) : undefined;
  if (redact) error = redactedCopy(error, redact);
  const driverMessage = error instanceof Error ? error.message : String(error);
  const params = statement && !hideParameters ? statement.params : undefined;
  let context = '';
  if (statement) {
    context = `\n  SQL: ${statement.sql.length > 2000 ? `${statement.sql.slice(0, 2000)}...` : statement.sql}`;
    if (statement.params.length > 0) context += `\n  params: ${params ? formatParams(params) : '(hidden: hideParameters is on)'}`;
  }
  const details = {
    cause: error,
    sql: statement?.sql,
    params,
    driverCode: classification.code,
    constraint: classification.constraint,
  };
  const code = classification.code ? ` [${classification.code}]` : '';
  switch (classification.kind) {
    case 'integrity':
      return integrityError(driverMessage, context, { ...details, table: classification.table, columns: classification.columns }, classification.violation);
    case 'data':
      return new DataError(`The database refused a value${code}: ${driverMessage}${context}`, details);
    case 'serialization':
      return new SerializationError(
        `Transaction conflict${code}: ${driverMessage}. Roll back and run the whole transaction again ` +
          `(session.transaction(fn, { retry }) does this).${context}`,
        details,
      );
    case 'disconnect':
      return new DisconnectionError(`Lost the connection to ${target}${code}: ${driverMessage}${context}`, details);
    case 'connect':
      return new ConnectionFailedError(`Could not connect to ${target}${code}: ${driverMessage}`, details);
    case 'programming':
      return new ProgrammingError(`Invalid statement${code}: ${driverMessage}${context}`, details);
    default:
      return new OperationalError(`Database error${code}: ${driverMessage}${context}`, details);
  }
}

/** The IntegrityError subclass for the violation, its message led by what was violated and where. */
function integrityError(driverMessage: string, context: string, details: IntegrityErrorDetails, violation: ViolationKind | undefined): IntegrityError {
  const known = violation === undefined ? undefined : VIOLATIONS[violation];
  const type = known?.type ?? IntegrityError;
  const hint = known ? `${/[.!]$/.test(driverMessage) ? '' : '.'} ${known.hint}` : '';
  return new type(`${integrityHeadline(type, details)}: ${driverMessage}${hint}${context}`, details);
}


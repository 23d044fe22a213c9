/*
 * The one error tree of Strata. Every error a user can catch extends StrataError and
 * carries a stable `code`; errors that come from the database keep the driver's own
 * error as `cause` plus the statement and (unless hidden) its parameters.
 */

/** Options accepted by every Strata error constructor. */
export interface StrataErrorOptions {
  /** The underlying error (a driver error, a failed hook...). */
  cause?: unknown;
}

/**
 * The base class of every error Strata throws.
 *
 * `code` is stable across releases; match on it (or on the class) rather than on the message.
 * @example
 * try { await session.commit(); } catch (e) { if (e instanceof StrataError) log(e.code); }
 */
export class StrataError extends Error {
  /** A stable machine-readable identifier, e.g. `pool_timeout`. */
  readonly code: string;

  constructor(code: string, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad configuration or arguments: an unknown URL scheme, a malformed URL, a missing dialect package. */
export class ConfigurationError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('configuration', message, options);
  }
}

/** Extra facts a database error carries. */
export interface DatabaseErrorDetails extends StrataErrorOptions {
  /** The SQL text that failed, when a statement failed. */
  sql?: string;
  /** Its bound parameters; undefined when the engine hides parameters. */
  params?: readonly unknown[];
  /** The driver's or server's own code: a SQLSTATE, a MySQL errno name, an SQLITE_* code. */
  driverCode?: string;
  /** The name of the violated constraint, when the server reports one. */
  constraint?: string;
}

/**
 * Any error reported by the database or its driver, translated into Strata's tree.
 *
 * The original driver error is kept as `cause`; `driverCode` keeps its code.
 */
export class DatabaseError extends StrataError {
  readonly sql: string | undefined;
  readonly params: readonly unknown[] | undefined;
  readonly driverCode: string | undefined;

  constructor(code: string, message: string, details: DatabaseErrorDetails = {}) {
    super(code, message, details);
    this.sql = details.sql;
    this.params = details.params;
    this.driverCode = details.driverCode;
  }
}

/** Where a constraint violation happened, as far as the server's report and the metadata tell. */
export interface IntegrityErrorDetails extends DatabaseErrorDetails {
  /** The table whose row broke the constraint; for a foreign key, the table holding the key. */
  table?: string;
  /** The constrained columns of `table`, in the constraint's order. */
  columns?: readonly string[];
  /** The entity (class name) mapped to `table`, when the metadata knows it. */
  entity?: string;
  /** The properties of `entity` for `columns` (a foreign key: the relationship's property). */
  properties?: readonly string[];
}

/**
 * A constraint was violated: unique, foreign key, not null, check. The subclasses
 * (`UniqueViolationError`, `ForeignKeyViolationError`, `NotNullViolationError`,
 * `CheckViolationError`) say which kind; a violation the server does not sort stays an
 * IntegrityError. `constraint` is the name the metadata gives the constraint (`uq_users_email`,
 * the same on every dialect) or, for constraints the metadata does not know, the server's name;
 * undefined for NOT NULL, which has no name. `table` and `columns` are filled where the server
 * or the metadata tells them, `entity` and `properties` where the statement came from the ORM.
 * @example
 * catch (e) { if (e instanceof UniqueViolationError && e.columns?.includes('email')) return reply.code(409).send(); }
 */
export class IntegrityError extends DatabaseError {
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly columns: readonly string[] | undefined;
  readonly entity: string | undefined;
  readonly properties: readonly string[] | undefined;

  constructor(message: string, details: IntegrityErrorDetails = {}) {
    super('integrity', message, details);
    this.constraint = details.constraint;
    this.table = details.table;
    this.columns = details.columns === undefined ? undefined : Object.freeze([...details.columns]);
    this.entity = details.entity;
    this.properties = details.properties === undefined ? undefined : Object.freeze([...details.properties]);
  }

  /**
   * @internal The same error (same class, cause, statement) with the facts the metadata adds
   * (given ones win over none); its message names them.
   */
  withDetails(more: Pick<IntegrityErrorDetails, 'constraint' | 'table' | 'columns' | 'entity' | 'properties'>): IntegrityError {
    const details: IntegrityErrorDetails = {
      cause: this.cause,
      sql: this.sql,
      params: this.params,
      driverCode: this.driverCode,
      constraint: more.constraint ?? this.constraint,
      table: more.table ?? this.table,
      columns: more.columns ?? this.columns,
      entity: more.entity ?? this.entity,
      properties: more.properties ?? this.properties,
    };
    const oldHeadline = integrityHeadline(this, this);
    const newHeadline = integrityHeadline(this, details);
    const copy = new (this.constructor as new (message: string, details: IntegrityErrorDetails) => IntegrityError)(
      this.message.replace(oldHeadline, newHeadline),
      details,
    );
    // Where the failure surfaced, not where the copy was made.
    if (this.stack !== undefined) copy.stack = this.stack.replace(oldHeadline, newHeadline);
    return copy;
  }
}

/** A UNIQUE or PRIMARY KEY constraint refused a duplicate value. */
export class UniqueViolationError extends IntegrityError {}

/**
 * A FOREIGN KEY refused a row: it points at a missing row (INSERT, UPDATE), or a DELETE or
 * UPDATE would leave rows pointing at nothing. `table` and `columns` are the referencing side.
 * On SQLite, whose report names no key, `constraint` is filled only where one key can be meant.
 */
export class ForeignKeyViolationError extends IntegrityError {}

/** A NOT NULL column got NULL; `columns` names it. `constraint` is undefined. */
export class NotNullViolationError extends IntegrityError {}

/** A CHECK constraint refused a row; `constraint` names it (`columns` stays undefined: a check has an expression, not columns). */
export class CheckViolationError extends IntegrityError {}

const VIOLATION_LABELS = new Map<Function, string>([
  [UniqueViolationError, 'unique key'],
  [ForeignKeyViolationError, 'foreign key'],
  [NotNullViolationError, 'NOT NULL'],
  [CheckViolationError, 'check'],
]);

/**
 * @internal The first words of an integrity error's message: the kind, the constraint and
 * where, e.g. `Integrity violation (unique key uq_users_email on User.email) [23505]`.
 */
export function integrityHeadline(kind: IntegrityError | Function, facts: IntegrityErrorDetails): string {
  const label = VIOLATION_LABELS.get(typeof kind === 'function' ? kind : kind.constructor);
  const code = facts.driverCode ? ` [${facts.driverCode}]` : '';
  if (label === undefined) return `Integrity violation${facts.constraint ? ` on constraint ${facts.constraint}` : ''}${code}`;
  const mapped = facts.entity !== undefined && facts.properties !== undefined;
  const names = mapped ? facts.properties : facts.columns;
  const owner = mapped ? facts.entity : names ? facts.table : (facts.entity ?? facts.table);
  let where = '';
  if (owner && names && names.length > 0) where = names.length === 1 ? ` on ${owner}.${names[0]}` : ` on ${owner} (${names.join(', ')})`;
  else if (owner) where = ` on ${owner}`;
  else if (names && names.length > 0) where = ` on ${names.join(', ')}`;
  return `Integrity violation (${label}${facts.constraint ? ` ${facts.constraint}` : ''}${where})${code}`;
}

/** A value the database refused: out of range, invalid text for the type, string too long. */
export class DataError extends DatabaseError {
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super('data', message, details);
  }
}

/** A problem in the database's operation rather than in the statement: locks, resources, connection set-up. */
export class OperationalError extends DatabaseError {
  constructor(message: string, details: DatabaseErrorDetails = {}, code = 'operational') {
    super(code, message, details);
  }
}

/**
 * The transaction lost a conflict and may succeed if run again: a serialization failure,
 * a deadlock, a lock wait timeout or a busy database.
 */
export class SerializationError extends OperationalError {
  /** Always true: re-running the whole transaction is the fix. */
  readonly retryable = true;

  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, details, 'serialization');
  }
}

/**
 * The connection to the server was lost (server restart, idle timeout, killed session).
 *
 * Inside a transaction the transaction is gone: roll back and run it again.
 */
export class DisconnectionError extends OperationalError {
  /** True when the failed statement provably never reached the server. */
  neverSent = false;

  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, details, 'disconnect');
  }
}

/** The server rolled the transaction back on its own (an earlier failed statement, a deadlock); nothing was committed. */
export class TransactionAbortedError extends OperationalError {
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, details, 'transaction_aborted');
  }
}

/** A connection could not be opened: server unreachable, wrong credentials, unknown database. */
export class ConnectionFailedError extends OperationalError {
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, details, 'connect_failed');
  }
}

/** The statement itself is wrong: syntax error, unknown table or column, wrong number of parameters. */
export class ProgrammingError extends DatabaseError {
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super('programming', message, details);
  }
}

/** A connection was asked of a pool that had none free within `poolTimeout`. */
export class PoolTimeoutError extends StrataError {
  constructor(message: string) {
    super('pool_timeout', message);
  }
}

/** A call was made on an object in the wrong state: a closed connection, a finished transaction. */
export class InvalidStateError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('invalid_state', message, options);
  }
}

/** A flush could not write the session's changes; names the entity and the failing statement. */
export class FlushError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('flush', message, options);
  }
}

/** A sharded commit failed on one shard after others had committed (shards are separate databases). */
export class PartialCommitError extends StrataError {
  /** The shards whose transactions were committed before the failure. */
  readonly committed: readonly string[];

  constructor(message: string, options: StrataErrorOptions & { committed: readonly string[] }) {
    super('partial_commit', message, options);
    this.committed = options.committed;
  }
}

/** Which row a StaleDataError is about, when one row is: its entity, key and versions. */
export interface StaleRow {
  /** The entity's class name. */
  readonly entity: string;
  /** The primary-key values, in key order. */
  readonly identity: readonly unknown[];
  /** The version the UPDATE or DELETE expected the row to have (versioned entities). */
  readonly expectedVersion?: unknown;
  /** The version the row has now, when it was read after the conflict; undefined when the row is gone or unversioned. */
  readonly currentVersion?: unknown;
}

/**
 * An UPDATE or DELETE matched fewer rows than expected: the row changed (version) or
 * vanished. For a single row it names the entity, key and versions; `session.transaction(fn,
 * { retry })` re-runs fn on it, since re-reading resolves an optimistic conflict.
 */
export class StaleDataError extends StrataError {
  /** The entity's class name, when the error is about one row. */
  readonly entity: string | undefined;
  /** The row's primary-key values, when the error is about one row. */
  readonly identity: readonly unknown[] | undefined;
  /** The version the statement expected. */
  readonly expectedVersion: unknown;
  /** The row's version when it was read after the conflict (undefined: deleted, or not read). */
  readonly currentVersion: unknown;

  constructor(message: string, options: StrataErrorOptions & Partial<StaleRow> = {}) {
    super('stale_data', message, options);
    this.entity = options.entity;
    this.identity = options.identity;
    this.expectedVersion = options.expectedVersion;
    this.currentVersion = options.currentVersion;
  }
}

/** An attribute or relationship needed the database, but the object belongs to no session. */
export class DetachedInstanceError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('detached_instance', message, options);
  }
}

/** A relationship was read before anything loaded it. */
export class UnloadedRelationError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('unloaded_relation', message, options);
  }
}

/** `one()` found no row. */
export class NoResultFound extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('no_result', message, options);
  }
}

/** `one()` or `scalar()` found more than one row. */
export class MultipleResultsFound extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('multiple_results', message, options);
  }
}

/** A migration could not be planned or applied. */
export class MigrationError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('migration', message, options);
  }
}

/** A local wall-clock time falls in a DST gap of its zone and the column's policy is `'reject'`. */
export class NonExistentTimeError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('nonexistent_time', message, options);
  }
}

/** A local wall-clock time occurs twice in its zone (DST overlap) and the column's policy is `'reject'`. */
export class AmbiguousTimeError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('ambiguous_time', message, options);
  }
}

/** A call got an argument it cannot use: an undefined SQL parameter, an unknown option value. */
export class ArgumentError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('argument', message, options);
  }
}

/** An entity is declared wrongly: names the class and property and says what to fix. */
export class MetadataError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('metadata', message, options);
  }
}

/**
 * A value cannot be stored in its column (wrong type, out of range, not in the enum, missing
 * for a NOT NULL column at flush); names the entity and column.
 */
export class ValidationError extends StrataError {
  /** The entity (class name) and column the value was meant for (`column`: its property name where it has one). */
  readonly entity: string | undefined;
  readonly column: string | undefined;
  /** The entity's property the value was meant for, where the check knows it. */
  readonly property: string | undefined;

  constructor(message: string, where: { entity?: string; column?: string; property?: string } = {}, options?: StrataErrorOptions) {
    super('validation', message, options);
    this.entity = where.entity;
    this.column = where.column;
    this.property = where.property;
  }
}

/**
 * The server, or its version, lacks a feature the statement needs (RETURNING, SKIP LOCKED,
 * FOR UPDATE OF, ...); names the feature and the server. Check `engine.capabilities` first.
 */
export class NotSupportedError extends StrataError {
  constructor(message: string, options?: StrataErrorOptions) {
    super('not_supported', message, options);
  }
}

/**
 * A persistent object's row is gone from the database: `session.refresh(obj)` found no row
 * for its key (another transaction deleted it). Names the entity and the key; the object
 * stays in the session, expired. Expunge it, or `add()` a new object to write the row again.
 */
export class ObjectDeletedError extends StrataError {
  /** The entity's class name. */
  readonly entity: string;
  /** The primary-key values, in key order. */
  readonly identity: readonly unknown[];

  constructor(message: string, where: { entity: string; identity: readonly unknown[] }, options?: StrataErrorOptions) {
    super('object_deleted', message, options);
    this.entity = where.entity;
    this.identity = where.identity;
  }
}

/*
 * The contract between the engine and a database dialect package. A dialect opens plain
 * driver connections (pooling is the engine's), compiles SQL through its compiler hooks,
 * translates driver errors into kinds, and reports what the server can do.
 */
import type { QueryCompiler } from '../query/query-compiler';
import type { DdlCompiler } from '../schema/ddl-compiler';
import type { IntrospectOptions, SchemaQuery } from '../schema/introspect';
import type { MigrationHooks } from '../schema/migration-hooks';
import type { DatabaseSchema } from '../schema/schema-model';
import type { DialectTypes } from '../types/dialect-types';
import type { EngineUrl } from './engine-url';

/** Transaction isolation levels, spelled as in SQL. */
export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

/** Options for starting a transaction. */
export interface BeginOptions {
  /** The isolation level; the server's default when omitted. */
  isolationLevel?: IsolationLevel;
  /** Start a read-only transaction where the server supports it. */
  readOnly?: boolean;
  /**
   * Begin without taking the database's write lock; the first write takes it (SQLite:
   * BEGIN DEFERRED instead of the default BEGIN IMMEDIATE). Servers that lock rows as they
   * go ignore it. Concurrent readers then never wait, and a write that finds the data
   * changed since the transaction's snapshot fails with a retryable SerializationError.
   */
  deferLock?: boolean;
}

/**
 * What the connected server can do. Code outside a dialect package asks these flags,
 * never the dialect's name.
 */
export interface Capabilities {
  /** INSERT / DELETE ... RETURNING. */
  readonly returning: boolean;
  /** UPDATE ... RETURNING (MariaDB has RETURNING on INSERT and DELETE only). */
  readonly updateReturning: boolean;
  /**
   * UPDATE ... FROM (VALUES ...): many rows updated to their own values by one join (the
   * unit of work's batched UPDATE). Without it the batch is a CASE per column.
   */
  readonly updateFromValues?: boolean;
  /** DDL inside a transaction rolls back with it. */
  readonly transactionalDdl: boolean;
  /** SAVEPOINT / ROLLBACK TO SAVEPOINT. */
  readonly savepoints: boolean;
  /** SELECT ... FOR UPDATE. */
  readonly forUpdate: boolean;
  /** FOR UPDATE SKIP LOCKED. */
  readonly skipLocked: boolean;
  /** FOR UPDATE NOWAIT. */
  readonly nowait: boolean;
  /** FOR UPDATE OF table, ... (lock rows of some joined tables only). */
  readonly forUpdateOf: boolean;
  /** ORDER BY ... NULLS FIRST / LAST. */
  readonly nullsOrdering: boolean;
  /** NULL sorts after every value in ascending order (PostgreSQL); without it, before (MySQL, SQLite). */
  readonly nullsSortHigh?: boolean;
  /** An enum column sorts in the order its values were declared (PostgreSQL enum types, MySQL ENUM); without it, as text (SQLite). */
  readonly enumsSortByDeclaration?: boolean;
  /** A cursor that fetches rows from the server in batches. */
  readonly serverCursors: boolean;
  /** Several rows in one INSERT ... VALUES. */
  readonly multiRowInsert: boolean;
  /**
   * Several rows that give no value at all (every column takes its default) in one INSERT:
   * `VALUES (DEFAULT), (DEFAULT)` or `() VALUES (), ()`. Without it each such row is an
   * `INSERT ... DEFAULT VALUES` of its own.
   */
  readonly multiRowDefaultInsert?: boolean;
  /** The driver reports the generated id of an inserted row (MySQL, SQLite); without it keys come back only through RETURNING. */
  readonly insertId: boolean;
  /** The isolation levels `begin()` accepts. */
  readonly isolationLevels: readonly IsolationLevel[];
  /**
   * The longest result label (a SELECT list or RETURNING alias) the server keeps, in bytes
   * of UTF-8: PostgreSQL cuts longer names at 63 bytes, so their rows would come back under
   * another name. Strata writes a longer label as a prefix and a hash of it and reads the
   * rows back under the name given. Undefined: no limit (SQLite).
   */
  readonly maxLabelBytes?: number;
  /**
   * An array binds as one parameter (`col = ANY($1)`): an IN list of values is then one
   * parameter whatever its length, and one statement text for every length. Default: false.
   */
  readonly arrayParameters?: boolean;
  /**
   * The most bound parameters one statement may carry (PostgreSQL and MySQL 65,535; SQLite
   * its SQLITE_MAX_VARIABLE_NUMBER). A statement with more raises ArgumentError before it is
   * sent; the ORM splits its own lists under it. Undefined: no known limit.
   */
  readonly maxParameters?: number;
}

/** The kinds a dialect sorts driver errors into. */
export type ErrorKind =
  | 'disconnect'
  | 'connect'
  | 'integrity'
  | 'data'
  | 'serialization'
  | 'operational'
  | 'programming';

/** The kinds of constraint violation Strata tells apart (each has an IntegrityError subclass). */
export type ViolationKind = 'unique' | 'foreign_key' | 'not_null' | 'check';

/** A dialect's reading of one driver error. */
export interface ErrorClassification {
  readonly kind: ErrorKind;
  /** The native code: SQLSTATE, MySQL error name or number, SQLITE_* code. */
  readonly code?: string;
  /** The violated constraint's name, for integrity errors. */
  readonly constraint?: string;
  /** Integrity errors: which kind of constraint, where the driver's report tells. */
  readonly violation?: ViolationKind;
  /** Integrity errors: the table the report names (for a foreign key, the referencing table). */
  readonly table?: string;
  /** Integrity errors: the columns the report names, in order. */
  readonly columns?: readonly string[];
  /** True when the statement provably never reached the server (the socket was already closed). */
  readonly neverSent?: boolean;
  /** True when the server rolled back the whole transaction (MySQL deadlock). */
  readonly endsTransaction?: boolean;
}

/** One raw result as the driver returned it, normalised. */
export interface DriverResult {
  /** Rows keyed by result label; with `ExecuteOptions.arrays`, value arrays in SELECT-list order instead. */
  readonly rows: Record<string, unknown>[];
  /** Rows returned by a query, or rows matched by INSERT / UPDATE / DELETE. */
  readonly rowCount: number;
  /** The generated id of the (first) inserted row, where the driver reports one. */
  readonly insertId?: number | bigint;
  /** The server's command tag where the driver reports one (PostgreSQL: 'COMMIT', 'ROLLBACK', ...). */
  readonly command?: string;
}

/** Per-statement hints from the compiler to the driver wrapper. */
export interface ExecuteOptions {
  /** Result labels holding 64-bit integers that must be read exactly (SQLite reads them as bigints). */
  readonly exactIntegers?: readonly string[];
  /**
   * Rows as arrays of values in SELECT-list order rather than objects keyed by label: the
   * ORM reads entity rows by position, and the drivers build arrays for less than objects.
   */
  readonly arrays?: boolean;
}

/** One open driver connection, wrapped. Not pooled, not shared: the engine owns it. */
export interface DialectConnection {
  /** True once the connection is known to be closed, by us or by the server. */
  readonly closed: boolean;
  /** Runs one statement with bound parameters. */
  execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult>;
  /**
   * Streams a query's rows in batches of up to `batchSize` (fetched that many at a time where
   * the server allows): one promise per batch, not per row.
   */
  stream(sql: string, params: readonly unknown[], batchSize: number, options?: ExecuteOptions): AsyncIterable<Record<string, unknown>[]>;
  /** A cheap round trip that fails if the connection is dead. */
  ping(): Promise<void>;
  /** Closes the connection; never throws. */
  close(): Promise<void>;
}

/** Facts a dialect learns from its first connection. */
export interface ServerInfo {
  /** The product, e.g. `PostgreSQL`, `MariaDB`, `MySQL`, `SQLite`. */
  readonly product: string;
  /** The version string as the server reports it. */
  readonly version: string;
}

/** Pool settings a dialect imposes or suggests (e.g. one connection for an in-memory SQLite database). */
export interface PoolDefaults {
  readonly poolSize?: number;
  readonly maxOverflow?: number;
  /** When true the values above override the user's: other settings would break the database. */
  readonly required?: boolean;
  /** Why, for the error or warning shown when the user's settings are overridden. */
  readonly reason?: string;
}

/** A database dialect: one per engine. */
export interface Dialect {
  /** The dialect family: `postgresql`, `mysql` or `sqlite`. */
  readonly name: string;
  /** The compiler that produces this dialect's SQL. */
  readonly compiler: QueryCompiler;
  /** Converts column values to and from this dialect's driver: one cached codec per column. */
  readonly types: DialectTypes;
  /** Writes this dialect's DDL (CREATE / ALTER / DROP) from the schema model. */
  readonly ddl: DdlCompiler;
  /** How migrations lock, check revisions, and what schema changes cost on this server (for the `strata` CLI). */
  readonly migrations: MigrationHooks;
  /** Reads the current schema (PostgreSQL) or database (MySQL, SQLite) into the schema model, running its catalog queries through `query`. */
  introspect(query: SchemaQuery, options?: IntrospectOptions): Promise<DatabaseSchema>;
  /** Capabilities; conservative until `initialize` has seen a server. */
  readonly capabilities: Capabilities;
  /** What the server is; undefined until `initialize`. */
  readonly serverInfo: ServerInfo | undefined;
  /** Opens a new driver connection. Failures reject with a translated ConnectionFailedError. */
  connect(): Promise<DialectConnection>;
  /** Reads the server version from a first connection and sets capabilities. */
  initialize(connection: DialectConnection): Promise<void>;
  /** Sorts a driver error into a kind. */
  classifyError(error: unknown): ErrorClassification;
  /**
   * Hides the values the server quotes in its error texts (a duplicate key, a failing row,
   * an invalid input) as `***`, keeping the identifiers; used for engines with
   * `hideParameters`, after the statement's own values were hidden. Optional: without it,
   * every quoted literal is hidden.
   */
  hideQuotedValues?(text: string): string;
  /** The statements that start a transaction with these options. */
  beginStatements(options: BeginOptions): readonly string[];
  /** Pool settings this database needs, if any. */
  poolDefaults(): PoolDefaults;
  /** A short human description of the target, password-free, for error messages. */
  describeTarget(): string;
}

/** Options passed by the engine to a dialect factory. */
export interface DialectOptions {
  /** Milliseconds to wait for a new connection. */
  readonly connectTimeout: number;
  /** Options passed through to the driver unchanged. */
  readonly driverOptions: Readonly<Record<string, unknown>>;
}

/** Makes a dialect for a parsed URL. Registered per URL scheme. */
export type DialectFactory = (url: EngineUrl, options: DialectOptions) => Dialect;

/*
 * The SQLite dialect: opens better-sqlite3 databases from `sqlite:///file` and
 * `sqlite::memory:` URLs with foreign keys on and (for files) WAL journaling, starts
 * write transactions with BEGIN IMMEDIATE, and reports capabilities from the library version.
 */
import { inspect } from 'node:util';
import { ArgumentError, type BeginOptions, type Capabilities, type EngineUrl, type ServerInfo } from '@strata/core';
import { catalogText, connectionFailed, type Dialect, type DialectConnection, type DialectOptions, type ErrorClassification, type PoolDefaults } from '@strata/core/dialect';
import { SqliteCompiler } from './sqlite-compiler';
import { SqliteConnection } from './sqlite-connection';
import { SqliteDdl } from './sqlite-ddl';
import { introspectSqlite } from './sqlite-introspector';
import type { DatabaseSchema, IntrospectOptions } from '@strata/core';
import type { SchemaQuery } from '@strata/core/dialect';
import { classifySqliteError } from './sqlite-errors';
import { SqliteTypes } from './sqlite-types';
import { SqliteMigrations } from './sqlite-migrations';

const BEGIN_MODES = ['deferred', 'immediate', 'exclusive'] as const;
type BeginMode = (typeof BEGIN_MODES)[number];

/** The SQLite dialect, for `sqlite:///path` and `sqlite::memory:` URLs. */
export class SqliteDialect implements Dialect {
  readonly name = 'sqlite';
  readonly compiler = new SqliteCompiler();
  readonly ddl = new SqliteDdl(this.compiler);
  readonly types = new SqliteTypes();
  readonly migrations = new SqliteMigrations();
  #capabilities: Capabilities = capabilitiesFor('3.0.0', 999);
  #serverInfo: ServerInfo | undefined;
  readonly #path: string;
  readonly #busyTimeout: number;
  readonly #journalMode: string | undefined;
  readonly #beginMode: BeginMode;
  readonly #options: DialectOptions;

  constructor(url: EngineUrl, options: DialectOptions) {
    this.#options = options;
    this.#path = url.database ?? ':memory:';
    const { query } = url;
    this.#busyTimeout = query.busy_timeout === undefined ? 5000 : Number(query.busy_timeout);
    if (!Number.isFinite(this.#busyTimeout) || this.#busyTimeout < 0) {
      throw new ArgumentError(`SQLite URL option busy_timeout must be a number of milliseconds; got ${JSON.stringify(query.busy_timeout)}.`);
    }
    this.#journalMode = query.journal_mode ?? (this.#path === ':memory:' ? undefined : 'wal');
    if (this.#journalMode !== undefined && !/^(delete|truncate|persist|memory|wal|off)$/i.test(this.#journalMode)) {
      throw new ArgumentError(`SQLite URL option journal_mode must be one of delete, truncate, persist, memory, wal, off; got ${JSON.stringify(this.#journalMode)}.`);
    }
    const begin = (query.begin ?? 'immediate').toLowerCase();
    if (!BEGIN_MODES.includes(begin as BeginMode)) {
      throw new ArgumentError(`SQLite URL option begin must be one of ${BEGIN_MODES.join(', ')}; got ${JSON.stringify(query.begin)}.`);
    }
    this.#beginMode = begin as BeginMode;
  }

  get capabilities(): Capabilities {
    return this.#capabilities;
  }

  get serverInfo(): ServerInfo | undefined {
    return this.#serverInfo;
  }

  describeTarget(): string {
    return this.#path === ':memory:' ? 'SQLite (in memory)' : `SQLite at ${this.#path}`;
  }

  /** What `console.log(dialect)` shows: where it connects, never the password. */
  [inspect.custom](): string {
    return `SqliteDialect <${this.describeTarget()}>`;
  }

  async connect(): Promise<DialectConnection> {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    let db: import('better-sqlite3').Database;
    try {
      // timeout 0: busy waits happen asynchronously in SqliteConnection, not inside the synchronous driver.
      db = new Database(this.#path, { timeout: 0, ...this.#options.driverOptions });
    } catch (error) {
      throw connectionFailed(this.describeTarget(), 'other', error, (error as { code?: string }).code);
    }
    try {
      db.pragma('foreign_keys = ON');
      if (this.#journalMode) db.pragma(`journal_mode = ${this.#journalMode.toUpperCase()}`);
    } catch (error) {
      db.close();
      throw connectionFailed(this.describeTarget(), 'other', error, (error as { code?: string }).code);
    }
    return new SqliteConnection(db, this.#busyTimeout);
  }

  async initialize(connection: DialectConnection): Promise<void> {
    const result = await connection.execute('SELECT sqlite_version() AS v', []);
    const version = catalogText(result.rows[0]?.v);
    const options = await connection.execute('PRAGMA compile_options', []);
    this.#serverInfo = { product: 'SQLite', version };
    this.#capabilities = capabilitiesFor(version, maxVariables(version, options.rows.map((r) => String(r.compile_options))));
  }

  introspect(query: SchemaQuery, options?: IntrospectOptions): Promise<DatabaseSchema> {
    return introspectSqlite(query, this.ddl, options);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifySqliteError(error);
  }

  beginStatements(options: BeginOptions): readonly string[] {
    // Write transactions take the write lock up front: upgrading a read lock later can deadlock.
    const mode = options.readOnly || options.deferLock ? 'deferred' : this.#beginMode;
    return [`BEGIN ${mode.toUpperCase()}`];
  }

  poolDefaults(): PoolDefaults {
    if (this.#path !== ':memory:') return {};
    return { poolSize: 1, maxOverflow: 0, required: true, reason: 'An in-memory SQLite database exists inside one connection' };
  }
}

/**
 * The most `?` parameters one statement takes: SQLITE_MAX_VARIABLE_NUMBER as the library
 * was built with, else its default (32,766 since SQLite 3.32, 999 before).
 */
function maxVariables(version: string, compileOptions: readonly string[]): number {
  const built = compileOptions.find((o) => o.startsWith('MAX_VARIABLE_NUMBER='));
  if (built) return Number(built.slice('MAX_VARIABLE_NUMBER='.length));
  return atLeast(version, 3, 32) ? 32_766 : 999;
}

function atLeast(version: string, m: number, n: number): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > m || (major === m && minor >= n);
}

function capabilitiesFor(version: string, maxParameters: number): Capabilities {
  return Object.freeze({
    returning: atLeast(version, 3, 35),
    updateReturning: atLeast(version, 3, 35),
    updateFromValues: atLeast(version, 3, 33),
    transactionalDdl: true,
    savepoints: true,
    forUpdate: false,
    skipLocked: false,
    nowait: false,
    forUpdateOf: false,
    nullsOrdering: atLeast(version, 3, 30),
    serverCursors: false,
    multiRowInsert: true,
    insertId: true,
    maxParameters,
    isolationLevels: Object.freeze(['serializable'] as const),
  });
}

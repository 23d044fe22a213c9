/*
 * The PostgreSQL dialect: opens pg clients from a parsed URL, keeps date and time
 * values as the server's text (the type layer converts them, independent of the
 * process time zone), and reports capabilities from the server version.
 */
import { inspect } from 'node:util';
import { ArgumentError, ConfigurationError, type BeginOptions, type Capabilities, type EngineUrl, type ServerInfo } from '@strata/core';
import { catalogText, connectionFailed, type Dialect, type DialectConnection, type DialectOptions, type ErrorClassification, type PoolDefaults, socketFailure } from '@strata/core/dialect';
import type { ClientConfig } from 'pg';
import { PostgresCompiler } from './postgres-compiler';
import { PostgresConnection } from './postgres-connection';
import type { StatementCacheLimits } from './postgres-statement-cache';
import { PostgresDdl } from './postgres-ddl';
import { PostgresMigrations } from './postgres-migrations';
import { introspectPostgres } from './postgres-introspector';
import type { DatabaseSchema, IntrospectOptions } from '@strata/core';
import type { SchemaQuery } from '@strata/core/dialect';
import { classifyPostgresError, hidePostgresValues } from './postgres-errors';
import { tlsPlan, type TlsAttempt, type TlsPlan } from './postgres-tls';
import { PostgresTypes } from './postgres-types';

/** Named prepared statements kept per connection unless the URL says otherwise. */
const DEFAULT_STATEMENT_CACHE_SIZE = 100;

/**
 * Bytes of SQL text the named statements of one connection may hold together unless the URL
 * says otherwise: about 6 MB of server memory per connection once planned.
 */
const DEFAULT_STATEMENT_CACHE_BYTES = 256 * 1024;

/** OIDs of date/time types that stay text: date, time, timestamp, timestamptz, timetz, interval. */
const TEXT_OIDS = new Set([1082, 1083, 1114, 1184, 1266, 1186]);

const CAPABILITIES: Capabilities = Object.freeze({
  returning: true,
  updateReturning: true,
  updateFromValues: true,
  transactionalDdl: true,
  savepoints: true,
  forUpdate: true,
  skipLocked: true,
  nowait: true,
  forUpdateOf: true,
  nullsOrdering: true,
  nullsSortHigh: true,
  enumsSortByDeclaration: true,
  serverCursors: true,
  multiRowInsert: true,
  multiRowDefaultInsert: true,
  insertId: false,
  arrayParameters: true,
  // The Bind message counts parameters in 16 bits: one more and the count wraps around.
  maxParameters: 65_535,
  isolationLevels: Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const),
  // NAMEDATALEN - 1: longer identifiers, column aliases included, are cut to 63 bytes.
  maxLabelBytes: 63,
});

/** The PostgreSQL dialect, for `postgresql://` and `postgres://` URLs. */
export class PostgresDialect implements Dialect {
  readonly name = 'postgresql';
  readonly compiler = new PostgresCompiler();
  readonly ddl = new PostgresDdl(this.compiler);
  readonly types = new PostgresTypes();
  readonly capabilities = CAPABILITIES;
  readonly migrations: PostgresMigrations;
  #serverInfo: ServerInfo | undefined;
  readonly #url: EngineUrl;
  readonly #options: DialectOptions;
  readonly #statementCache: StatementCacheLimits;
  /** Behind PgBouncer in transaction pooling: no named statements by default, no startup options. */
  readonly #pgbouncer: boolean;
  readonly #tls: TlsPlan;

  constructor(url: EngineUrl, options: DialectOptions) {
    this.#url = url;
    this.#options = options;
    this.#pgbouncer = flag(url.query.pgbouncer, 'pgbouncer');
    this.migrations = new PostgresMigrations({ pgbouncer: this.#pgbouncer });
    this.#statementCache = {
      size: wholeNumber(url.query.statement_cache_size, 'statement_cache_size', 'statements (0 turns prepared statements off)', this.#pgbouncer ? 0 : DEFAULT_STATEMENT_CACHE_SIZE),
      bytes: wholeNumber(url.query.statement_cache_bytes, 'statement_cache_bytes', 'bytes of SQL text', DEFAULT_STATEMENT_CACHE_BYTES),
    };
    this.#tls = tlsPlan(url);
  }

  get serverInfo(): ServerInfo | undefined {
    return this.#serverInfo;
  }

  describeTarget(): string {
    const { host, port, database, username } = this.#url;
    return `PostgreSQL at ${host}:${port ?? 5432}/${database ?? username ?? ''} as ${username ?? 'the OS user'}`;
  }

  /** What `console.log(dialect)` shows: where it connects, never the password. */
  [inspect.custom](): string {
    return `PostgresDialect <${this.describeTarget()}>`;
  }

  /**
   * Opens one connection, as the URL's sslmode says: with `prefer`, TLS first and a plain
   * connection when that fails; with `allow`, the other way round. A failure to reach the
   * server at all (refused, unknown host, timeout) is not tried again.
   */
  async connect(): Promise<DialectConnection> {
    const attempts = this.#tls.attempts();
    let earlier: { error: unknown; tls: boolean } | undefined;
    for (const [i, attempt] of attempts.entries()) {
      try {
        return await this.#open(attempt);
      } catch (error) {
        const tls = attempt !== false;
        if (i === attempts.length - 1 || !worthAnotherAttempt(error)) throw this.#connectFailure(error, tls, earlier);
        earlier = { error, tls };
      }
    }
    throw new ConfigurationError(`${this.describeTarget()}: sslmode ${this.#tls.mode} makes no connection attempt.`);
  }

  async #open(attempt: TlsAttempt): Promise<DialectConnection> {
    const { Client, types } = require('pg') as typeof import('pg');
    const { query } = this.#url;
    const config: ClientConfig = {
      host: this.#url.host,
      port: this.#url.port ?? 5432,
      user: this.#url.username,
      password: this.#url.password,
      database: this.#url.database,
      connectionTimeoutMillis: this.#options.connectTimeout,
      keepAlive: true,
      application_name: query.application_name ?? 'strata',
      // Date text must be ISO whatever the server's default, and floats must round-trip (PostgreSQL < 12).
      // PgBouncer refuses the options startup parameter: behind it the server's own settings are checked instead.
      options: this.#pgbouncer ? undefined : '-c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=3',
      // Without sslmode in the URL, pg reads PGSSLMODE from the environment.
      ssl: attempt === false ? (this.#tls.mode === undefined ? undefined : false) : attempt,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          TEXT_OIDS.has(oid) ? (value: string) => value : (types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown)) as never,
      },
      ...this.#options.driverOptions,
    };
    const client = new Client(config);
    // Connection errors reject connect(); this keeps a late 'error' from crashing the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new PostgresConnection(client, this.#statementCache);
  }

  /** The ConnectionFailedError of the last attempt, naming the earlier one's failure too. */
  #connectFailure(error: unknown, tls: boolean, earlier: { error: unknown; tls: boolean } | undefined) {
    const code = (error as { code?: string }).code;
    let failure = connectFailureOf(error);
    // Past the socket, a failure with no SQLSTATE of the server's is TLS's: refused by the server, or a certificate check.
    if (failure === 'other' && tls && !(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))) failure = 'tls';
    if (earlier === undefined) return connectionFailed(this.describeTarget(), failure, error, code);
    const how = (withTls: boolean) => (withTls ? 'with TLS' : 'without TLS');
    const both = Object.assign(
      new Error(`${how(earlier.tls)}: ${(earlier.error as Error)?.message}; then ${how(tls)}: ${(error as Error)?.message}`, { cause: error }),
      { code },
    );
    return connectionFailed(this.describeTarget(), failure, both, code);
  }

  async initialize(connection: DialectConnection): Promise<void> {
    const result = await connection.execute('SHOW server_version', []);
    const version = catalogText(result.rows[0]?.server_version);
    if (this.#pgbouncer) {
      // The settings the startup options would have made sure of, checked instead.
      const style = catalogText((await connection.execute('SHOW DateStyle', [])).rows[0]?.DateStyle);
      if (!/^ISO/i.test(style)) {
        throw new ConfigurationError(
          `${this.describeTarget()} (through PgBouncer) uses DateStyle '${style}'; Strata reads dates as ISO text and cannot set DateStyle per connection through PgBouncer. ` +
            "Set datestyle = 'iso, mdy' in postgresql.conf (the default) or ALTER DATABASE ... SET datestyle = 'iso, mdy'.",
        );
      }
      // Floats round-trip from extra_float_digits 1 on PostgreSQL 12 and later (shortest exact text), from 3 before.
      const digits = Number((await connection.execute('SHOW extra_float_digits', [])).rows[0]?.extra_float_digits);
      const needed = Number.parseInt(version, 10) >= 12 ? 1 : 3;
      if (!(digits >= needed)) {
        throw new ConfigurationError(
          `${this.describeTarget()} (through PgBouncer) has extra_float_digits ${digits}, so float values would come back rounded; Strata cannot set it per connection through PgBouncer. ` +
            `Set extra_float_digits = ${needed} (or more) for the database or role: ALTER DATABASE ... SET extra_float_digits = ${needed}.`,
        );
      }
    }
    this.#serverInfo = { product: 'PostgreSQL', version };
  }

  introspect(query: SchemaQuery, options?: IntrospectOptions): Promise<DatabaseSchema> {
    return introspectPostgres(query, this.ddl, options);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifyPostgresError(error);
  }

  hideQuotedValues(text: string): string {
    return hidePostgresValues(text);
  }

  beginStatements(options: BeginOptions): readonly string[] {
    let text = 'BEGIN';
    if (options.isolationLevel) text += ` ISOLATION LEVEL ${options.isolationLevel.toUpperCase()}`;
    if (options.readOnly) text += ' READ ONLY';
    return [text];
  }

  poolDefaults(): PoolDefaults {
    return {};
  }
}

/**
 * A whole-number URL option: `statement_cache_size` (named prepared statements per
 * connection: default 100, 0 with `pgbouncer=true`; 0 turns them off) or
 * `statement_cache_bytes` (their SQL text together, default 256 KB).
 */
function wholeNumber(text: string | undefined, option: string, unit: string, byDefault: number): number {
  if (text === undefined) return byDefault;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new ArgumentError(`PostgreSQL URL option ${option} must be a whole number of ${unit}; got ${JSON.stringify(text)}.`);
  }
  return value;
}

/** A true / false URL option. */
function flag(text: string | undefined, name: string): boolean {
  if (text === undefined || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw new ArgumentError(`PostgreSQL URL option ${name} must be true or false; got ${JSON.stringify(text)}.`);
}

/** True when another attempt (with or without TLS) could succeed: the server was reached, or TLS itself failed. */
function worthAnotherAttempt(error: unknown): boolean {
  const failure = connectFailureOf(error);
  return failure !== 'refused' && failure !== 'host' && failure !== 'unreachable' && failure !== 'timeout';
}

function connectFailureOf(error: unknown) {
  const code = (error as { code?: string })?.code;
  const message = String((error as Error)?.message ?? '');
  if (code === '28P01' || code === '28000') return 'auth' as const;
  if (code === '3D000') return 'database' as const;
  if (/timeout/i.test(message)) return 'timeout' as const;
  return socketFailure(code) ?? 'other';
}

/*
 * The MySQL / MariaDB dialect: opens mysql2 connections from a parsed URL with the
 * session in UTC, keeps date and time values as the server's text (the type layer
 * converts them), and reports capabilities from the server's product and version.
 */
import { inspect } from 'node:util';
import type { BeginOptions, Capabilities, EngineUrl, ServerInfo } from '@strata/core';
import { catalogText, connectionFailed, type Dialect, type DialectConnection, type DialectOptions, type ErrorClassification, type PoolDefaults, socketFailure } from '@strata/core/dialect';
import type { Connection, ConnectionOptions } from 'mysql2';
import { MysqlCompiler } from './mysql-compiler';
import { MysqlConnection } from './mysql-connection';
import { MysqlDdl } from './mysql-ddl';
import { introspectMysql } from './mysql-introspector';
import type { DatabaseSchema, IntrospectOptions } from '@strata/core';
import type { SchemaQuery } from '@strata/core/dialect';
import { classifyMysqlError, hideMysqlValues } from './mysql-errors';
import { MysqlTypes } from './mysql-types';
import { MysqlMigrations } from './mysql-migrations';

const ISOLATION_LEVELS = Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const);

/** Before `initialize`: only what every supported server can do. */
const CONSERVATIVE: Capabilities = Object.freeze({
  returning: false,
  updateReturning: false,
  transactionalDdl: false,
  savepoints: true,
  forUpdate: true,
  skipLocked: false,
  nowait: false,
  forUpdateOf: false,
  nullsOrdering: false,
  enumsSortByDeclaration: true,
  serverCursors: false,
  multiRowInsert: true,
  multiRowDefaultInsert: true,
  insertId: true,
  // Placeholders per prepared statement (more: ER_PS_MANY_PARAM), on MySQL and MariaDB alike.
  maxParameters: 65_535,
  isolationLevels: ISOLATION_LEVELS,
  // MySQL names a derived table's columns with at most 64 characters, MariaDB cuts labels at 255 bytes: 64 bytes fits both.
  maxLabelBytes: 64,
});

/**
 * Puts the session in UTC and turns strict mode on when the server's default lacks it, so
 * bad values raise instead of being truncated with a warning.
 */
const SESSION_SETUP =
  "SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, IF(@@sql_mode LIKE '%STRICT%', '', ',STRICT_TRANS_TABLES'))";

/** The MySQL and MariaDB dialect, for `mysql://` and `mariadb://` URLs. Streams rows; has no server cursors. */
export class MysqlDialect implements Dialect {
  readonly name = 'mysql';
  readonly compiler = new MysqlCompiler();
  readonly ddl = new MysqlDdl(this.compiler);
  readonly types = new MysqlTypes();
  readonly migrations = new MysqlMigrations();
  #capabilities = CONSERVATIVE;
  #serverInfo: ServerInfo | undefined;
  readonly #url: EngineUrl;
  readonly #options: DialectOptions;

  constructor(url: EngineUrl, options: DialectOptions) {
    this.#url = url;
    this.#options = options;
  }

  get capabilities(): Capabilities {
    return this.#capabilities;
  }

  get serverInfo(): ServerInfo | undefined {
    return this.#serverInfo;
  }

  describeTarget(): string {
    const { host, port, database, username } = this.#url;
    const product = this.#serverInfo?.product ?? 'MySQL';
    return `${product} at ${host ?? 'localhost'}:${port ?? 3306}/${database ?? ''} as ${username ?? '(no user name)'}`;
  }

  /** What `console.log(dialect)` shows: where it connects, never the password. */
  [inspect.custom](): string {
    return `MysqlDialect <${this.describeTarget()}>`;
  }

  async connect(): Promise<DialectConnection> {
    const mysql = require('mysql2') as typeof import('mysql2');
    const config: ConnectionOptions = {
      host: this.#url.host ?? 'localhost',
      port: this.#url.port ?? 3306,
      user: this.#url.username,
      password: this.#url.password,
      database: this.#url.database,
      connectTimeout: this.#options.connectTimeout,
      charset: 'UTF8MB4_UNICODE_CI',
      timezone: 'Z',
      dateStrings: true,
      // JSON as text on MySQL (JSON type) and MariaDB (LONGTEXT) alike; MysqlTypes parses it.
      jsonStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      multipleStatements: false,
      // Prepared statements are cached per connection; the server caps them for all connections together.
      maxPreparedStatements: 256,
      // UPDATE reports rows matched, not rows changed: the unit of work counts matches to detect stale rows.
      flags: ['FOUND_ROWS', '-LOCAL_FILES'],
      ...this.#options.driverOptions,
    };
    let raw: Connection | undefined;
    try {
      raw = mysql.createConnection(config);
      await opened(raw);
    } catch (error) {
      raw?.destroy();
      throw connectionFailed(this.describeTarget(), connectFailureOf(error), error, codeOf(error));
    }
    const connection = new MysqlConnection(raw);
    try {
      await connection.execute(SESSION_SETUP, []);
    } catch (error) {
      await connection.close();
      throw connectionFailed(this.describeTarget(), 'other', error, codeOf(error));
    }
    return connection;
  }

  async initialize(connection: DialectConnection): Promise<void> {
    const result = await connection.execute('SELECT VERSION() AS v', []);
    const version = catalogText(result.rows[0]?.v);
    const mariadb = /mariadb/i.test(version);
    const at = (least: readonly number[]) => atLeast(version, least);
    this.#serverInfo = { product: mariadb ? 'MariaDB' : 'MySQL', version };
    this.types.useServer(this.#serverInfo.product);
    this.#capabilities = Object.freeze({
      ...CONSERVATIVE,
      returning: mariadb && at([10, 5]),
      skipLocked: mariadb ? at([10, 6]) : at([8, 0, 1]),
      nowait: mariadb ? at([10, 3]) : at([8, 0, 1]),
      // MariaDB has no UPDATE ... RETURNING and no FOR UPDATE OF.
      forUpdateOf: !mariadb && at([8, 0, 1]),
    });
  }

  introspect(query: SchemaQuery, options?: IntrospectOptions): Promise<DatabaseSchema> {
    return introspectMysql(query, this.ddl, { mariadb: this.#serverInfo?.product === 'MariaDB' }, options);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifyMysqlError(error);
  }

  hideQuotedValues(text: string): string {
    return hideMysqlValues(text);
  }

  beginStatements(options: BeginOptions): readonly string[] {
    const statements: string[] = [];
    // SET TRANSACTION (no SESSION / GLOBAL) applies to the next transaction only.
    if (options.isolationLevel) statements.push(`SET TRANSACTION ISOLATION LEVEL ${options.isolationLevel.toUpperCase()}`);
    statements.push(options.readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
    return statements;
  }

  poolDefaults(): PoolDefaults {
    return {};
  }
}

/** Resolves once the handshake is done; rejects with the driver's error otherwise. */
function opened(raw: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      raw.off('connect', onConnect);
      reject(error);
    };
    const onConnect = () => {
      raw.off('error', onError);
      resolve();
    };
    raw.once('error', onError).once('connect', onConnect);
  });
}

/** True when the first dotted number in `version` is at least `least`. */
function atLeast(version: string, least: readonly number[]): boolean {
  // Starting only where a run of digits starts keeps this linear on a long run of digits.
  const parts = (/(?<!\d)(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  for (let i = 0; i < least.length; i++) {
    const have = parts[i] ?? 0;
    if (have !== least[i]) return have > least[i]!;
  }
  return true;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

function connectFailureOf(error: unknown) {
  const { code, errno } = (error ?? {}) as { code?: string; errno?: number };
  if (errno === 1045 || errno === 1698 || errno === 1044) return 'auth' as const;
  if (errno === 1049) return 'database' as const;
  return socketFailure(code) ?? 'other';
}

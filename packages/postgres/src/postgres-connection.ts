/*
 * Wraps one pg Client for the engine: execute, a server-side cursor for streams, ping
 * and close. It watches the client's error and end events so the pool learns at once
 * when the server dropped the connection.
 */
import { ConfigurationError } from '@strata/core';
import { ClosedConnectionError, type DialectConnection, type DriverResult, type ExecuteOptions } from '@strata/core/dialect';
import type { Client, QueryConfig, QueryResult } from 'pg';
import { PostgresStatementCache, type StatementCacheLimits } from './postgres-statement-cache';
import type CursorType from 'pg-cursor';

/**
 * SQLSTATEs after which a named statement must be prepared again: 26000 (the server no
 * longer has it) and 0A000 "cached plan must not change result type" (DDL changed a table).
 */
const STALE_STATEMENT = new Set(['26000', '0A000']);

/** One pg client as a DialectConnection. */
export class PostgresConnection implements DialectConnection {
  readonly #client: Client;
  readonly #statements: PostgresStatementCache;
  #closed = false;

  /** `statementCache`: how many named prepared statements (and bytes of their text) the connection keeps; size 0 runs every statement unnamed. */
  constructor(client: Client, statementCache: StatementCacheLimits) {
    this.#client = client;
    this.#statements = new PostgresStatementCache(client, statementCache);
    // Without a listener pg would crash the process when the server drops an idle connection.
    client.on('error', () => {
      this.#closed = true;
    });
    client.on('end', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    if (this.#closed) throw new ClosedConnectionError('PostgreSQL');
    // Statements without parameters go by the simple protocol (a script of several may be one of them).
    if (params.length === 0 && !options?.arrays) return toDriverResult(await this.#client.query(sql));
    try {
      return await this.#run(sql, params, options);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === undefined || !STALE_STATEMENT.has(code)) throw error;
      this.#statements.forget(sql);
      // Outside a transaction nothing ran: prepare it again. Inside, the transaction is aborted already.
      if (this.#client.getTransactionStatus() !== 'I') throw error;
      return this.#run(sql, params, options);
    }
  }

  async #run(sql: string, params: readonly unknown[], options: ExecuteOptions | undefined): Promise<DriverResult> {
    const named = this.#statements.nameFor(sql, params.length);
    const name = typeof named === 'object' ? await named : named;
    const config: QueryConfig = { text: sql, values: params as unknown[], name };
    // pg's typings tie rowMode to its array-row overload; both shapes come back as QueryResult.
    if (options?.arrays) (config as { rowMode?: 'array' }).rowMode = 'array';
    return toDriverResult(await this.#client.query(config));
  }

  async *stream(sql: string, params: readonly unknown[], batchSize: number, options?: ExecuteOptions): AsyncIterable<Record<string, unknown>[]> {
    if (this.#closed) throw new ClosedConnectionError('PostgreSQL');
    const Cursor = loadCursor();
    const cursor = this.#client.query(new Cursor(sql, params as unknown[], options?.arrays ? { rowMode: 'array' } : undefined));
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) return;
        yield rows;
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    await this.execute('SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // end() waits for the server's goodbye; a dead socket may never send one.
    await Promise.race([this.#client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}

function toDriverResult(raw: QueryResult | QueryResult[]): DriverResult {
  // A simple-protocol string with several statements yields one result each; report the last.
  const result = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
  const rows: Record<string, unknown>[] = (result.rows as Record<string, unknown>[] | undefined) ?? [];
  return { rows, rowCount: result.rowCount ?? result.rows?.length ?? 0, command: result.command };
}

/** pg-cursor, an optional peer needed only to stream: a missing one is named with the command that installs it. */
function loadCursor(): typeof CursorType {
  try {
    return require('pg-cursor') as typeof CursorType;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((cause as Error).message).includes("'pg-cursor'")) {
      throw new ConfigurationError('Streaming rows from PostgreSQL (session.stream, connection.stream) needs the pg-cursor package, which is not installed. Run: npm install pg-cursor', { cause });
    }
    throw cause;
  }
}

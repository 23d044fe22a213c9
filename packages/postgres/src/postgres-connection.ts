/*
 * Wraps one pg Client for the engine: execute, a server-side cursor for streams, ping
 * and close. It watches the client's error and end events so the pool learns at once
 * when the server dropped the connection.
 */
import { ClosedConnectionError, type DialectConnection, type DriverResult, type ExecuteOptions } from '@strata/core';
import type { Client, QueryResult } from 'pg';
import type CursorType from 'pg-cursor';

/** One pg client as a DialectConnection. */
export class PostgresConnection implements DialectConnection {
  readonly #client: Client;
  #closed = false;

  constructor(client: Client) {
    this.#client = client;
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
    const raw = (
      options?.arrays ? await this.#client.query({ text: sql, values: params as unknown[], rowMode: 'array' }) : await this.#client.query(sql, params as unknown[])
    ) as QueryResult | QueryResult[];
    // A simple-protocol string with several statements yields one result each; report the last.
    const result = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
    return { rows: result.rows ?? [], rowCount: result.rowCount ?? result.rows?.length ?? 0, command: result.command };
  }

  async *stream(sql: string, params: readonly unknown[], batchSize: number, options?: ExecuteOptions): AsyncIterable<Record<string, unknown>> {
    if (this.#closed) throw new ClosedConnectionError('PostgreSQL');
    const Cursor = require('pg-cursor') as typeof CursorType;
    const cursor = this.#client.query(new Cursor(sql, params as unknown[], options?.arrays ? { rowMode: 'array' } : undefined));
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) return;
        yield* rows;
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

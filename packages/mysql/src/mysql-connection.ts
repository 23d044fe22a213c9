/*
 * Wraps one mysql2 connection (callback API) for the engine: execute, row streaming
 * with backpressure, ping and close. It watches the connection's error and end events
 * so the pool learns at once when the server dropped it (wait_timeout, KILL).
 */
import { ClosedConnectionError, type DialectConnection, type DriverResult, type ExecuteOptions } from '@strata/core/dialect';
import type { Connection, QueryOptions, ResultSetHeader } from 'mysql2';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** MySQL's "Prepared statement needs to be re-prepared". */
const ER_NEED_REPREPARE = 1615;

/** One mysql2 connection as a DialectConnection. */
export class MysqlConnection implements DialectConnection {
  readonly #raw: Connection;
  #closed = false;
  #closing = false;

  constructor(raw: Connection) {
    this.#raw = raw;
    // Without an 'error' listener mysql2 would crash the process when the server kills an idle connection.
    raw.on('error', () => {
      this.#closed = true;
    });
    raw.on('end', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    if (this.#closed) throw new ClosedConnectionError('MySQL');
    const arrays = options?.arrays === true;
    try {
      return toDriverResult(await this.#send(sql, params, arrays), arrays);
    } catch (error) {
      // The server asks for a re-prepare after some DDL on the statement's tables; the statement did not run.
      if ((error as { errno?: number }).errno !== ER_NEED_REPREPARE) throw error;
      this.#raw.unprepare(sql);
      return toDriverResult(await this.#send(sql, params, arrays), arrays);
    }
  }

  /**
   * Statements with parameters run as server-side prepared statements (mysql2 caches them
   * per connection), so values travel bound in the binary protocol, never spliced into text.
   */
  #send(sql: string, params: readonly unknown[], arrays: boolean): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const done = (error: (Error & { fatal?: boolean }) | null, value: unknown) => {
        if (!error) return resolve(value);
        // mysql2 reports a dead socket to the running command's callback, not as an 'error' event.
        if (error.fatal) this.#closed = true;
        reject(error);
      };
      const command: QueryOptions = arrays ? { sql, rowsAsArray: true } : { sql };
      if (params.length === 0) this.#raw.query(command, done);
      else this.#raw.execute(command, params as never, done);
    });
  }

  async *stream(sql: string, params: readonly unknown[], batchSize: number, options?: ExecuteOptions): AsyncIterable<Record<string, unknown>[]> {
    if (this.#closed) throw new ClosedConnectionError('MySQL');
    let rows: Readable | undefined;
    let lost: Error | undefined;
    // A callback-less query never hears that the socket died; only the connection does.
    const onLost = (error?: Error) => {
      lost ??= error ?? connectionLost();
      rows?.destroy(lost);
    };
    this.#raw.on('error', onLost).on('end', onLost);
    try {
      const command: QueryOptions = options?.arrays ? { sql, rowsAsArray: true } : { sql };
      const query = params.length === 0 ? this.#raw.query(command) : this.#raw.execute(command, params as never);
      // After an early return destroys the readable, mysql2 still reads the rest of the result; keep its late errors handled.
      query.on('error', () => undefined);
      rows = query.stream({ highWaterMark: batchSize });
      if (lost) rows.destroy(lost);
      // What the stream holds goes out as one batch; only an empty buffer waits for more.
      for (;;) {
        const batch: Record<string, unknown>[] = [];
        let row: unknown;
        while (batch.length < batchSize && (row = rows.read()) !== null) batch.push(row as Record<string, unknown>);
        if (batch.length > 0) {
          yield batch;
          continue;
        }
        if (rows.errored) throw rows.errored;
        if (rows.readableEnded || rows.destroyed) return;
        await moreRows(rows);
      }
    } finally {
      // destroy() resumes a connection paused by backpressure, so the unread rows drain and the next query runs.
      rows?.destroy();
      this.#raw.off('error', onLost).off('end', onLost);
    }
  }

  async ping(): Promise<void> {
    await this.execute('SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#closed = true;
    const raw = this.#raw;
    // mysql2's destroy() only half-closes the socket; a dead peer would hold it open, so keep it to destroy.
    const socket = (raw as unknown as { stream?: Socket }).stream;
    const gone = new Promise<void>((resolve) => {
      if (!socket || socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
    try {
      // COM_QUIT after any queued command; the callback takes the error of an already closed connection.
      raw.end(() => undefined);
    } catch {
      // A connection mysql2 already considers closed may refuse; destroy() below still frees the socket.
    }
    // The server closes the socket on COM_QUIT; a dead peer never will.
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    raw.destroy();
    socket?.destroy();
  }
}

/** Resolves when the readable has rows to read or ended; rejects when it failed. */
function moreRows(rows: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      rows.off('readable', ready).off('end', ready).off('close', ready).off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const ready = (): void => settle();
    rows.once('readable', ready).once('end', ready).once('close', ready).once('error', settle);
  });
}

/** The error a stream ends with when the server closed the socket without a word. */
function connectionLost(): Error {
  return Object.assign(new Error('Connection lost: the server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
}

/** Normalises mysql2's results: rows for a query, the OK packet's counts for a write. */
function toDriverResult(result: unknown, arrays: boolean): DriverResult {
  if (!Array.isArray(result)) return fromHeader(result as ResultSetHeader);
  // Rows asked for as arrays come from the ORM's own single SELECTs: never several result sets.
  if (arrays) return { rows: result as Record<string, unknown>[], rowCount: result.length };
  // A CALL yields several results (row sets, then a status); report the last row set.
  if (result.length > 0 && (Array.isArray(result[0]) || isHeader(result[0]))) {
    const sets = result.filter((part): part is Record<string, unknown>[] => Array.isArray(part));
    const last = sets[sets.length - 1];
    return last ? { rows: last, rowCount: last.length } : fromHeader(result[result.length - 1] as ResultSetHeader);
  }
  return { rows: result as Record<string, unknown>[], rowCount: result.length };
}

function isHeader(value: unknown): boolean {
  return (value as object | null)?.constructor?.name === 'ResultSetHeader';
}

function fromHeader(header: ResultSetHeader): DriverResult {
  // With bigNumberStrings, ids past 2^53 arrive as strings.
  const raw = header.insertId as number | string | undefined;
  const insertId = typeof raw === 'string' ? BigInt(raw) : raw;
  const rowCount = Number(header.affectedRows ?? 0);
  return insertId ? { rows: [], rowCount, insertId } : { rows: [], rowCount };
}

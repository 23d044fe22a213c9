/*
 * Wraps one better-sqlite3 Database for the engine. The driver is synchronous; this
 * wrapper keeps every call behind a Promise, caches prepared statements, and waits for
 * a busy database asynchronously (never blocking the event loop) up to busyTimeout.
 */
import { ClosedConnectionError, type DialectConnection, type DriverResult, type ExecuteOptions } from '@strata/core/dialect';
import type { Database, Statement } from 'better-sqlite3';
import { narrowRow, narrowRows, readBigintsExactly } from './sqlite-bigint-reads';

const WRITES_ROWID = /^\s*(?:insert|replace)\b/i;
const CACHE_LIMIT = 200;

/** One SQLite database handle as a DialectConnection. */
export class SqliteConnection implements DialectConnection {
  readonly #db: Database;
  readonly #busyTimeout: number;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database, busyTimeout: number) {
    this.#db = db;
    this.#busyTimeout = busyTimeout;
  }

  get closed(): boolean {
    return !this.#db.open;
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    if (!this.#db.open) throw new ClosedConnectionError('SQLite');
    const values = bindable(params);
    const started = Date.now();
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        return this.#run(sql, values, options);
      } catch (error) {
        // SQLITE_BUSY means the statement did nothing: wait without blocking other connections, then retry.
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() - started >= this.#busyTimeout) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async *stream(sql: string, params: readonly unknown[], batchSize: number, options?: ExecuteOptions): AsyncIterable<Record<string, unknown>[]> {
    if (!this.#db.open) throw new ClosedConnectionError('SQLite');
    const statement = this.#prepare(sql);
    if (options?.exactIntegers) readBigintsExactly(statement, options.exactIntegers);
    // The raw flag is read when the iterator starts, so another use of the cached statement cannot change it midway.
    statement.raw(options?.arrays === true);
    let batch: Record<string, unknown>[] = [];
    for (const row of statement.iterate(bindable(params)) as IterableIterator<Record<string, unknown>>) {
      batch.push(narrowRow(statement, row));
      if (batch.length < batchSize) continue;
      yield batch;
      batch = [];
      // Give other work a turn between batches: the driver itself never yields.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (batch.length > 0) yield batch;
  }

  async ping(): Promise<void> {
    await this.execute('SELECT 1', []);
  }

  async close(): Promise<void> {
    this.#statements.clear();
    if (this.#db.open) this.#db.close();
  }

  #run(sql: string, values: unknown[], options: ExecuteOptions | undefined): DriverResult {
    let statement: Statement;
    try {
      statement = this.#prepare(sql);
    } catch (error) {
      // A script of several statements (DDL files) runs through exec, which takes no parameters.
      if (values.length === 0 && /more than one statement/i.test(String((error as Error).message))) {
        this.#db.exec(sql);
        return { rows: [], rowCount: 0 };
      }
      throw error;
    }
    if (statement.reader) {
      if (options?.exactIntegers) readBigintsExactly(statement, options.exactIntegers);
      // Value arrays where the caller reads by position: the driver builds no keyed objects then.
      statement.raw(options?.arrays === true);
      const rows = narrowRows(statement, statement.all(values) as Record<string, unknown>[]);
      return { rows, rowCount: rows.length };
    }
    const info = statement.run(values);
    return { rows: [], rowCount: info.changes, insertId: info.changes > 0 && WRITES_ROWID.test(sql) ? info.lastInsertRowid : undefined };
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement) return statement;
    statement = this.#db.prepare(sql);
    // BIGINT columns read as exact bigints (see sqlite-bigint-reads.ts).
    readBigintsExactly(statement);
    if (this.#statements.size >= CACHE_LIMIT) this.#statements.delete(this.#statements.keys().next().value!);
    this.#statements.set(sql, statement);
    return statement;
  }
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans and dates are converted here. */
function bindable(params: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    let converted = value;
    if (typeof value === 'boolean') converted = value ? 1 : 0;
    else if (value instanceof Date) converted = value.toISOString();
    if (converted !== value) (out ??= copyOf(params))[i] = converted;
  }
  return out ?? (params as unknown[]);
}

/** A copy made by index (spreading or slicing a frozen array takes V8's slow path). */
function copyOf(values: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

/*
 * Connection: one checked-out pool slot, as users and the Session see it. Statements run
 * in autocommit until begin(); every transaction start re-checks the slot (recycle age,
 * invalidation, pre-ping), and a disconnect is recovered from only where replaying the
 * statement cannot repeat a write.
 */
import { inspect } from 'node:util';
import { ArgumentError, DisconnectionError, IntegrityError, InvalidStateError, StrataError, TransactionAbortedError } from '../errors/errors';
import type { PooledConnection } from '../pool/pooled-connection';
import type { Pool } from '../pool/pool';
import type { CompileOptions } from '../query/query-buffer';
import { fillSlots, type CompiledStatement } from '../query/query-compiler';
import type { RowOf, Statement } from '../query/statement';
import type { CompiledSql } from '../sql/sql-compiler';
import type { SqlFragment } from '../sql/sql-fragment';
import type { BeginOptions, Dialect, ExecuteOptions } from './dialect';
import { describeViolation, type ViolationScope } from './describe-violation';
import type { Row } from './result';
import { Result } from './result';
import { inspectView, type InspectStyling } from './inspect-view';
import { translateError } from './translate-error';

/** What a Connection needs from its engine. Internal. */
export interface ConnectionContext {
  readonly dialect: Dialect;
  readonly pool: Pool;
  readonly hideParameters: boolean;
  /** True for the connections of an engine's read replicas. */
  readonly replica?: boolean;
  /** Reports a statement to echo and listeners; `undefined` when nobody listens. */
  readonly record: ((sql: string, params: readonly unknown[], startedAt: number, rowCount: number | undefined, error?: Error) => void) | undefined;
  describeTarget(): string;
}

/** Options for `Connection.stream`. */
export interface StreamOptions {
  /** Rows fetched per round trip where the server has cursors. Default 1000. */
  batchSize?: number;
}

/** Statements that read only, so replaying one on a new connection cannot repeat a write. */
const READ_ONLY = /^\s*(?:\(\s*)*(?:select|show|values|describe|desc)\b/i;
/** Reads that still change something (sequences, locks, SELECT INTO) are never replayed. */
const SIDE_EFFECTS = /\b(?:into|nextval|setval|lastval|for\s+(?:update|share|no\s+key\s+update|key\s+share)|pg_advisory\w*|get_lock|release_lock|sleep|pg_sleep)\b/i;

/** True for a statement that is safe to send again after a disconnect: a plain read. */
export function isReplayableRead(sqlText: string): boolean {
  return READ_ONLY.test(sqlText) && !SIDE_EFFECTS.test(sqlText);
}

/** A savepoint inside a Connection's transaction. */
export class Savepoint {
  readonly name: string;
  readonly #release: () => Promise<void>;
  readonly #rollback: () => Promise<void>;

  constructor(name: string, release: () => Promise<void>, rollback: () => Promise<void>) {
    this.name = name;
    this.#release = release;
    this.#rollback = rollback;
  }

  /** Keeps the work done since the savepoint (RELEASE SAVEPOINT). */
  release(): Promise<void> {
    return this.#release();
  }

  /** Undoes the work done since the savepoint (ROLLBACK TO SAVEPOINT); the transaction goes on. */
  rollback(): Promise<void> {
    return this.#rollback();
  }
}

/**
 * A database connection checked out of the engine's pool.
 *
 * Each statement commits on its own until `begin()`. `close()` returns it to the pool
 * (rolling back an open transaction). The pool's recycle and pre-ping rules apply at the
 * start of every transaction, so a Connection kept open for hours stays usable.
 * @example
 * const conn = await engine.connect();
 * try {
 *   await conn.begin();
 *   await conn.execute(sql`update accounts set balance = balance - ${10} where id = ${1}`);
 *   await conn.commit();
 * } finally {
 *   await conn.close();
 * }
 */
export class Connection {
  readonly #ctx: ConnectionContext;
  #slot: PooledConnection | undefined;
  #inTransaction = false;
  #lost: DisconnectionError | undefined;
  #aborted: StrataError | undefined;
  #streaming = false;
  #savepointSeq = 0;

  constructor(ctx: ConnectionContext, slot: PooledConnection) {
    this.#ctx = ctx;
    this.#slot = slot;
  }

  /** True for a connection to a read replica (from `engine.connectForRead()`). */
  get replica(): boolean {
    return this.#ctx.replica === true;
  }

  /** True while a transaction begun with `begin()` is open. */
  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#slot === undefined;
  }

  /** The pool slot's id, stable while the Connection is open (the driver connection under it may change). */
  get connectionId(): number {
    return this.#open().id;
  }

  /** The dialect this connection speaks. */
  get dialect(): Dialect {
    return this.#ctx.dialect;
  }

  /** What `console.log(connection)` shows: where it goes (no password) and its state, not the driver connection. */
  [inspect.custom](depth: number | null, options: InspectStyling): string {
    const fields = { target: this.#ctx.describeTarget(), id: this.#slot?.id, inTransaction: this.#inTransaction, closed: this.closed };
    return inspectView('Connection', fields, depth, options);
  }

  /**
   * Runs one statement. A statement built with `select` / `insert` / `update` / `deleteFrom`
   * yields rows keyed by property (or by the selected keys), converted by the column codecs.
   * A `sql` template binds every value; a plain string runs with `params` in the driver's
   * placeholder style (`$1` on PostgreSQL, `?` elsewhere).
   * @example
   * const { rows } = await conn.execute(select(User).where({ email }));
   */
  async execute<S extends Statement<unknown>>(statement: S): Promise<Result<RowOf<S>>>;
  async execute<R = Row>(statement: SqlFragment | string, params?: readonly unknown[]): Promise<Result<R>>;
  async execute(statement: Statement<unknown> | SqlFragment | string, params?: readonly unknown[]): Promise<Result<unknown>> {
    if (isStatement(statement)) {
      const compiled = this.#compileStatement(statement, params);
      return decoded(await this.#execute(compiled, undefined, { node: statement.node }), compiled);
    }
    const compiled = this.#ctx.dialect.compiler.compile(statement, params, this.#compileOptions());
    return this.executeCompiled(compiled);
  }

  /**
   * Runs a statement built with ParamSlot values, filling the slots from `values`: the
   * statement compiles once (cached on its node) and runs with new values each time.
   */
  async executeWith<S extends Statement<unknown>>(statement: S, values: readonly unknown[]): Promise<Result<RowOf<S>>> {
    const compiled = fillSlots(this.#compileStatement(statement, undefined), values);
    return decoded(await this.#execute(compiled, undefined, { node: statement.node, values }), compiled) as Result<RowOf<S>>;
  }

  /**
   * @internal Runs a statement (its ParamSlot values filled from `values`) and returns the
   * driver's rows undecoded, as value arrays in SELECT-list order, with the compiled
   * statement: its columns say how to decode each position. For the ORM's row mappers.
   */
  async queryArrays(statement: Statement<unknown>, values?: readonly unknown[]): Promise<{ rows: unknown[][]; compiled: CompiledStatement }> {
    const base = this.#compileStatement(statement, undefined);
    const compiled = values ? fillSlots(base, values) : base;
    const result = await this.#execute(compiled, { exactIntegers: compiled.exactIntegers, arrays: true }, { node: statement.node, values });
    return { rows: result.rows as unknown as unknown[][], compiled: base };
  }

  /** Runs an already compiled statement; `options` are hints for the driver wrapper (default: the statement's exact integers). */
  async executeCompiled(compiled: CompiledSql, options?: ExecuteOptions): Promise<Result> {
    return this.#execute(compiled, options, undefined);
  }

  /** Runs a compiled statement; `origin` is the ORM statement it came from, for describing a constraint it violates. */
  async #execute(compiled: CompiledSql, options: ExecuteOptions | undefined, origin: ViolationScope | undefined): Promise<Result> {
    const slot = this.#usable();
    if (this.#inTransaction) return this.#send(slot, compiled, options, origin);
    // Outside a transaction every statement is a transaction of its own: re-check the slot first.
    if (this.#ctx.pool.needsCheck(slot)) await this.#ctx.pool.ensureUsable(slot);
    try {
      return await this.#send(slot, compiled, options, origin);
    } catch (error) {
      if (!(error instanceof DisconnectionError)) throw error;
      // Replay only what provably never reached the server, or cannot have changed anything.
      if (!error.neverSent && !isReplayableRead(compiled.sql)) throw error;
      await this.#ctx.pool.reconnect(slot);
      return this.#send(slot, compiled, options, origin);
    }
  }

  /**
   * Streams a query's rows without holding them all in memory: a server-side cursor on
   * PostgreSQL, row streaming on MySQL, `iterate()` on SQLite.
   */
  stream<S extends Statement<unknown>>(statement: S, options?: StreamOptions): AsyncGenerator<RowOf<S>>;
  stream<R = Row>(statement: SqlFragment | string, options?: StreamOptions & { params?: readonly unknown[] }): AsyncGenerator<R>;
  stream(statement: Statement<unknown> | SqlFragment | string, options: StreamOptions & { params?: readonly unknown[] } = {}): AsyncGenerator<unknown> {
    const node = isStatement(statement) ? this.#compileStatement(statement, options.params) : undefined;
    const compiled = node ?? this.#ctx.dialect.compiler.compile(statement as SqlFragment | string, options.params, this.#compileOptions());
    return this.#stream(compiled, options.batchSize, compiled.exactIntegers ? compiled : undefined, node?.decodeRow);
  }

  /**
   * @internal Streams a statement's rows undecoded, in batches of value arrays in SELECT-list
   * order; `compiled` is the compiled statement whose columns decode them. For the ORM's row
   * mappers, which pay one promise per batch this way.
   */
  streamArrays(statement: Statement<unknown>, options: StreamOptions = {}): { batches: AsyncGenerator<unknown[][]>; compiled: CompiledStatement } {
    const compiled = this.#compileStatement(statement, undefined);
    const batches = this.#batches(compiled, options.batchSize, { exactIntegers: compiled.exactIntegers, arrays: true }) as AsyncGenerator<unknown[][]>;
    return { batches, compiled };
  }

  async *#stream(compiled: CompiledSql, batchSize: number | undefined, driverOptions: ExecuteOptions | undefined, decode: ((row: Row) => unknown) | undefined): AsyncGenerator<unknown> {
    for await (const batch of this.#batches(compiled, batchSize, driverOptions)) {
      for (const row of batch) yield decode ? decode(row) : row;
    }
  }

  async *#batches(compiled: CompiledSql, batchSize: number | undefined, driverOptions: ExecuteOptions | undefined): AsyncGenerator<Row[]> {
    const slot = this.#usable();
    if (!this.#inTransaction && this.#ctx.pool.needsCheck(slot)) await this.#ctx.pool.ensureUsable(slot);
    const startedAt = performance.now();
    let count = 0;
    let failed = false;
    this.#streaming = true;
    try {
      for await (const batch of slot.raw.stream(compiled.sql, compiled.params, batchSize ?? 1000, driverOptions)) {
        count += batch.length;
        yield batch;
      }
    } catch (error) {
      failed = true;
      throw this.#fail(slot, compiled, startedAt, error);
    } finally {
      this.#streaming = false;
      slot.markUsed();
      // Recorded also when the caller stopped early; a failure was recorded by #fail.
      if (!failed) this.#ctx.record?.(compiled.sql, compiled.params, startedAt, count);
    }
  }

  /** Starts a transaction. Recycle and pre-ping rules run first; a disconnect while starting is retried once. */
  async begin(options: BeginOptions = {}): Promise<void> {
    const slot = this.#usable();
    if (this.#inTransaction) {
      throw new InvalidStateError('begin() called on a Connection that is already in a transaction; use savepoint() to nest.');
    }
    const { isolationLevels } = this.#ctx.dialect.capabilities;
    if (options.isolationLevel !== undefined && !isolationLevels.includes(options.isolationLevel)) {
      throw new ArgumentError(
        `Isolation level '${options.isolationLevel}' is not available on ${this.#ctx.describeTarget()}; use one of: ${isolationLevels.join(', ')}.`,
      );
    }
    if (this.#ctx.pool.needsCheck(slot)) await this.#ctx.pool.ensureUsable(slot);
    const statements = this.#ctx.dialect.beginStatements(options);
    try {
      for (const text of statements) await this.#send(slot, { sql: text, params: [] });
    } catch (error) {
      // Starting a transaction changes no data, so it is always safe to start over once.
      if (!(error instanceof DisconnectionError)) throw error;
      await this.#ctx.pool.reconnect(slot);
      for (const text of statements) await this.#send(slot, { sql: text, params: [] });
    }
    this.#inTransaction = true;
    this.#lost = undefined;
    this.#savepointSeq = 0;
  }

  /** Commits the open transaction. A disconnect during COMMIT leaves its outcome unknown and is raised, never retried. */
  async commit(): Promise<void> {
    const slot = this.#open();
    if (!this.#inTransaction) throw new InvalidStateError('commit() called on a Connection with no open transaction; call begin() first.');
    if (this.#lost) {
      const error = this.#lostError('commit()');
      this.#endTransaction();
      throw error;
    }
    if (this.#aborted) {
      const error = new TransactionAbortedError(
        `COMMIT is impossible: the server already rolled this transaction back (${this.#aborted.message.split('\n')[0]}). Run the whole transaction again.`,
        { cause: this.#aborted },
      );
      this.#endTransaction();
      throw error;
    }
    let result: Result;
    try {
      result = await this.#send(slot, { sql: 'COMMIT', params: [] });
    } catch (error) {
      // A lost connection took the transaction with it; any other failure leaves it open for rollback().
      if (error instanceof DisconnectionError) this.#endTransaction();
      throw error;
    }
    this.#endTransaction();
    if (result.command === 'ROLLBACK') {
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK instead of an error.
      throw new TransactionAbortedError(
        'COMMIT was answered with ROLLBACK: a statement in this transaction failed earlier (and its error was caught), ' +
          'so the server rolled the whole transaction back. Nothing was saved; run the transaction again.',
      );
    }
  }

  /** Rolls back the open transaction; does nothing when none is open. Never fails on a lost connection. */
  async rollback(): Promise<void> {
    const slot = this.#open();
    if (!this.#inTransaction) return;
    const lost = this.#lost !== undefined;
    this.#endTransaction();
    if (lost || slot.invalid) return;
    try {
      await this.#send(slot, { sql: 'ROLLBACK', params: [] });
    } catch (error) {
      // The transaction is gone with the connection either way.
      if (error instanceof DisconnectionError) return;
      // A connection that could not roll back is in an unknown state: closing it ends the transaction server-side.
      this.#ctx.pool.invalidate(slot, 'rollback failed', { error });
      throw error;
    }
  }

  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back and rethrows when it throws.
   * @example
   * await conn.transaction(async (c) => { await c.execute(sql`...`); }, { isolationLevel: 'serializable' });
   */
  async transaction<T>(fn: (connection: Connection) => Promise<T>, options: BeginOptions = {}): Promise<T> {
    await this.begin(options);
    let result: T;
    try {
      result = await fn(this);
    } catch (error) {
      await this.rollback().catch(() => undefined);
      throw error;
    }
    await this.commit();
    return result;
  }

  /** Sets a savepoint in the open transaction. */
  async savepoint(name?: string): Promise<Savepoint> {
    const slot = this.#usable();
    if (!this.#inTransaction) throw new InvalidStateError('savepoint() needs an open transaction; call begin() first.');
    const spName = name ?? `strata_sp_${++this.#savepointSeq}`;
    const quoted = this.#ctx.dialect.compiler.quoteIdentifier(spName);
    await this.#send(slot, { sql: `SAVEPOINT ${quoted}`, params: [] });
    return new Savepoint(
      spName,
      async () => {
        await this.#send(this.#usable(), { sql: `RELEASE SAVEPOINT ${quoted}`, params: [] });
      },
      async () => {
        await this.#send(this.#usable(), { sql: `ROLLBACK TO SAVEPOINT ${quoted}`, params: [] });
      },
    );
  }

  /** Returns the connection to the pool, rolling back an open transaction. Safe to call twice. */
  async close(): Promise<void> {
    const slot = this.#slot;
    if (!slot) return;
    try {
      if (this.#inTransaction) await this.rollback();
    } catch {
      // A connection whose rollback failed must not be reused.
      this.#ctx.pool.invalidate(slot, 'rollback failed on close');
    } finally {
      this.#slot = undefined;
      this.#ctx.pool.checkin(slot);
    }
  }

  /** @internal Returns the connection to the pool at once when no transaction is open (nothing to roll back); false otherwise. */
  releaseNow(): boolean {
    const slot = this.#slot;
    if (!slot) return true;
    if (this.#inTransaction) return false;
    this.#slot = undefined;
    this.#ctx.pool.checkin(slot);
    return true;
  }

  /** Compiles a statement node for this dialect: its capabilities, its codecs; cached per statement. */
  #compileStatement(statement: Statement<unknown>, params: readonly unknown[] | undefined): CompiledStatement {
    if (params !== undefined && params.length > 0) {
      throw new ArgumentError('A statement built with select / insert / update / deleteFrom carries its own values; pass no parameter array.');
    }
    return this.#ctx.dialect.compiler.compileStatement(statement, this.#compileOptions());
  }

  /** What the compiler needs to know about this server: capabilities, codecs, and its name for messages. */
  #compileOptions(): CompileOptions {
    const { dialect } = this.#ctx;
    const cached = compileOptionsOf.get(dialect);
    // The same object while the server facts stay the same, so the compiler's cache keeps hitting.
    if (cached && cached.capabilities === dialect.capabilities && cached.info === dialect.serverInfo) return cached.options;
    const info = dialect.serverInfo;
    const options = Object.freeze({ capabilities: dialect.capabilities, types: dialect.types, target: info ? `${info.product} ${info.version}` : undefined });
    compileOptionsOf.set(dialect, { capabilities: dialect.capabilities, info, options });
    return options;
  }

  #open(): PooledConnection {
    if (!this.#slot) throw new InvalidStateError('This Connection is closed; get a new one with engine.connect().');
    return this.#slot;
  }

  #usable(): PooledConnection {
    const slot = this.#open();
    if (this.#streaming) {
      throw new InvalidStateError(
        'A stream is still open on this Connection; read it to the end or break out of the loop before running another statement.',
      );
    }
    if (this.#lost) throw this.#lostError('this statement');
    if (this.#aborted) {
      throw new InvalidStateError(
        `The server already rolled back this transaction (${this.#aborted.message.split('\n')[0]}). Call rollback(), then run the whole transaction again.`,
        { cause: this.#aborted },
      );
    }
    return slot;
  }

  #lostError(what: string): DisconnectionError {
    const cause = this.#lost!;
    return new DisconnectionError(
      `The transaction on this connection was lost when the connection to ${this.#ctx.describeTarget()} dropped, so ${what} cannot run. ` +
        'Call rollback(), then run the whole transaction again.',
      { cause, driverCode: cause.driverCode },
    );
  }

  #endTransaction(): void {
    this.#inTransaction = false;
    this.#lost = undefined;
    this.#aborted = undefined;
  }

  async #send(
    slot: PooledConnection,
    compiled: CompiledSql,
    options: ExecuteOptions | undefined = compiled.exactIntegers ? compiled : undefined,
    origin?: ViolationScope,
  ): Promise<Result> {
    const startedAt = this.#ctx.record ? performance.now() : 0;
    try {
      const raw = await slot.raw.execute(compiled.sql, compiled.params, options);
      slot.markUsed();
      this.#ctx.record?.(compiled.sql, compiled.params, startedAt, raw.rowCount);
      return new Result(raw);
    } catch (error) {
      throw this.#fail(slot, compiled, startedAt, error, origin);
    }
  }

  /** Translates a failure (a constraint violation of an ORM statement completed from its metadata); on a disconnect, condemns the slot (and older pooled connections) and marks the transaction lost. */
  #fail(slot: PooledConnection, compiled: CompiledSql, startedAt: number, error: unknown, origin?: ViolationScope): StrataError {
    const { dialect, hideParameters } = this.#ctx;
    let classification = dialect.classifyError(error);
    // Whatever its code, an error after which the driver connection is closed was a disconnect (PostgreSQL FATAL errors).
    if (classification.kind !== 'disconnect' && slot.raw.closed) classification = { ...classification, kind: 'disconnect' };
    const hideQuoted = dialect.hideQuotedValues && ((text: string) => dialect.hideQuotedValues!(text));
    let translated = translateError(error, classification, compiled, hideParameters, this.#ctx.describeTarget(), hideQuoted);
    if (origin && translated instanceof IntegrityError) translated = describeViolation(translated, origin);
    if (classification.endsTransaction && this.#inTransaction) this.#aborted = translated;
    if (translated instanceof DisconnectionError) {
      translated.neverSent = classification.neverSent === true;
      this.#ctx.pool.invalidate(slot, 'disconnect', { error, wholePool: true });
      if (this.#inTransaction) this.#lost = translated;
    }
    this.#ctx.record?.(compiled.sql, compiled.params, startedAt, undefined, translated);
    return translated;
  }
}

const compileOptionsOf = new WeakMap<Dialect, { capabilities: Dialect['capabilities']; info: Dialect['serverInfo']; options: CompileOptions }>();

/** A statement node holder; told apart from fragments and text without loading the query layer. */
function isStatement(value: unknown): value is Statement<unknown> {
  return typeof value === 'object' && value !== null && 'node' in value;
}

/** The result with its rows converted by the statement's row decoder (built once per compiled statement). */
function decoded(result: Result, compiled: CompiledStatement): Result<unknown> {
  const decode = compiled.decodeRow;
  if (!decode) return result;
  return new Result({ rows: result.rows.map(decode) as Row[], rowCount: result.rowCount, insertId: result.insertId });
}

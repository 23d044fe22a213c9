/*
 * The Engine: a dialect chosen by URL scheme, one connection pool, and the statement
 * log (echo and the `statement` event). Everything that talks to the database - raw
 * Connections, Sessions, migrations - gets its connections here.
 */
import { inspect } from 'node:util';
import { ArgumentError } from '../errors/errors';
import { systemClock, type Clock } from '../pool/clock';
import { Pool, type PoolStatus } from '../pool/pool';
import type { RowOf, Statement } from '../query/statement';
import type { SqlFragment } from '../sql/sql-fragment';
import { formatParams, translateError } from './translate-error';
import { Connection, type ConnectionContext } from './connection';
import type { BeginOptions, Capabilities, Dialect, DialectConnection, ServerInfo } from './dialect';
import { dialectFactoryFor } from './dialect-registry';
import { parseEngineUrl, toEngineUrl, type EngineUrl } from './engine-url';
import { inspectView, type InspectStyling } from './inspect-view';
import { EngineEvents, type EngineEventName, type EngineListener, type StatementEntry } from './engine-events';
import { ReplicaSet, type ReplicaState } from './replica-set';
import type { Result, Row } from './result';

/** Statements that only begin or end transactions and savepoints: not counted by countStatements. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION|SET TRANSACTION|END)\b/i;

/** Engine settings. All durations are milliseconds. */
export interface EngineOptions {
  /** Connections kept open in the pool. Default 5. */
  poolSize?: number;
  /** Extra connections allowed under load, closed when returned. Default 10. */
  maxOverflow?: number;
  /** How long `connect()` waits for a free connection before PoolTimeoutError. Default 30000. */
  poolTimeout?: number;
  /** Replace connections older than this, at checkout and at each transaction start. Default: never. */
  poolRecycle?: number;
  /** Test a connection with a round trip before use. Default false. */
  prePing?: boolean;
  /** With prePing, only test connections idle at least this long, so a busy pool pays nothing. Default 0. */
  prePingAfterIdle?: number;
  /** Reuse the most recently returned connection first (`lifo`, default) or the oldest (`fifo`). */
  poolReuse?: 'lifo' | 'fifo';
  /** Report a connection held longer than this, with the stack that took it. Default: off. */
  leakDetection?: number;
  /** Print every statement with its parameters and time (`true`), or hand each to a function. Default false. */
  echo?: boolean | ((entry: StatementEntry) => void);
  /** Keep parameters out of error messages, error fields and echo. Default false. */
  hideParameters?: boolean;
  /** How long to wait for a new connection to open. Default 10000. */
  connectTimeout?: number;
  /** Options handed to the driver unchanged (pg Client, mysql2 connection, better-sqlite3 Database). */
  driverOptions?: Record<string, unknown>;
  /**
   * URLs of read replicas of this database (same dialect). Sessions send their reads outside
   * a transaction to them, opening connections round robin; see `readYourWrites`. Default: none.
   */
  replicas?: readonly string[];
  /** How long a replica that could not be reached is skipped before it is tried again. Default 5000. */
  replicaRetryAfter?: number;
  /**
   * Replace pooled replica connections older than this, so load spreads again over replicas
   * that came back or were added. Default 30000.
   */
  replicaRecycle?: number;
}

/** Numeric options and their unit, for validation messages. */
const NUMERIC_OPTIONS = {
  poolSize: 'connections',
  maxOverflow: 'connections',
  poolTimeout: 'milliseconds',
  poolRecycle: 'milliseconds',
  prePingAfterIdle: 'milliseconds',
  leakDetection: 'milliseconds',
  connectTimeout: 'milliseconds',
  replicaRetryAfter: 'milliseconds',
  replicaRecycle: 'milliseconds',
} as const;

/**
 * The entry point to a database: a dialect and a connection pool.
 * @example
 * const engine = createEngine('postgresql://postgres@127.0.0.1:5432/app', { poolSize: 5 });
 * const conn = await engine.connect();
 * await conn.execute(sql`select ${1} as one`);
 * await conn.close();
 * await engine.dispose();
 */
export class Engine {
  /** The URL, password hidden when printed. */
  readonly url: EngineUrl;
  readonly dialect: Dialect;
  readonly pool: Pool;
  /** The pool of connections to the read replicas; undefined without replicas. */
  readonly readPool: Pool | undefined;
  readonly #events = new EngineEvents();
  readonly #ctx: ConnectionContext;
  readonly #readCtx: ConnectionContext | undefined;
  readonly #replicas: ReplicaSet | undefined;
  #initialized: Promise<void> | undefined;

  /**
   * Use `createEngine`. `clock` is internal, for tests: the time the pool and the replica set
   * read (recycle age, pre-ping idleness, leak detection, timeouts, replica retry); default
   * the system clock.
   */
  constructor(url: string | EngineUrl, options: EngineOptions = {}, clock: Clock = systemClock) {
    validateOptions(options);
    this.url = toEngineUrl(url);
    const factory = dialectFactoryFor(this.url.scheme);
    this.dialect = factory(this.url, { connectTimeout: options.connectTimeout ?? 10_000, driverOptions: options.driverOptions ?? {} });
    const defaults = this.dialect.poolDefaults();
    const poolSize = defaults.required ? defaults.poolSize! : options.poolSize ?? defaults.poolSize ?? 5;
    const maxOverflow = defaults.required ? defaults.maxOverflow! : options.maxOverflow ?? defaults.maxOverflow ?? 10;
    if (defaults.required && (options.poolSize ?? poolSize) + (options.maxOverflow ?? maxOverflow) > poolSize + maxOverflow) {
      process.emitWarning(`${defaults.reason ?? 'This database needs a fixed pool size'}; using poolSize ${poolSize}, maxOverflow ${maxOverflow}.`, {
        code: 'STRATA_POOL_SIZE',
      });
    }
    this.pool = new Pool(
      {
        poolSize,
        maxOverflow,
        poolTimeout: options.poolTimeout ?? 30_000,
        poolRecycle: options.poolRecycle,
        prePing: options.prePing ?? false,
        prePingAfterIdle: options.prePingAfterIdle ?? 0,
        reuse: options.poolReuse ?? 'lifo',
        leakDetection: options.leakDetection,
      },
      () => this.#openRaw(),
      this.#events,
      () => this.dialect.describeTarget(),
      clock,
    );
    const echo = options.echo ?? false;
    const hideParameters = options.hideParameters ?? false;
    const events = this.#events;
    const record: ConnectionContext['record'] = (sql, params, startedAt, rowCount, error) => {
      if (echo === false && !events.has('statement')) return;
      const entry: StatementEntry = { sql, params: hideParameters ? undefined : params, ms: performance.now() - startedAt, rowCount, error };
      if (echo === true) printEntry(entry);
      else if (echo) echo(entry);
      events.emit('statement', entry);
    };
    this.#ctx = {
      dialect: this.dialect,
      pool: this.pool,
      hideParameters,
      // Connections skip timing entirely when nobody listens; the getter keeps that decision live.
      get record() {
        return echo !== false || events.has('statement') ? record : undefined;
      },
      describeTarget: () => this.dialect.describeTarget(),
    };
    if (options.replicas && options.replicas.length > 0) {
      const dialectOptions = { connectTimeout: options.connectTimeout ?? 10_000, driverOptions: options.driverOptions ?? {} };
      const replicas = options.replicas.map((text) => {
        const replicaUrl = parseEngineUrl(text);
        if (dialectFactoryFor(replicaUrl.scheme) !== factory) {
          throw new ArgumentError(`Engine option replicas: ${replicaUrl.toString()} is not a ${this.url.scheme}:// URL like the primary's.`);
        }
        return { dialect: factory(replicaUrl, dialectOptions), target: replicaUrl.toString() };
      });
      const events = this.#events;
      this.#replicas = new ReplicaSet(
        replicas,
        options.replicaRetryAfter ?? 5_000,
        () => this.#openRaw(),
        ({ target, healthy, error }) => events.emit('replica', { target, healthy, error }),
        clock,
      );
      this.readPool = new Pool(
        {
          ...this.pool.options,
          poolRecycle: Math.min(options.replicaRecycle ?? 30_000, options.poolRecycle ?? Number.POSITIVE_INFINITY),
        },
        () => this.#openReplica(),
        this.#events,
        () => `the read replicas of ${this.dialect.describeTarget()}`,
        clock,
      );
      this.#readCtx = { ...this.#ctx, pool: this.readPool, replica: true, describeTarget: () => `a read replica of ${this.dialect.describeTarget()}` };
      // The getter does not survive the spread: keep the live decision.
      Object.defineProperty(this.#readCtx, 'record', { get: () => this.#ctx.record });
    }
  }

  /** What the server can do; conservative until the first connection was made. */
  get capabilities(): Capabilities {
    return this.dialect.capabilities;
  }

  /** The server's product and version; undefined until the first connection was made. */
  get serverInfo(): ServerInfo | undefined {
    return this.dialect.serverInfo;
  }

  /**
   * Checks a connection out of the pool (opening one if needed).
   * Rejects with PoolTimeoutError when the pool stays exhausted for `poolTimeout`.
   */
  async connect(): Promise<Connection> {
    const slot = await this.pool.checkout();
    return new Connection(this.#ctx, slot);
  }

  /**
   * @internal A connection at once when an idle one is fit without I/O; undefined when
   * `connect()` must open, check or wait for one. For the session's short requests.
   */
  connectNow(): Connection | undefined {
    const slot = this.pool.checkoutIdle();
    return slot && new Connection(this.#ctx, slot);
  }

  /**
   * A connection for reads: from the read replicas when the engine has them (round robin,
   * skipping replicas that failed), else the same as `connect()`.
   * @example
   * const conn = await engine.connectForRead();
   */
  async connectForRead(): Promise<Connection> {
    if (!this.readPool) return this.connect();
    return new Connection(this.#readCtx!, await this.readPool.checkout());
  }

  /** @internal `connectNow()` for reads (see `connectForRead`). */
  connectForReadNow(): Connection | undefined {
    if (!this.readPool) return this.connectNow();
    const slot = this.readPool.checkoutIdle();
    return slot && new Connection(this.#readCtx!, slot);
  }

  /** Each read replica, and whether reads go to it now; empty without replicas. */
  replicaStatus(): ReplicaState[] {
    return this.#replicas?.status() ?? [];
  }

  /**
   * Runs `fn` with a connection in a transaction: commit on success, rollback on error, always returned to the pool.
   * @example
   * await engine.transaction(async (conn) => { await conn.execute(sql`insert into t values (${1})`); });
   */
  async transaction<T>(fn: (connection: Connection) => Promise<T>, options: BeginOptions = {}): Promise<T> {
    const conn = await this.connect();
    try {
      return await conn.transaction(fn, options);
    } finally {
      await conn.close();
    }
  }

  /** Runs one statement on a pooled connection in autocommit mode; see `Connection.execute`. */
  async execute<S extends Statement<unknown>>(statement: S): Promise<Result<RowOf<S>>>;
  async execute<R = Row>(statement: SqlFragment | string, params?: readonly unknown[]): Promise<Result<R>>;
  async execute(statement: Statement<unknown> | SqlFragment | string, params?: readonly unknown[]): Promise<Result<unknown>> {
    const conn = await this.connect();
    try {
      // One implementation serves both overloads; Connection.execute tells statements apart.
      return await conn.execute(statement as SqlFragment, params);
    } finally {
      await conn.close();
    }
  }

  /** Opens a connection once to learn the server's version and capabilities. */
  async initialize(): Promise<void> {
    const conn = await this.connect();
    await conn.close();
  }

  /**
   * Listens to engine events: `connect`, `checkout`, `checkin`, `invalidate`, `ping`, `leak`,
   * `replica`, `statement` (see EngineEventMap).
   * Returns a function that removes the listener.
   * @example
   * const stop = engine.on('statement', (s) => statements.push(s.sql));
   */
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Runs `fn` and reports the statements this engine ran meanwhile (BEGIN, COMMIT and
   * savepoints are not counted), for guarding against N+1 query patterns in tests. Counts
   * every statement of the engine, so run it where nothing else uses the engine at once.
   * @example
   * const { count } = await engine.countStatements(() => session.scalars(select(User).options(selectinLoad(User, 'posts'))));
   */
  async countStatements<T>(fn: () => Promise<T> | T): Promise<{ result: T; count: number; statements: StatementEntry[] }> {
    const statements: StatementEntry[] = [];
    const stop = this.on('statement', (entry) => {
      if (!TRANSACTION_CONTROL.test(entry.sql)) statements.push(entry);
    });
    try {
      const result = await fn();
      return { result, count: statements.length, statements };
    } finally {
      stop();
    }
  }

  /** Removes a listener added with `on`. */
  off<E extends EngineEventName>(event: E, listener: EngineListener<E>): void {
    this.#events.off(event, listener);
  }

  /** Pool counters; see Pool.status. */
  status(): PoolStatus {
    return this.pool.status();
  }

  /** What `console.log(engine)` shows: the URL without its password, the dialect, the pool's counters. */
  [inspect.custom](depth: number | null, options: InspectStyling): string {
    return inspectView('Engine', { url: this.url.toString(), dialect: this.dialect.name, pool: this.pool.status() }, depth, options);
  }

  /** What `JSON.stringify` writes of an engine: the URL without its password and the dialect. */
  toJSON(): { url: string; dialect: string } {
    return { url: this.url.toString(), dialect: this.dialect.name };
  }

  /** Closes every pooled connection. Connections still checked out close when returned. */
  async dispose(): Promise<void> {
    await Promise.all([this.pool.dispose(), this.readPool?.dispose()]);
  }

  /** A replica connection; the first one also tells the dialect what server it is, when no primary connection did yet. */
  async #openReplica(): Promise<DialectConnection> {
    const { raw } = await this.#replicas!.open();
    if (this.dialect.serverInfo === undefined) {
      try {
        await this.dialect.initialize(raw);
      } catch (error) {
        await raw.close();
        throw translateError(error, this.dialect.classifyError(error), undefined, false, this.dialect.describeTarget());
      }
    }
    return raw;
  }

  async #openRaw(): Promise<DialectConnection> {
    const raw = await this.dialect.connect();
    if (this.dialect.serverInfo === undefined) {
      this.#initialized ??= this.dialect.initialize(raw);
      try {
        await this.#initialized;
      } catch (error) {
        this.#initialized = undefined;
        await raw.close();
        throw translateError(error, this.dialect.classifyError(error), undefined, false, this.dialect.describeTarget());
      }
    }
    return raw;
  }
}

/**
 * Creates an engine for a database URL.
 *
 * Schemes: `postgresql://` (and `postgres://`), `mysql://`, `mariadb://`, `sqlite:///file.db`
 * (relative), `sqlite:////abs/file.db`, `sqlite::memory:`.
 * @example
 * const engine = createEngine(process.env.DATABASE_URL ?? 'sqlite:///app.db', { echo: true });
 */
export function createEngine(url: string, options: EngineOptions = {}): Engine {
  return new Engine(url, options);
}

function validateOptions(options: EngineOptions): void {
  for (const [key, unit] of Object.entries(NUMERIC_OPTIONS)) {
    const value = options[key as keyof typeof NUMERIC_OPTIONS];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ArgumentError(`Engine option ${key} must be a non-negative number of ${unit}; got ${String(value)}.`);
    }
  }
  if (options.poolSize === 0 && options.maxOverflow === 0) {
    throw new ArgumentError('Engine options poolSize and maxOverflow are both 0: the pool could never hand out a connection.');
  }
  if (options.poolReuse !== undefined && options.poolReuse !== 'lifo' && options.poolReuse !== 'fifo') {
    throw new ArgumentError(`Engine option poolReuse must be 'lifo' or 'fifo'; got ${JSON.stringify(options.poolReuse)}.`);
  }
}

function printEntry(entry: StatementEntry): void {
  const params = entry.params && entry.params.length > 0 ? ` ${formatParams(entry.params)}` : '';
  const outcome = entry.error ? ` FAILED: ${entry.error.message.split('\n')[0]}` : '';
  console.log(`[strata] ${entry.sql}${params} (${entry.ms.toFixed(2)} ms)${outcome}`);
}

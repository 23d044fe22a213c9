/*
 * The connection pool under every engine: a bounded set of driver connections with
 * overflow, a fair wait queue with a timeout, LIFO or FIFO reuse, recycling by age,
 * pre-ping of idle connections, generation-based invalidation after a disconnect, and
 * leak detection. Dialects never pool; the engine owns exactly one Pool. Every timing
 * decision reads the engine's Clock, so unit tests drive it without a server or sleeps.
 */
import { inspect } from 'node:util';
import type { DialectConnection } from '../engine/dialect';
import { inspectView, type InspectStyling } from '../engine/inspect-view';
import type { EngineEvents } from '../engine/engine-events';
import { InvalidStateError, PoolTimeoutError } from '../errors/errors';
import { systemClock, type Clock } from './clock';
import { LeakDetector } from './leak-detector';
import { PooledConnection } from './pooled-connection';

/** Pool settings, all durations in milliseconds. */
export interface PoolOptions {
  /** Connections kept open when idle. */
  readonly poolSize: number;
  /** Extra connections opened under load and closed when returned. */
  readonly maxOverflow: number;
  /** How long a checkout waits before PoolTimeoutError. */
  readonly poolTimeout: number;
  /** Replace a connection older than this; undefined never recycles. */
  readonly poolRecycle: number | undefined;
  /** Test a connection with a round trip before handing it out. */
  readonly prePing: boolean;
  /** Only pre-ping connections idle at least this long (0: always). */
  readonly prePingAfterIdle: number;
  /** Which idle connection to reuse first. */
  readonly reuse: 'lifo' | 'fifo';
  /** Report connections held longer than this; undefined turns detection off. */
  readonly leakDetection: number | undefined;
}

/** A snapshot of the pool. */
export interface PoolStatus {
  /** The configured pool size. */
  readonly size: number;
  /** Driver connections open now (idle, checked out, or being opened). */
  readonly open: number;
  readonly checkedOut: number;
  readonly idle: number;
  /** Open connections beyond `size`. */
  readonly overflow: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
}

type Grant = PooledConnection | 'create';

interface Waiter {
  grant(value: Grant): void;
  reject(error: Error): void;
}

/** The engine's connection pool. Reach it as `engine.pool`. */
export class Pool {
  readonly #options: PoolOptions;
  readonly #open: () => Promise<DialectConnection>;
  readonly #events: EngineEvents;
  readonly #describe: () => string;
  readonly #clock: Clock;
  readonly #idle: PooledConnection[] = [];
  /** Checked-out connections; each knows its place (`outAt`), so taking one out is O(1) without a hash table. */
  readonly #out: PooledConnection[] = [];
  readonly #waiters: Waiter[] = [];
  #openCount = 0;
  #generation = 0;
  #disposed = false;
  readonly #leaks: LeakDetector | undefined;

  /** `clock` is for tests; engines use the system clock. */
  constructor(options: PoolOptions, open: () => Promise<DialectConnection>, events: EngineEvents, describe: () => string, clock: Clock = systemClock) {
    this.#options = options;
    this.#open = open;
    this.#events = events;
    this.#describe = describe;
    this.#clock = clock;
    if (options.leakDetection !== undefined) this.#leaks = new LeakDetector(options.leakDetection, clock, this.#out, events, describe);
  }

  /** The settings in force. */
  get options(): PoolOptions {
    return this.#options;
  }

  /** How many connections are open, idle, checked out, and how many callers wait. */
  status(): PoolStatus {
    return {
      size: this.#options.poolSize,
      open: this.#openCount,
      checkedOut: this.#out.length,
      idle: this.#idle.length,
      overflow: Math.max(0, this.#openCount - this.#options.poolSize),
      waiting: this.#waiters.length,
    };
  }

  /** What `console.log(pool)` shows: its counters (see `status`), nothing of the driver connections. */
  [inspect.custom](depth: number | null, options: InspectStyling): string {
    return inspectView('Pool', { ...this.status() }, depth, options);
  }

  /**
   * @internal Takes an idle connection at once when one is free and fit without any I/O
   * (nobody waits, it is not stale, no pre-ping is due); undefined otherwise, and then
   * `checkout()` does the rest. Lets a short request skip a round of promises.
   */
  checkoutIdle(): PooledConnection | undefined {
    if (this.#disposed || this.#waiters.length > 0 || this.#idle.length === 0 || this.#options.leakDetection !== undefined) return undefined;
    const lifo = this.#options.reuse === 'lifo';
    const conn = lifo ? this.#idle[this.#idle.length - 1]! : this.#idle[0]!;
    if (this.needsCheck(conn)) return undefined;
    if (lifo) this.#idle.pop();
    else this.#idle.shift();
    this.#markOut(conn);
    conn.checkedOutAt = this.#clock.now();
    conn.checkoutStack = undefined;
    conn.leakReported = false;
    if (this.#events.has('checkout')) this.#events.emit('checkout', { connectionId: conn.id });
    return conn;
  }

  /** @internal True when `ensureUsable` has work to do for the connection (replace it or ping it). */
  needsCheck(conn: PooledConnection): boolean {
    if (this.#staleReason(conn) !== undefined) return true;
    const { prePing, prePingAfterIdle } = this.#options;
    return prePing && this.#clock.now() - conn.lastUsedAt >= prePingAfterIdle;
  }

  /** Takes a usable connection, opening one or waiting for one as needed. */
  async checkout(): Promise<PooledConnection> {
    if (this.#disposed) throw new InvalidStateError(`The engine for ${this.#describe()} has been disposed; create a new engine.`);
    const stack = this.#leaks === undefined ? undefined : new Error('checked out here').stack;
    const max = this.#options.poolSize + this.#options.maxOverflow;
    let grant: Grant;
    if (this.#waiters.length === 0 && this.#idle.length > 0) {
      grant = this.#options.reuse === 'lifo' ? this.#idle.pop()! : this.#idle.shift()!;
    } else if (this.#waiters.length === 0 && this.#openCount < max) {
      this.#openCount++;
      grant = 'create';
    } else {
      grant = await this.#wait();
    }
    const conn = grant === 'create' ? await this.#create() : grant;
    if (this.#disposed) {
      this.#discard(conn);
      throw new InvalidStateError(`The engine for ${this.#describe()} was disposed while a connection was being opened.`);
    }
    this.#markOut(conn);
    conn.checkedOutAt = this.#clock.now();
    conn.checkoutStack = stack;
    conn.leakReported = false;
    try {
      // A connection opened just now needs no checks.
      if (grant !== 'create' && this.needsCheck(conn)) await this.ensureUsable(conn);
    } catch (error) {
      this.#markIn(conn);
      this.#discard(conn);
      throw error;
    }
    this.#leaks?.watch(conn);
    if (this.#events.has('checkout')) this.#events.emit('checkout', { connectionId: conn.id });
    return conn;
  }

  /** Returns a connection. Stale, invalid or surplus connections are closed instead of kept. */
  checkin(conn: PooledConnection): void {
    if (!this.#markIn(conn)) return;
    if (this.#events.has('checkin')) this.#events.emit('checkin', { connectionId: conn.id });
    conn.markUsed();
    conn.checkoutStack = undefined;
    const stale = this.#staleReason(conn);
    if (this.#disposed || stale !== undefined) {
      if (stale !== undefined && !this.#disposed) this.#events.emit('invalidate', { connectionId: conn.id, reason: stale });
      this.#discard(conn);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.grant(conn);
      return;
    }
    if (this.#idle.length >= this.#options.poolSize) {
      this.#discard(conn);
      return;
    }
    this.#idle.push(conn);
  }

  /**
   * @internal Used by Connection.
   * Makes a checked-out connection fit for a new transaction: replaces it when it is
   * closed, invalidated, from an older generation or past `poolRecycle`, and pre-pings it
   * when it has been idle long enough.
   */
  async ensureUsable(conn: PooledConnection): Promise<void> {
    const stale = this.#staleReason(conn);
    if (stale !== undefined) {
      // An explicit invalidation already reported its reason.
      if (!conn.invalidated) this.#events.emit('invalidate', { connectionId: conn.id, reason: stale });
      await this.reconnect(conn);
      return;
    }
    const { prePing, prePingAfterIdle } = this.#options;
    if (!prePing || this.#clock.now() - conn.lastUsedAt < prePingAfterIdle) return;
    try {
      await conn.raw.ping();
      conn.markUsed();
      this.#events.emit('ping', { connectionId: conn.id, ok: true });
    } catch (error) {
      this.#events.emit('ping', { connectionId: conn.id, ok: false });
      // A failed ping usually means the server restarted: the other idle connections are suspect too.
      this.invalidate(conn, 'pre-ping failed', { error, wholePool: true });
      await this.reconnect(conn);
    }
  }

  /**
   * @internal Used by Connection.
   * Condemns a connection's driver connection after a disconnect. With `wholePool`, every
   * connection opened before now is replaced at its next use (a soft invalidation).
   */
  invalidate(conn: PooledConnection, reason: string, options: { readonly error?: unknown; readonly wholePool?: boolean } = {}): void {
    const { error, wholePool = false } = options;
    conn.markInvalid();
    if (wholePool) this.#generation++;
    this.#events.emit('invalidate', { connectionId: conn.id, reason, error });
    void conn.raw.close();
  }

  /** @internal Closes the slot's driver connection and opens a new one in its place. */
  async reconnect(conn: PooledConnection): Promise<void> {
    // Two statements racing on one stale Connection share one new driver connection.
    conn.reconnecting ??= (async () => {
      try {
        void conn.raw.close();
        conn.markInvalid();
        const raw = await this.#open();
        conn.replaceRaw(raw, this.#generation);
        this.#events.emit('connect', { connectionId: conn.id });
      } finally {
        conn.reconnecting = undefined;
      }
    })();
    return conn.reconnecting;
  }

  /** Closes idle connections and refuses new checkouts. Checked-out ones close when returned. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#leaks?.stop();
    for (const waiter of this.#waiters.splice(0)) {
      waiter.reject(new InvalidStateError(`The engine for ${this.#describe()} was disposed while waiting for a connection.`));
    }
    const idle = this.#idle.splice(0);
    this.#openCount -= idle.length;
    await Promise.all(idle.map((conn) => conn.raw.close()));
  }

  #markOut(conn: PooledConnection): void {
    conn.outAt = this.#out.length;
    this.#out.push(conn);
  }

  /** Takes a connection off the checked-out list; false when it was not on it. */
  #markIn(conn: PooledConnection): boolean {
    const at = conn.outAt;
    if (at < 0 || this.#out[at] !== conn) return false;
    const last = this.#out.pop()!;
    if (last !== conn) {
      this.#out[at] = last;
      last.outAt = at;
    }
    conn.outAt = -1;
    return true;
  }

  #staleReason(conn: PooledConnection): string | undefined {
    if (conn.invalid) return 'connection closed or invalidated';
    if (conn.generation < this.#generation) return 'pool invalidated after a disconnect';
    const recycle = this.#options.poolRecycle;
    if (recycle !== undefined && this.#clock.now() - conn.createdAt >= recycle) return `older than poolRecycle (${recycle} ms)`;
    return undefined;
  }

  async #create(): Promise<PooledConnection> {
    try {
      const raw = await this.#open();
      const conn = new PooledConnection(raw, this.#generation, this.#clock);
      this.#events.emit('connect', { connectionId: conn.id });
      return conn;
    } catch (error) {
      this.#openCount--;
      this.#dispatch();
      throw error;
    }
  }

  #discard(conn: PooledConnection): void {
    this.#openCount--;
    void conn.raw.close();
    this.#dispatch();
  }

  /** Lets the first waiter open a connection when there is room. */
  #dispatch(): void {
    if (this.#disposed) return;
    const max = this.#options.poolSize + this.#options.maxOverflow;
    while (this.#waiters.length > 0 && this.#openCount < max) {
      this.#openCount++;
      this.#waiters.shift()!.grant('create');
    }
  }

  #wait(): Promise<Grant> {
    return new Promise<Grant>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(this.#timeoutError());
      }, this.#options.poolTimeout);
      const waiter: Waiter = {
        grant: (value) => {
          this.#clock.clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          this.#clock.clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  #timeoutError(): PoolTimeoutError {
    const { poolSize, maxOverflow, poolTimeout } = this.#options;
    let oldest: PooledConnection | undefined;
    for (const conn of this.#out) if (!oldest || conn.checkedOutAt < oldest.checkedOutAt) oldest = conn;
    let holder = '';
    if (oldest) {
      holder = ` The oldest checkout has been held for ${this.#clock.now() - oldest.checkedOutAt} ms`;
      holder += oldest.checkoutStack
        ? `; it was taken at:\n${oldest.checkoutStack.split('\n').slice(1).join('\n')}`
        : ' (set the engine option leakDetection to see where it was taken).';
    }
    return new PoolTimeoutError(
      `No connection to ${this.#describe()} became free within poolTimeout ${poolTimeout} ms: ` +
        `poolSize ${poolSize}, maxOverflow ${maxOverflow}, ${this.#out.length} checked out, ` +
        `${this.#waiters.length + 1} waiting.${holder} ` +
        'Close connections and sessions when done (Session.run or scopedSession do it for you), ' +
        'or raise poolSize / maxOverflow.',
    );
  }
}

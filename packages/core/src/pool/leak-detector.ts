/*
 * Leak detection for the pool: one background timer, set for the moment the earliest
 * unreported checkout passes `leakDetection`, reports every connection held that long
 * (to `leak` listeners, else as a process warning) and sets itself for the next one.
 */
import type { EngineEvents } from '../engine/engine-events';
import type { Clock, ClockTimer } from './clock';
import type { PooledConnection } from './pooled-connection';

/** Watches a pool's checked-out connections for checkouts held longer than a limit. Internal to the pool. */
export class LeakDetector {
  readonly #limit: number;
  readonly #clock: Clock;
  /** The pool's own list of checked-out connections, read when the timer fires. */
  readonly #out: readonly PooledConnection[];
  readonly #events: EngineEvents;
  readonly #describe: () => string;
  #timer: ClockTimer | undefined;
  /** When the timer fires (clock ms). */
  #due = 0;

  constructor(limit: number, clock: Clock, out: readonly PooledConnection[], events: EngineEvents, describe: () => string) {
    this.#limit = limit;
    this.#clock = clock;
    this.#out = out;
    this.#events = events;
    this.#describe = describe;
  }

  /** Makes sure the timer fires when a connection checked out just now has been held too long. */
  watch(conn: PooledConnection): void {
    const due = conn.checkedOutAt + this.#limit;
    // The timer already set fires no later (checkouts only get younger), unless the clock stepped back.
    if (this.#timer !== undefined && this.#due <= due) return;
    this.#arm(due);
  }

  /** Stops watching (the pool was disposed). */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(due: number): void {
    this.stop();
    this.#due = due;
    this.#timer = this.#clock.setTimeout(() => this.#check(), Math.max(0, due - this.#clock.now()), { background: true });
  }

  /** Reports what is held too long, then sets the timer for the next unreported checkout, if any. */
  #check(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const conn of this.#out) {
      if (conn.leakReported) continue;
      const heldMs = now - conn.checkedOutAt;
      if (heldMs < this.#limit) next = Math.min(next, conn.checkedOutAt + this.#limit);
      else this.#report(conn, heldMs);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }

  #report(conn: PooledConnection, heldMs: number): void {
    conn.leakReported = true;
    const payload = { connectionId: conn.id, heldMs, stack: conn.checkoutStack };
    if (this.#events.has('leak')) {
      this.#events.emit('leak', payload);
      return;
    }
    process.emitWarning(
      `A connection to ${this.#describe()} has been checked out for ${heldMs} ms (leakDetection ${this.#limit} ms). ` +
        `It was taken at:\n${conn.checkoutStack?.split('\n').slice(1).join('\n') ?? '(unknown)'}`,
      { code: 'STRATA_POOL_LEAK' },
    );
  }
}

/*
 * The time source of the pool and the replica set: what "now" is and how a timer is set.
 * Engines use the system clock; unit tests hand the engine a clock they move by hand, so
 * recycling, pre-ping, leak detection and timeouts are tested without servers or sleeps.
 */

/** A pending timer as a Clock hands it out; only the clock that made it can clear it. */
export type ClockTimer = object;

/** How a timer is set. */
export interface ClockTimerOptions {
  /** True for a timer that must not keep the process alive on its own (the leak detector's). Default false. */
  readonly background?: boolean;
}

/**
 * Time as the pool and the replica set see it. The system clock is the default; a clock of
 * one's own is for tests only (see the engine's internal `clock` constructor argument).
 */
export interface Clock {
  /** Milliseconds; only differences matter, except where an event reports a point in time (Date.now() on the system clock). */
  now(): number;
  /** Calls `callback` once, `ms` from now. */
  setTimeout(callback: () => void, ms: number, options?: ClockTimerOptions): ClockTimer;
  /** Stops a timer from firing; nothing happens when it already fired or was cleared. */
  clearTimeout(timer: ClockTimer): void;
}

/** The clock of every engine: `Date.now()` and Node's timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(callback: () => void, ms: number, options?: ClockTimerOptions): ClockTimer {
    const timer = setTimeout(callback, ms);
    if (options?.background) timer.unref();
    return timer;
  },
  clearTimeout(timer: ClockTimer): void {
    clearTimeout(timer as NodeJS.Timeout);
  },
});

/*
 * A clock the pool unit tests move by hand: time stands still until `advance(ms)`, which
 * fires the timers that fall due, in order, each at its own due time.
 */
import type { Clock, ClockTimer, ClockTimerOptions } from '../src/pool/clock';

interface Timer {
  readonly due: number;
  /** Order of setting, so timers due at the same moment fire first-set first. */
  readonly seq: number;
  readonly callback: () => void;
  readonly background: boolean;
}

/** A Clock for tests: `now()` moves only when `advance` is called. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<Timer>();

  /** Starts at an arbitrary, non-zero time, so nothing can pass by counting from 0. */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number, options?: ClockTimerOptions): ClockTimer {
    const timer: Timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, callback, background: options?.background === true };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.#timers.delete(timer as Timer);
  }

  /** Timers set and not yet fired or cleared; `background` ones (the leak detector's) apart. */
  pending(): { foreground: number; background: number } {
    let background = 0;
    for (const timer of this.#timers) if (timer.background) background++;
    return { foreground: this.#timers.size - background, background };
  }

  /** Moves time on by `ms`, firing every timer due by then (also those set while firing), earliest first. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (let timer = this.#nextDue(until); timer; timer = this.#nextDue(until)) {
      this.#timers.delete(timer);
      this.#now = timer.due;
      timer.callback();
    }
    this.#now = until;
  }

  #nextDue(until: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.#timers) {
      if (timer.due > until) continue;
      if (!next || timer.due < next.due || (timer.due === next.due && timer.seq < next.seq)) next = timer;
    }
    return next;
  }
}

/** Lets every promise reaction already queued run (no time passes on any clock). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/*
 * Peak resident set size during S8's iteration: sampled every `every` rows from inside
 * the loop (a timer would never fire during better-sqlite3's synchronous iteration).
 */

/** Tracks the peak RSS above the RSS measured at construction. */
export class RssSampler {
  readonly #baseline = process.memoryUsage.rss();
  readonly #every: number;
  #peak = this.#baseline;
  #count = 0;

  constructor(every = 1000) {
    this.#every = every;
  }

  /** Counts one row; samples RSS every `every` rows. */
  tick(): void {
    if (++this.#count % this.#every !== 0) return;
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
  }

  /** Rows counted. */
  get count(): number {
    return this.#count;
  }

  /** Peak growth over the baseline, MB (after a last sample). */
  growthMb(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
    return (this.#peak - this.#baseline) / (1024 * 1024);
  }
}

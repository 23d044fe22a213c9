/*
 * Timing one side of one scenario: collect garbage first (so the previous side's and the
 * seeding's garbage is not collected on this side's clock), then time the work alone.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What one side of one run measured. */
export interface Sample {
  /** Wall time of the timed part, ms. */
  readonly ms: number;
  /** S8: peak RSS growth during the iteration, MB. */
  readonly rssGrowthMb?: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full garbage collection, outside any timed part. */
export function collectGarbage(): void {
  gc();
  gc();
}

/**
 * Where to append each timed window as `start end` in monotonic microseconds (the clock
 * of `node --cpu-prof`), so a profile can be cut down to the timed parts. Default: none.
 */
const windowsFile = process.env.STRATA_BENCH_WINDOWS;

/** Runs `work` on the clock (after a full GC) and returns its time and result. */
export async function measure<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  collectGarbage();
  const from = process.hrtime.bigint();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  if (windowsFile) appendFileSync(windowsFile, `${from / 1000n} ${process.hrtime.bigint() / 1000n}\n`);
  return { ms, value };
}

/** Throws when a side produced the wrong result, so a broken side never reports a time. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`result check failed: ${what}`);
}

/*
 * Timing one side of one scenario: collect garbage first (so the previous side's and the
 * seeding's garbage is not collected on this side's clock), then time the work alone.
 *
 * Before each timed window the young generation is collected (where nearly all of that
 * garbage is); a full collection runs once per cell instead. A full collection right
 * before every window measures something else: V8 then drops the hidden classes of
 * objects that no longer exist and deoptimizes the code compiled against them, so each
 * window would time re-optimisation after an idle pause rather than steady-state work, and
 * weigh on whichever side runs more code. `--gc full` restores it, for comparison.
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
const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/** What is collected before each timed window: the young generation (default) or the whole heap. */
export type GcMode = 'minor' | 'full';

let windowGc: GcMode = 'minor';

/** Chooses what is collected before each timed window. */
export function setWindowGc(mode: GcMode): void {
  windowGc = mode;
}

/** A full garbage collection, outside any timed part. */
export function collectGarbage(): void {
  gc();
  gc();
}

/** The collection before a timed window: two young-generation collections (so survivors of the first are promoted out), or a full one. */
function collectBeforeWindow(): void {
  if (windowGc === 'full') {
    collectGarbage();
    return;
  }
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}

/**
 * Where to append each timed window as `start end` in monotonic microseconds (the clock
 * of `node --cpu-prof`), so a profile can be cut down to the timed parts. Default: none.
 */
const windowsFile = process.env.STRATA_BENCH_WINDOWS;

/** Runs `work` on the clock (after a garbage collection; a full one with `fullGc`) and returns its time and result. */
export async function measure<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }>;
export async function measure<T>(options: { fullGc: boolean }, work: () => Promise<T>): Promise<{ ms: number; value: T }>;
export async function measure<T>(first: (() => Promise<T>) | { fullGc: boolean }, second?: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const work = typeof first === 'function' ? first : second!;
  if (typeof first !== 'function' && first.fullGc) collectGarbage();
  else collectBeforeWindow();
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

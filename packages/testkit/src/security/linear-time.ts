/*
 * The check every pathological-input test uses: the work grows in proportion to the
 * input. It times an input of 10,000 characters and one of 100,000, with bounds loose
 * enough for a loaded machine; it proves the shape of the growth, it is no benchmark.
 */
import { performance } from 'node:perf_hooks';

/** Milliseconds below which a run of the larger input passes whatever the smaller one took. */
const FLOOR_MS = 500;
/** Ten times the input may take at most this many times as long (a quadratic algorithm takes 100). */
const GROWTH = 30;

function timeOf(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/**
 * Asserts that `run` works in time linear in the size of `make(size)`: the 100,000
 * character input finishes within max(500 ms, 30 times the 10,000 character one's time).
 * The smaller input is timed three times and the best kept; a warm-up run comes first.
 * Returns both times in milliseconds.
 * @example
 * expectLinearTime((n) => '0.' + '0'.repeat(n) + '1', (text) => canonicalDecimal(text, undefined));
 */
export function expectLinearTime(make: (size: number) => string, run: (input: string) => unknown, small = 10_000, large = 100_000): { small: number; large: number } {
  const smallInput = make(small);
  const largeInput = make(large);
  run(make(small / 10));
  const smallMs = Math.min(timeOf(() => run(smallInput)), timeOf(() => run(smallInput)), timeOf(() => run(smallInput)));
  const largeMs = timeOf(() => run(largeInput));
  const bound = Math.max(FLOOR_MS, GROWTH * smallMs);
  if (largeMs > bound) {
    throw new Error(`${large} characters took ${largeMs.toFixed(1)} ms against ${smallMs.toFixed(1)} ms for ${small} (bound ${bound.toFixed(0)} ms): the work grows faster than the input.`);
  }
  return { small: smallMs, large: largeMs };
}

/** Like expectLinearTime, for work that returns a promise (a round trip to a database). */
export async function expectLinearTimeAsync(make: (size: number) => string, run: (input: string) => Promise<unknown>, small = 10_000, large = 100_000): Promise<{ small: number; large: number }> {
  const timed = async (input: string) => {
    const start = performance.now();
    await run(input);
    return performance.now() - start;
  };
  const smallInput = make(small);
  const largeInput = make(large);
  await run(make(small / 10));
  const smallMs = Math.min(await timed(smallInput), await timed(smallInput), await timed(smallInput));
  const largeMs = await timed(largeInput);
  const bound = Math.max(FLOOR_MS, GROWTH * smallMs);
  if (largeMs > bound) {
    throw new Error(`${large} characters took ${largeMs.toFixed(1)} ms against ${smallMs.toFixed(1)} ms for ${small} (bound ${bound.toFixed(0)} ms): the work grows faster than the input.`);
  }
  return { small: smallMs, large: largeMs };
}

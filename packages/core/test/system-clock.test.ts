/*
 * The system clock every engine uses: wall time, Node timers that fire and can be cleared,
 * and background timers that do not keep the process alive (the leak detector's). The
 * pool's rules themselves are tested on a manual clock (pool-clock, pool-waiters).
 */
import { systemClock } from '../src/pool/clock';

test('now() is the wall clock in milliseconds', () => {
  const before = Date.now();
  const now = systemClock.now();
  expect(now).toBeGreaterThanOrEqual(before);
  expect(now).toBeLessThanOrEqual(Date.now());
});

test('a timer fires once; a cleared one never does', async () => {
  const fired: string[] = [];
  systemClock.setTimeout(() => fired.push('kept'), 0);
  const cleared = systemClock.setTimeout(() => fired.push('cleared'), 0);
  systemClock.clearTimeout(cleared);
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(fired).toEqual(['kept']);
});

test('a background timer does not keep the process alive; a foreground one does', () => {
  const background = systemClock.setTimeout(() => undefined, 60_000, { background: true }) as NodeJS.Timeout;
  const foreground = systemClock.setTimeout(() => undefined, 60_000) as NodeJS.Timeout;
  try {
    expect(background.hasRef()).toBe(false);
    expect(foreground.hasRef()).toBe(true);
  } finally {
    systemClock.clearTimeout(background);
    systemClock.clearTimeout(foreground);
  }
});

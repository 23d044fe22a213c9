/*
 * The fault suite's figures: each test prints one line of what it ran and what happened
 * (transactions, errors by kind, rows lost, recovery time), so CI output carries them.
 */

/** Counts of outcomes by name, e.g. errors by class. */
export class Tally {
  readonly #counts = new Map<string, number>();

  add(name: string, n = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.#counts.get(name) ?? 0;
  }

  get total(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  /** `Name 3, Other 1`, largest first; `none` when empty. */
  toString(): string {
    const entries = [...this.#counts].sort((a, b) => b[1] - a[1]);
    return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${name} ${n}`).join(', ');
  }
}

/** Prints one result line of the fault suite. */
export function report(dialect: string, test: string, figures: Record<string, string | number>): void {
  const parts = Object.entries(figures).map(([key, value]) => `${key}: ${value}`);
  process.stdout.write(`[faults] ${dialect} | ${test} | ${parts.join(' | ')}\n`);
}

/*
 * A small cache of statement shapes the ORM builds for itself (a load by parent keys, a
 * batched write): a shape is built once and reused, so its node keeps its place in the
 * compiler's cache and the server's prepared statements. Bounded, because shapes are keyed
 * by counts that vary with the data (keys per statement, rows per batch).
 */
import { ArgumentError } from '../errors/errors';

/** How many shapes a cache keeps by default. */
export const DEFAULT_SHAPES = 64;

/**
 * A bounded map from a shape key to what was built for it. Keeps the `limit` most recently
 * used shapes (64 by default); adding one more evicts the one used longest ago.
 * @example
 * const shapes = new ShapeCache<string, SelectNode>();
 * const node = shapes.get(`${entity.name}:${rows}`, () => buildSelect(entity, rows));
 */
export class ShapeCache<K, V> {
  readonly #limit: number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #entries = new Map<K, V>();

  constructor(limit = DEFAULT_SHAPES) {
    if (!Number.isInteger(limit) || limit < 1) throw new ArgumentError(`ShapeCache(limit): the limit must be a positive integer; got ${limit}.`);
    this.#limit = limit;
  }

  /** The shape held for `key`, or the one `build` makes for it now (held from then on). */
  get(key: K, build: (key: K) => V): V {
    if (this.#entries.has(key)) {
      const value = this.#entries.get(key) as V;
      this.#entries.delete(key);
      this.#entries.set(key, value);
      return value;
    }
    const value = build(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value as K);
    return value;
  }

  /** Whether a shape is held for `key` (without making it more recent). */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** How many shapes are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets every shape. */
  clear(): void {
    this.#entries.clear();
  }
}

/*
 * The statement-shape cache: built once per key, bounded to the most recently used shapes.
 */
import { ArgumentError } from '@strata/core';
import { DEFAULT_SHAPES, ShapeCache } from '../src/orm/statement-shapes';

describe('ShapeCache', () => {
  test('builds a shape once per key and hands back the same value afterwards', () => {
    const cache = new ShapeCache<string, { key: string }>();
    const build = jest.fn((key: string) => ({ key }));
    const first = cache.get('a', build);
    expect(cache.get('a', build)).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
    expect(build).toHaveBeenCalledWith('a');
  });

  test(`keeps the ${DEFAULT_SHAPES} most recently used shapes by default, evicting the oldest`, () => {
    const cache = new ShapeCache<number, number>();
    for (let i = 0; i < DEFAULT_SHAPES; i++) cache.get(i, (k) => k * 10);
    expect(cache.size).toBe(DEFAULT_SHAPES);
    cache.get(DEFAULT_SHAPES, (k) => k * 10);
    expect(cache.size).toBe(DEFAULT_SHAPES);
    expect(cache.has(0)).toBe(false);
    expect(cache.has(1)).toBe(true);
  });

  test('a hit makes a shape recent again, so the next eviction takes another', () => {
    const cache = new ShapeCache<string, string>(2);
    cache.get('a', () => 'A');
    cache.get('b', () => 'B');
    cache.get('a', () => 'unused');
    cache.get('c', () => 'C');
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a', () => 'rebuilt')).toBe('A');
  });

  test('a limit below one is refused, naming the value', () => {
    expect(() => new ShapeCache(0)).toThrow(ArgumentError);
    expect(() => new ShapeCache(1.5)).toThrow(/positive integer; got 1.5/);
  });
});

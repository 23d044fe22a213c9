/*
 * Finds a secret wherever a user could see it in a value: console.log, util.inspect at
 * any depth with hidden properties, JSON.stringify, String(), and every string reachable
 * through own properties (an error's message, stack, cause chain, detail fields...).
 * Getters are not called: reading `url.password` on purpose is allowed, printing is not.
 */
import { format, inspect } from 'node:util';

/** Every string reachable from `root` through own data properties, Map and Set entries, with its path. */
function reachableStrings(root: unknown): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  const seen = new Set<object>();
  const queue: Array<{ value: unknown; path: string }> = [{ value: root, path: '$' }];
  while (queue.length > 0 && seen.size < 50_000) {
    const { value, path } = queue.shift()!;
    if (typeof value === 'string') {
      found.push({ path, text: value });
      continue;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) value.forEach((v, k) => queue.push({ value: k, path: `${path}<key>` }, { value: v, path: `${path}.get(${String(k)})` }));
    if (value instanceof Set) value.forEach((v) => queue.push({ value: v, path: `${path}<item>` }));
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) queue.push({ value: descriptor.value, path: `${path}.${String(key)}` });
    }
  }
  return found;
}

/** What printing `value` in each usual way gives. */
function printed(value: unknown): Array<{ how: string; text: string }> {
  const attempt = (how: string, make: () => string | undefined) => {
    try {
      return { how, text: make() ?? '' };
    } catch (error) {
      return { how, text: `(threw ${(error as Error).message})` };
    }
  };
  return [
    attempt('console.log', () => format(value)),
    attempt('util.inspect depth Infinity, showHidden', () => inspect(value, { depth: Infinity, showHidden: true })),
    attempt('util.inspect depth 4', () => inspect(value, { depth: 4 })),
    attempt('JSON.stringify', () => JSON.stringify(value)),
    attempt('String', () => String(value)),
  ];
}

/** Where any of `secrets` shows in `value`; empty when it never does. */
export function exposures(value: unknown, secrets: readonly string[]): string[] {
  const places: string[] = [];
  for (const { how, text } of printed(value)) for (const secret of secrets) if (text.includes(secret)) places.push(`${how} shows ${JSON.stringify(secret)}`);
  for (const { path, text } of reachableStrings(value)) {
    for (const secret of secrets) if (text.includes(secret)) places.push(`${path} holds ${JSON.stringify(secret)}: ${JSON.stringify(text.slice(0, 300))}`);
  }
  return places;
}

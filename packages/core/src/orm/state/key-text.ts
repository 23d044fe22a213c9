/*
 * Key values as Map keys: one value stands for itself (Dates and Buffers by value), several
 * become one text. Used for identity keys, loader grouping and flush bookkeeping alike, so
 * the same values always give the same key.
 */

/** One key value in a form that compares by value: a Date by its instant, a Buffer by its bytes. */
export function keyPart(value: unknown): unknown {
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (Buffer.isBuffer(value)) return `b:${value.toString('hex')}`;
  return value;
}

/** Several key values as one text (types kept apart: 1 and '1' differ). */
export function keyText(parts: readonly unknown[]): string {
  let key = '';
  for (const part of parts) key += `${typeof part}:${String(keyPart(part))}\u0001`;
  return key;
}

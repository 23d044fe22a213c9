/*
 * With `hideParameters`, the values of a failed statement must not reach the error Strata
 * raises: not its message, and not the driver error kept as its cause (servers quote
 * values: a duplicate key, a failing row, an invalid input). The statement's own values
 * are known, so each one's text is hidden wherever it appears (longest first), which holds
 * for values with quotes in them; then the dialect hides the literals its server quotes
 * in forms it knows (values the server rewrote, row values the statement never carried).
 */

/** Text that replaces a hidden value. */
const HIDDEN = '***';

/** Values shorter than this are hidden only where they do not continue a word ("1" in "row 1", not in "utf16"). */
const SHORT = 4;
const WORD = /[\p{L}\p{N}_]/u;

/** Values per regular expression. */
const CHUNK = 500;

/** A function that hides the statement's values in one text. */
export type Redactor = (text: string) => string;

/**
 * The redactor for a statement's parameters: hides the text of every parameter wherever it
 * appears (a short one only where it stands alone), then applies `quoted` (the dialect's
 * hiding of the literals its server quotes; every quoted literal by default).
 */
export function valueRedactor(params: readonly unknown[], quoted: Redactor = hideQuotedLiterals): Redactor {
  const texts = [...new Set(params.flatMap((value) => textsOf(value, 0)))].filter((text) => text !== '').sort((a, b) => b.length - a.length);
  const alternatives = texts.map((text) => {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const short = text.length < SHORT;
    const before = short && WORD.test(text[0]!) ? '(?<![\\p{L}\\p{N}_])' : '';
    const after = short && WORD.test(text[text.length - 1]!) ? '(?![\\p{L}\\p{N}_])' : '';
    return `${before}${escaped}${after}`;
  });
  // Longest first within one alternation, so a value inside another leaves no remnant; chunked, as a bulk INSERT has thousands.
  const patterns: RegExp[] = [];
  for (let i = 0; i < alternatives.length; i += CHUNK) patterns.push(new RegExp(alternatives.slice(i, i + CHUNK).join('|'), 'gu'));
  return (text) => {
    let out = text;
    for (const pattern of patterns) out = out.replace(pattern, HIDDEN);
    return quoted(out);
  };
}

/** The texts a server may echo for a value: strings as they are, numbers in decimal, the leaves of arrays and JSON objects. */
function textsOf(value: unknown, depth: number): string[] {
  switch (typeof value) {
    case 'string':
      return [value];
    case 'number':
    case 'bigint':
      return [String(value)];
    case 'object':
      break;
    default:
      // Booleans, null and undefined are not secrets, and hiding "true" everywhere would hide words.
      return [];
  }
  if (value === null || depth > 4) return [];
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? [] : [value.toISOString()];
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    return [bytes.toString('hex'), bytes.toString('utf8')];
  }
  const leaves = Array.isArray(value) ? value : Object.values(value);
  const texts = leaves.flatMap((leaf) => textsOf(leaf, depth + 1));
  const json = safeJson(value);
  return json === undefined ? texts : [json, ...texts];
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Every quoted literal in a text becomes '***' (the default when a dialect knows no better). */
export function hideQuotedLiterals(text: string): string {
  return text.replace(/'(?:[^']|'')*'/g, `'${HIDDEN}'`).replace(/"(?:[^"]|"")*"/g, `"${HIDDEN}"`);
}

/**
 * A copy of a driver error (same prototype, so `instanceof` still holds) with `redact`
 * applied to every string it holds: message, stack, detail, sqlMessage... and the same for
 * errors and plain objects inside it (its own `cause`). Numbers, codes and booleans stay.
 */
export function redactedCopy(error: unknown, redact: Redactor, seen = new Map<object, unknown>()): unknown {
  if (typeof error === 'string') return redact(error);
  if (typeof error !== 'object' || error === null) return error;
  const done = seen.get(error);
  if (done !== undefined) return done;
  if (Array.isArray(error)) {
    const items: unknown[] = [];
    seen.set(error, items);
    for (const item of error) items.push(redactedCopy(item, redact, seen));
    return items;
  }
  const prototype = Object.getPrototypeOf(error) as object | null;
  // Other objects (a socket, a connection) hold no statement values and are not copied.
  if (!(error instanceof Error) && prototype !== Object.prototype && prototype !== null) return error;
  const copy = Object.create(prototype) as object;
  seen.set(error, copy);
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
    const value: unknown = 'value' in descriptor ? descriptor.value : (error as Record<PropertyKey, unknown>)[key];
    Object.defineProperty(copy, key, {
      value: typeof value === 'function' ? value : redactedCopy(value, redact, seen),
      enumerable: descriptor.enumerable,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

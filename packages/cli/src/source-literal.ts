/*
 * The one way text reaches a generated migration file. Names, labels, defaults and
 * messages come from the database or the command line, so they are written only as escaped
 * string literals, and comments show them through the same escapes: nothing read from a
 * database can end a string or a comment, open a template substitution, or hide on screen.
 */
import { MigrationError } from '@strata/core';

/**
 * Characters written as `\u` escapes wherever they appear: controls and line terminators
 * (`\n`, `\r`, U+2028 and U+2029 end a `//` comment), format characters (bidirectional
 * overrides and zero-width characters would make the file read differently from what
 * runs) and lone surrogates (which UTF-8 cannot hold, so the name would not round-trip).
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Inside a string literal also its delimiters, and what a template literal would read. */
const IN_STRING = new RegExp(`${HIDDEN.source}|[\\\\'\`]|\\$(?=\\{)|(?<=\\*)\\/`, 'gu');
/** Inside a comment what could end it or hide: `*` `/` ends a block comment. */
const IN_COMMENT = new RegExp(`${HIDDEN.source}|(?<=\\*)\\/`, 'gu');

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

function escape(char: string): string {
  if (SHORT[char]) return SHORT[char];
  if (char === '\\' || char === "'" || char === '`' || char === '$' || char === '/') return `\\${char}`;
  return [...char].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

/**
 * A single-quoted TypeScript string literal that evaluates to exactly `text`. Its source
 * holds no line terminator, no `*` followed by `/`, no backtick and no `${`, so it is safe
 * inside code and inside any comment.
 * @example
 * sourceString("it's\n") // => 'it\'s\n'
 */
export function sourceString(text: string): string {
  return `'${text.replace(IN_STRING, escape)}'`;
}

/**
 * Text for a comment of a generated file: shown as it is, except that line terminators,
 * other invisible characters and the end of a block comment are escaped, so the comment
 * cannot end early whatever names the text carries.
 * @example
 * `// WARNING: ${commentText(warning)}`
 */
export function commentText(text: string): string {
  return text.replace(IN_COMMENT, escape);
}

/**
 * A TypeScript literal of plain data: strings through `sourceString`, numbers, bigints,
 * booleans, null, arrays and plain objects (properties that are undefined are left out).
 * Anything else cannot be written into a file and is refused.
 * @example
 * sourceLiteral({ name: 'ix_a', columns: ['a'] }) // => { name: 'ix_a', columns: ['a'] }
 */
export function sourceLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return sourceString(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(sourceLiteral).join(', ')}]`;
  const prototype = typeof value === 'object' ? (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new MigrationError(`A generated migration can only hold plain data, not ${typeof value === 'object' ? (prototype?.constructor?.name ?? 'this object') : `a ${typeof value}`}.`);
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([key, v]) => `${propertyKey(key)}: ${sourceLiteral(v)}`).join(', ')} }`;
}

/** An object literal's key: bare when it is a plain identifier; `__proto__` computed, so it stays a property. */
function propertyKey(key: string): string {
  if (key === '__proto__') return `[${sourceString(key)}]`;
  return /^[A-Za-z_][\w]*$/.test(key) ? key : sourceString(key);
}

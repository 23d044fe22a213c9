/*
 * LIKE patterns made from plain text: `contains`, `startsWith` and `endsWith` escape the
 * wildcards `%` and `_` (and the escape character itself) in what they are given, so user
 * input matches as written, and the compiler adds an ESCAPE clause naming the character.
 */
import { ArgumentError } from '../errors/errors';

/** The escape character of patterns Strata builds from text: needs no quoting in any dialect's string literal. */
export const TEXT_ESCAPE = '!';

/** Where a text must sit in the value a text match accepts. */
export type TextPlacement = 'contains' | 'startsWith' | 'endsWith';

/** The LIKE pattern matching values that contain / start with / end with `text`, as written. */
export function textPattern(text: unknown, placement: TextPlacement, where: string): string {
  if (typeof text !== 'string') {
    throw new ArgumentError(`${where}() takes the text to look for as a string; got ${text === null ? 'null' : typeof text}. Use like() for a pattern built from expressions.`);
  }
  let escaped = '';
  for (const char of text) escaped += char === '%' || char === '_' || char === TEXT_ESCAPE ? TEXT_ESCAPE + char : char;
  if (placement === 'contains') return `%${escaped}%`;
  return placement === 'startsWith' ? `${escaped}%` : `%${escaped}`;
}

/** Checks a user-chosen LIKE escape character: exactly one character, not a quote. */
export function checkEscape(escape: unknown, where: string): string {
  if (typeof escape !== 'string' || [...escape].length !== 1 || escape === "'" || escape === '\0') {
    throw new ArgumentError(`${where}(pattern, { escape }) takes one character other than a quote or NUL, e.g. { escape: '\\\\' }; got ${JSON.stringify(escape) ?? String(escape)}.`);
  }
  return escape;
}

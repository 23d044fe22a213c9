/*
 * Parsing and printing the date and time texts that drivers return and bind. A date-time
 * is handled as "wall milliseconds": its fields encoded as if it were UTC, so all the
 * arithmetic is plain Date.UTC and UTC getters and never sees the process's time zone.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?))?$/i;
/** Milliseconds in 400 Gregorian years: shifts years below 100, which Date.UTC would read as 19xx. */
const CYCLE_400 = 146_097 * 86_400_000;

/** The first and last instants Strata writes: years 0001 to 9999, the range every dialect stores. */
export const MIN_MS = utcMs(1, 1, 1);
export const MAX_MS = Date.UTC(10000, 0, 1) - 1;

/** A parsed date-time text. */
export interface DateTimeParts {
  /** The date and time fields as milliseconds since 1970 read as UTC. */
  readonly wall: number;
  /** Microseconds beyond the millisecond, 0-999. */
  readonly micros: number;
  /** How many fractional-second digits the text had. */
  readonly fractionDigits: number;
  /** The zone offset written in the text, in milliseconds east of UTC; undefined when it had none. */
  readonly offset: number | undefined;
}

/** Date.UTC for years 0-9999, months 1-12. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - CYCLE_400;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(utcMs(year, month + 1, 0)).getUTCDate() && year >= 1;
}

/** Parses 'YYYY-MM-DD' into wall milliseconds of its midnight; undefined when it is not a real calendar date. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  return validDate(year, month, day) ? utcMs(year, month, day) : undefined;
}

/**
 * Parses 'YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][zone]' where zone is Z, ±HH, ±HH:MM or
 * ±HH:MM:SS (PostgreSQL prints all of these). Undefined when it is not a valid date-time.
 */
export function parseDateTime(text: string): DateTimeParts | undefined {
  return parseCommonDateTime(text) ?? parseAnyDateTime(text);
}

/** The code of '0'. */
const ZERO = 48;

/** The number in `count` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The shapes drivers return, read without a regular expression: 'YYYY-MM-DD HH:MM:SS' (or
 * with a T), an optional fraction of 1 to 6 digits, and no zone or a Z. Undefined for
 * anything else, which the general parser then reads.
 */
function parseCommonDateTime(text: string): DateTimeParts | undefined {
  let end = text.length;
  let offset: number | undefined;
  if (end > 19 && (text.charCodeAt(end - 1) | 32) === 122) {
    offset = 0;
    end--;
  }
  if (end < 19 || end > 26 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const separator = text.charCodeAt(10);
  if (separator !== 32 && separator !== 84 && separator !== 116) return undefined;
  const year = digitsAt(text, 0, 4), month = digitsAt(text, 5, 2), day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2), minute = digitsAt(text, 14, 2), second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let fraction = 0;
  let fractionDigits = 0;
  if (end > 19) {
    fractionDigits = end - 20;
    if (text.charCodeAt(19) !== 46 || fractionDigits === 0) return undefined;
    fraction = digitsAt(text, 20, fractionDigits);
    if (fraction < 0) return undefined;
    for (let i = fractionDigits; i < 6; i++) fraction *= 10;
  }
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Math.floor(fraction / 1000);
  return { wall: utcMs(year, month, day, hour, minute, second, ms), micros: fraction - ms * 1000, fractionDigits, offset };
}

function parseAnyDateTime(text: string): DateTimeParts | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const hour = Number(m[4]), minute = Number(m[5]), second = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ?? '';
  const digits = fraction.padEnd(6, '0');
  return {
    wall: utcMs(year, month, day, hour, minute, second, Number(digits.slice(0, 3))),
    micros: Number(digits.slice(3, 6)),
    fractionDigits: fraction.length,
    offset: m[8] === undefined ? undefined : parseOffset(m[8]),
  };
}

function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const digits = text.slice(1).replace(/:/g, '');
  const ms = (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0)) * 1000;
  return text[0] === '-' ? -ms : ms;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** 'YYYY-MM-DD' of wall (or UTC) milliseconds. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/**
 * Strata's zone-less date-time text, as Temporal prints a PlainDateTime:
 * 'YYYY-MM-DDTHH:MM:SS', then a fraction without trailing zeros when there is one.
 */
export function formatWallTime(wall: number, micros = 0): string {
  const d = new Date(wall);
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const sub = d.getUTCMilliseconds() * 1000 + micros;
  const fraction = sub === 0 ? '' : `.${pad(sub, 6).replace(/0+$/, '')}`;
  return `${formatDate(wall)}T${time}${fraction}`;
}

/** 'YYYY-MM-DD HH:MM:SS.fff' of an instant in UTC, with a space or a T between date and time. */
export function formatUtcDateTime(instant: Date, separator: ' ' | 'T' = ' '): string {
  const d = instant;
  return (
    `${formatDate(d.getTime())}${separator}${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:` +
    `${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

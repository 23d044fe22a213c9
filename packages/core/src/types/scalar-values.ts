/*
 * Write checks and read conversions of the non-temporal logical types. A check returns
 * the value in the form the dialect hooks take or throws ValidationError naming the
 * column; checks run on every write, so the usual path is a typeof and a comparison.
 */
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { canonicalDecimal, isInt64, parseInt64, wholeDigits } from './decimal-text';
import { invalidValue, unreadableValue } from './value-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A `\uD800`-`\uDFFF` escape in JSON text (not an escaped backslash before 'u'): JSON.stringify writes lone surrogates so. */
const JSON_LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/i;
const LONE_SURROGATE =
  'the string holds a lone UTF-16 surrogate (half of a surrogate pair), which every database would silently replace by U+FFFD; ' +
  'pass a well-formed string (value.toWellFormed() makes that replacement explicit)';

/** The widest decimal a dialect stores for a numeric column declared without precision. */
export interface NumericLimits {
  readonly precision: number;
  readonly scale: number;
}

/** A whole number within [min, max]. */
export function checkInteger(column: ColumnMetadata, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw invalidValue(column, value, `a ${column.type.name} column takes a whole number from ${min} to ${max}`);
}

/** A number from whatever integer form the driver returned. */
export function readInteger(column: ColumnMetadata, raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint' || (typeof raw === 'string' && /^-?\d+$/.test(raw))) return Number(raw);
  throw unreadableValue(column, raw, 'expected an integer');
}

/** A 64-bit integer from a bigint, a safe integer number or a decimal integer string. */
export function checkBigint(column: ColumnMetadata, value: unknown): bigint {
  if (typeof value === 'bigint') {
    if (isInt64(value)) return value;
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return BigInt(value);
  } else if (typeof value === 'string') {
    const parsed = parseInt64(value);
    if (parsed !== undefined) return parsed;
  }
  throw invalidValue(
    column,
    value,
    'a bigint column takes a bigint or a decimal integer string within 64 bits, or a number up to 2^53 (a larger number has already lost precision: use a bigint)',
  );
}

/** A bigint from a driver's decimal string, bigint or (safe) number. */
export function readBigint(column: ColumnMetadata, raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return BigInt(raw);
  if (typeof raw === 'number' && Number.isInteger(raw)) return BigInt(raw);
  throw unreadableValue(column, raw, 'expected a 64-bit integer');
}

/**
 * A canonical decimal string, rounded to the scale, that fits the precision. `widest` is
 * what the database stores for a numeric without precision (MySQL's decimal(65, 30)): a
 * value it would round or overflow is refused instead, so nothing changes silently.
 */
export function checkNumeric(
  column: ColumnMetadata,
  value: unknown,
  precision: number | undefined,
  scale: number | undefined,
  widest?: NumericLimits,
): string {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = value.toString();
  if (text !== undefined) checkNumericLength(column, value, text, precision, scale, widest);
  const canonical = text === undefined ? undefined : canonicalDecimal(text, scale);
  if (canonical === undefined) throw invalidValue(column, value, 'a numeric column takes a decimal string (exact), a finite number or a bigint');
  if (precision !== undefined && wholeDigits(canonical) > precision - (scale ?? 0)) {
    throw invalidValue(column, value, `numeric(${precision}, ${scale ?? 0}) holds at most ${precision - (scale ?? 0)} digits before the decimal point`);
  }
  if (widest !== undefined) {
    const stored = `a numeric column without precision is decimal(${widest.precision}, ${widest.scale}) on this database`;
    const point = canonical.indexOf('.');
    const fraction = point < 0 ? 0 : canonical.length - point - 1;
    if (fraction > widest.scale) {
      throw invalidValue(column, value, `${stored}, which keeps ${widest.scale} digits after the decimal point; this has ${fraction} and would be rounded. Round the value first`);
    }
    const whole = wholeDigits(canonical);
    if (whole > widest.precision - widest.scale) {
      throw invalidValue(column, value, `${stored}, which holds at most ${widest.precision - widest.scale} digits before the decimal point; this has ${whole}`);
    }
  }
  return canonical;
}

/**
 * Characters a numeric text may have beyond its column's digits: a sign, a point, an
 * exponent ('e-1234'), the up to 17 digits and 6 leading zeros a JavaScript number prints,
 * and some padding zeros.
 */
export const NUMERIC_TEXT_SLACK = 32;

/**
 * The most digits a numeric column without precision holds where the database sets no
 * smaller limit: PostgreSQL's unconstrained numeric, 131,072 digits before the point and
 * 16,383 after, the widest of the supported servers.
 */
export const UNCONSTRAINED_NUMERIC_DIGITS = 131_072 + 16_383;

/**
 * Refuses a numeric text longer than its column could mean, before any parsing: the
 * column's precision (or the database's widest numeric) plus NUMERIC_TEXT_SLACK. A
 * longer text only adds zeros or digits rounded away, and would cost time to read.
 */
function checkNumericLength(column: ColumnMetadata, value: unknown, text: string, precision: number | undefined, scale: number | undefined, widest: NumericLimits | undefined): void {
  const digits = precision ?? widest?.precision ?? UNCONSTRAINED_NUMERIC_DIGITS;
  const limit = digits + NUMERIC_TEXT_SLACK;
  if (text.length <= limit) return;
  const declared = precision !== undefined ? `numeric(${precision}, ${scale ?? 0})` : widest !== undefined ? `a numeric column without precision (decimal(${widest.precision}, ${widest.scale}) on this database)` : 'a numeric column without precision';
  throw invalidValue(column, value, `${declared} takes a decimal text of at most ${limit} characters (${digits} digits and ${NUMERIC_TEXT_SLACK} for sign, point, exponent and padding zeros); this has ${text.length}`);
}

/** The canonical decimal string of what the driver returned; texts that are not decimals (NaN) pass unchanged. */
export function readNumeric(column: ColumnMetadata, raw: unknown, scale: number | undefined): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' || typeof raw === 'bigint') text = String(raw);
  else throw unreadableValue(column, raw, 'expected a decimal number');
  return canonicalDecimal(text, scale) ?? text;
}

/**
 * A finite number, as a float or double column binds it. -0 is stored as 0: the databases
 * disagree on keeping the sign of zero, so every dialect writes +0. For single precision
 * the bound value is the float itself (Math.fround), which never exceeds the float range
 * the way its shortest decimal can (3.4028235e38 is above the largest float); readers
 * shorten it (shortestFloat32), so 1.1 reads back as 1.1.
 */
export function checkFloat(column: ColumnMetadata, value: unknown, single: boolean): number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const stored = single ? Math.fround(value) : value;
    // -0 === 0, so this also turns -0 (and a float underflow to -0) into +0.
    if (stored === 0) return 0;
    if (Number.isFinite(stored)) return stored;
  }
  throw invalidValue(
    column,
    value,
    single ? 'a float column takes a finite number within single precision (about ±3.4e38)' : 'a double column takes a finite number (NaN and Infinity do not round-trip on every database)',
  );
}

/** true or false, nothing else. */
export function checkBoolean(column: ColumnMetadata, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw invalidValue(column, value, 'a boolean column takes true or false');
}

/** A boolean from true/false, 1/0 (MySQL tinyint, SQLite) or a BIT(1) buffer. */
export function readBoolean(column: ColumnMetadata, raw: unknown): boolean {
  switch (typeof raw) {
    case 'boolean':
      return raw;
    case 'number':
      return raw !== 0;
    case 'bigint':
      return raw !== 0n;
    case 'string':
      if (raw === '1' || raw === 't' || raw === 'true') return true;
      if (raw === '0' || raw === 'f' || raw === 'false') return false;
  }
  if (Buffer.isBuffer(raw) && raw.length === 1) return raw[0] !== 0;
  throw unreadableValue(column, raw, 'expected a boolean or 1/0');
}

/** A well-formed string (no lone surrogates), no longer than `length` characters (code points, as the databases count). */
export function checkString(column: ColumnMetadata, value: unknown, length: number | undefined): string {
  if (typeof value !== 'string') throw invalidValue(column, value, `a ${column.type.name} column takes a string`);
  if (!isWellFormed(value)) throw invalidValue(column, value, LONE_SURROGATE);
  // UTF-16 length >= characters, so the exact count is needed only past the limit.
  if (length !== undefined && value.length > length) {
    let characters = 0;
    for (const _ of value) characters++;
    if (characters > length) throw invalidValue(column, value, `varchar(${length}) holds at most ${length} characters; this has ${characters}`);
  }
  return value;
}

/** String.prototype.isWellFormed (Node 20), which the ES2022 lib this code compiles against does not declare. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** A string from text, or from bytes in UTF-8. */
export function readString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
}

/** One of the enum's values, well-formed. */
export function checkEnum(column: ColumnMetadata, value: unknown, allowed: ReadonlySet<string>): string {
  if (typeof value === 'string' && allowed.has(value)) {
    if (isWellFormed(value)) return value;
    throw invalidValue(column, value, LONE_SURROGATE);
  }
  throw invalidValue(column, value, `the enum allows only ${[...allowed].map((v) => JSON.stringify(v)).join(', ')}`);
}

/**
 * The JSON text of a value JSON can represent, with well-formed strings only. A JSON
 * `null` is not this function's to see: the codec stores it as SQL NULL, like every null,
 * so a NOT NULL json column cannot hold it (wrap it, e.g. `{ value: null }`, if it must).
 */
export function checkJson(column: ColumnMetadata, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalidValue(column, value, `a json column takes what JSON.stringify accepts (${(error as Error).message})`, error);
  }
  if (text === undefined) throw invalidValue(column, value, 'a json column takes what JSON can represent; not a function, a symbol or undefined');
  if (text.includes('\\u') && JSON_LONE_SURROGATE.test(text)) throw invalidValue(column, value, `a json column takes well-formed strings; ${LONE_SURROGATE}`);
  return text;
}

/** Parsed JSON from a text or bytes; anything else is taken as already parsed by the driver. */
export function readJsonText(column: ColumnMetadata, raw: unknown): unknown {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return raw;
  try {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    // Not kept as cause: JSON.parse's message quotes the text.
    throw unreadableValue(column, raw, 'expected JSON text');
  }
}

/** A UUID string in its canonical lower-case form. */
export function checkUuid(column: ColumnMetadata, value: unknown): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  throw invalidValue(column, value, "a uuid column takes a string like '0b6f2c1e-4d3a-4f5e-9a7b-1c2d3e4f5a6b'");
}

/** A lower-case UUID string from text or 16 bytes. */
export function readUuid(column: ColumnMetadata, raw: unknown): string {
  if (typeof raw === 'string') return raw.toLowerCase();
  if (Buffer.isBuffer(raw) && raw.length === 16) {
    const hex = raw.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw unreadableValue(column, raw, 'expected a uuid');
}

/** A Buffer from a Buffer or any Uint8Array (sharing its memory). */
export function checkBytes(column: ColumnMetadata, value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw invalidValue(column, value, 'a bytes column takes a Buffer or a Uint8Array');
}

/** A Buffer from the driver's bytes, or from PostgreSQL's hex text form. */
export function readBytes(column: ColumnMetadata, raw: unknown): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (typeof raw === 'string' && raw.startsWith('\\x')) return Buffer.from(raw.slice(2), 'hex');
  throw unreadableValue(column, raw, 'expected bytes');
}

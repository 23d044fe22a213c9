/*
 * Exact decimal and 64-bit integer texts for numeric and bigint columns. All work is on
 * digit strings, never through floating point: rounding to a scale, padding, overflow
 * against a precision, exponent notation expanded. Every step is linear in the text's
 * length (values come from users and from the database), with no backtracking pattern.
 */

/** Sign, digits, point, digits, exponent: no two quantifiers can take the same characters, so matching is linear. */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
const INTEGER = /^[+-]?\d{1,20}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Puts a decimal text into Strata's canonical form: no leading zeros, no `+`, no `-0`,
 * exactly `scale` fractional digits when a scale is given (rounded half away from zero,
 * as PostgreSQL and MySQL round), otherwise no trailing fractional zeros. Accepts
 * exponent notation ('1e-7'). Undefined when the text is not a decimal number.
 */
export function canonicalDecimal(text: string, scale: number | undefined): string | undefined {
  const match = DECIMAL.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const sign = match[1];
  let whole = match[2] ?? '';
  let fraction = match[3] ?? '';
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (exponent !== 0) [whole, fraction] = shiftPoint(whole, fraction, exponent);
  whole = trimLeadingZeros(whole);
  if (scale === undefined) {
    fraction = trimTrailingZeros(fraction);
  } else if (fraction.length > scale) {
    const roundUp = fraction.charCodeAt(scale) >= 53; // '5' or more
    fraction = fraction.slice(0, scale);
    if (roundUp) [whole, fraction] = increment(whole, fraction);
  } else {
    fraction = fraction.padEnd(scale, '0');
  }
  const zero = whole === '' && !/[1-9]/.test(fraction);
  return `${sign === '-' && !zero ? '-' : ''}${whole || '0'}${fraction ? `.${fraction}` : ''}`;
}

/** `digits` without its leading '0' characters. */
export function trimLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  return start === 0 ? digits : digits.slice(start);
}

/**
 * `digits` without its trailing '0' characters. A scan from the end: `/0+$/` would retry
 * from every zero of a long run and take quadratic time ('0.' + 80,000 zeros + '1').
 */
export function trimTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

/** How many digits a canonical decimal has before its point ('0.5' has none). */
export function wholeDigits(canonical: string): number {
  const start = canonical.startsWith('-') ? 1 : 0;
  const point = canonical.indexOf('.');
  const end = point < 0 ? canonical.length : point;
  return end - start === 1 && canonical[start] === '0' ? 0 : end - start;
}

/** Moves the decimal point of whole.fraction by `exponent` places. */
function shiftPoint(whole: string, fraction: string, exponent: number): [string, string] {
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return ['', '0'.repeat(-point) + digits];
  if (point >= digits.length) return [digits + '0'.repeat(point - digits.length), ''];
  return [digits.slice(0, point), digits.slice(point)];
}

/** Adds one unit in the last place of whole.fraction. */
function increment(whole: string, fraction: string): [string, string] {
  const digits = (whole + fraction).split('');
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') digits[i--] = '0';
  if (i >= 0) digits[i] = String(Number(digits[i]) + 1);
  else digits.unshift('1');
  const joined = digits.join('');
  const cut = joined.length - fraction.length;
  return [joined.slice(0, cut), joined.slice(cut)];
}

/** Parses a 64-bit signed integer from a decimal text; undefined when it is not one or is out of range. */
export function parseInt64(text: string): bigint | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** True when a bigint fits a 64-bit signed integer column. */
export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/**
 * The shortest decimal that is the same single-precision float as `value`: what
 * PostgreSQL prints for a `real`, and what MySQL's FLOAT held before the driver widened it.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || Math.fround(value) !== value) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

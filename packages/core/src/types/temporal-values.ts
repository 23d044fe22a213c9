/*
 * Write checks and read conversions of the date and time types: `date` (a calendar date
 * string), `timestamptz` (a Date instant), `timestamp` (a zone-less date-time string) and
 * `timestamp` with a `timeZone` (a Date instant stored as that zone's wall clock, written
 * only when the column's DST policy reads it back as the same instant).
 */
import { AmbiguousTimeError } from '../errors/errors';
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { formatDate, formatWallTime, MAX_MS, MIN_MS, parseDate, parseDateTime } from './date-time-text';
import { columnLabel, invalidValue, unreadableValue } from './value-errors';
import { instantToWall, offsetText, wallCandidates, wallToInstant, type WallTimeCandidates } from './zoned-time';

const DAY = 86_400_000;

/**
 * 'YYYY-MM-DD' from such a string, or from a Date at exactly midnight UTC (what
 * `new Date('2024-03-10')` gives). Any other Date is refused: its calendar date depends on
 * a time zone, and guessing one is how dates shift by a day.
 */
export function checkDate(column: ColumnMetadata, value: unknown): string {
  if (typeof value === 'string') {
    if (parseDate(value) !== undefined) return value;
  } else if (value instanceof Date) {
    const ms = value.getTime();
    if (ms >= MIN_MS && ms <= MAX_MS && ms % DAY === 0) return formatDate(ms);
  }
  throw invalidValue(
    column,
    value,
    "a date column takes a calendar date string 'YYYY-MM-DD' (or a Date at exactly midnight UTC, such as new Date('2024-03-10')); a Date at local midnight would shift with the process time zone",
  );
}

/** The 'YYYY-MM-DD' text the driver returned. */
export function readDate(column: ColumnMetadata, raw: unknown): string {
  if (typeof raw === 'string' && raw.length === 10) return raw;
  throw unreadableValue(column, raw, "expected a date text 'YYYY-MM-DD'");
}

/** A valid Date within years 0001-9999. */
export function checkInstant(column: ColumnMetadata, value: unknown): Date {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (ms >= MIN_MS && ms <= MAX_MS) return value;
  }
  throw invalidValue(column, value, `a ${column.type.name} column${column.timeZone ? ` with timeZone ${column.timeZone}` : ''} takes a valid Date within years 0001-9999`);
}

/** An instant from a date-time text: with its offset, or in UTC when it has none (MySQL, SQLite). */
export function readInstant(column: ColumnMetadata, raw: unknown): Date {
  if (typeof raw === 'string') {
    const parts = parseDateTime(raw);
    if (parts !== undefined) return new Date(parts.wall - (parts.offset ?? 0));
  } else if (raw instanceof Date && !Number.isNaN(raw.getTime())) {
    return raw;
  }
  throw unreadableValue(column, raw, 'expected a date-time text');
}

/** The canonical zone-less date-time text ('YYYY-MM-DDTHH:MM:SS[.ffffff]') of a local date-time string. */
export function checkLocalDateTime(column: ColumnMetadata, value: unknown): string {
  if (typeof value === 'string') {
    const parts = parseDateTime(value);
    if (parts !== undefined && parts.offset === undefined && parts.fractionDigits <= 6 && parts.wall >= MIN_MS && parts.wall <= MAX_MS) {
      return formatWallTime(parts.wall, parts.micros);
    }
  }
  throw invalidValue(
    column,
    value,
    "a timestamp column holds a zone-less local date-time string 'YYYY-MM-DDTHH:MM:SS[.ffffff]'; for instants (Date) use a timestamptz column or declare the column's timeZone",
  );
}

/** The canonical zone-less date-time text of what the driver returned. */
export function readLocalDateTime(column: ColumnMetadata, raw: unknown): string {
  if (typeof raw === 'string') {
    const parts = parseDateTime(raw);
    if (parts !== undefined && parts.offset === undefined) return formatWallTime(parts.wall, parts.micros);
  }
  throw unreadableValue(column, raw, 'expected a zone-less date-time text');
}

/**
 * The wall time ('YYYY-MM-DDTHH:MM:SS[.fff]') a Date instant shows in the column's zone,
 * refused with AmbiguousTimeError unless the column's DST policy reads that wall time back
 * as the same instant. Only overlaps matter (an instant never shows a wall time in a gap):
 * 'earlier' and 'compatible' keep the first occurrence, 'later' the second, 'reject' neither.
 */
export function checkZoned(column: ColumnMetadata, value: unknown, timeZone: string): string {
  const instant = checkInstant(column, value);
  const ms = instant.getTime();
  const wall = instantToWall(ms, timeZone);
  if (wall < MIN_MS || wall > MAX_MS) throw invalidValue(column, value, `its wall time in ${timeZone} falls outside years 0001-9999`);
  const candidates = wallCandidates(wall, timeZone);
  const occurrence = candidates.instants.indexOf(ms);
  const kept =
    candidates.instants.length === 1
      ? occurrence === 0
      : candidates.instants.length === 2 && column.dst !== 'reject' && occurrence === (column.dst === 'later' ? 1 : 0);
  if (!kept) throw unkeptInstant(column, instant, formatWallTime(wall), timeZone, candidates, occurrence);
  return formatWallTime(wall);
}

/** The error for an instant whose wall time the column's DST policy would read back as another instant, or not at all. */
function unkeptInstant(column: ColumnMetadata, instant: Date, shown: string, timeZone: string, candidates: WallTimeCandidates, occurrence: number): AmbiguousTimeError {
  // The instant and its wall time are the explanation here (which half of an overlap), so this message shows them.
  const start = `Cannot store the Date ${instant.toISOString()} in ${columnLabel(column)}`;
  const { instants, offsetBefore, offsetAfter } = candidates;
  if (instants.length !== 2 || occurrence < 0) {
    return new AmbiguousTimeError(
      `${start}: its wall time ${shown} in ${timeZone} does not read back as the same instant under dst: '${column.dst}'. Store instants in a timestamptz column.`,
    );
  }
  const half = occurrence === 0 ? 'earlier' : 'later';
  const readBack = column.dst === 'reject' ? "dst is 'reject', so every read of the row would fail" : `dst: '${column.dst}' would read it back as ${new Date(instants[1 - occurrence]!).toISOString()}`;
  return new AmbiguousTimeError(
    `${start}: its wall time ${shown} occurs twice in ${timeZone} (clocks went back from UTC${offsetText(offsetBefore)} to UTC${offsetText(offsetAfter)}); ` +
      `this instant is the ${half} one and ${readBack}. An instant in the ${half} half of an overlap needs ${occurrence === 0 ? "dst: 'earlier' (or 'compatible')" : "dst: 'later'"}; ` +
      'a column that must hold both halves should be a timestamptz column.',
  );
}

/** The instant a stored wall time means in the column's zone, by its DST policy. */
export function readZoned(column: ColumnMetadata, raw: unknown, timeZone: string): Date {
  if (typeof raw === 'string') {
    const parts = parseDateTime(raw);
    if (parts !== undefined) {
      // A text that carries its own offset already names an instant.
      if (parts.offset !== undefined) return new Date(parts.wall - parts.offset);
      return new Date(wallToInstant(parts.wall, timeZone, column.dst, columnLabel(column)));
    }
  }
  throw unreadableValue(column, raw, `expected a date-time text (a wall time in ${timeZone})`);
}

/*
 * Write checks and read conversions of the date and time types: `date` (a calendar date
 * string), `timestamptz` (a Date instant), `timestamp` (a zone-less date-time string) and
 * `timestamp` with a `timeZone` (a Date instant stored as that zone's wall clock).
 */
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { formatDate, formatWallTime, MAX_MS, MIN_MS, parseDate, parseDateTime } from './date-time-text';
import { columnLabel, invalidValue, unreadableValue } from './value-errors';
import { instantToWall, wallToInstant } from './zoned-time';

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

/** The wall time ('YYYY-MM-DDTHH:MM:SS[.fff]') a Date instant shows in the column's zone. */
export function checkZoned(column: ColumnMetadata, value: unknown, timeZone: string): string {
  const instant = checkInstant(column, value);
  const wall = instantToWall(instant.getTime(), timeZone);
  if (wall < MIN_MS || wall > MAX_MS) throw invalidValue(column, value, `its wall time in ${timeZone} falls outside years 0001-9999`);
  return formatWallTime(wall);
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

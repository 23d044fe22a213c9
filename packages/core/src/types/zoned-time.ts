/*
 * Wall-clock time in an IANA zone to and from instants, for `timestamp` columns that
 * declare a `timeZone`. Offsets come from Intl.DateTimeFormat, never from the process's
 * own zone; DST gaps and overlaps resolve exactly as Temporal's `disambiguation` does.
 */
import { AmbiguousTimeError, ArgumentError, NonExistentTimeError } from '../errors/errors';
import type { DstPolicy } from '../metadata/column-type';
import { formatWallTime, parseDateTime, utcMs } from './date-time-text';

const DAY = 86_400_000;
const SPAN = 6 * 3_600_000;
const CACHE_LIMIT = 20_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The UTC offset of a zone at an instant, in milliseconds (positive east of Greenwich).
 * @example
 * zoneOffset('Europe/Stockholm', Date.UTC(2012, 6, 1)); // 7_200_000
 */
export function zoneOffset(timeZone: string, epochMs: number): number {
  const fixed = fixedOffset(timeZone);
  if (fixed !== undefined) return fixed;
  // Intl lookups are slow; an offset is cached per 6-hour span whose two ends agree (no zone changes twice in 6 hours).
  const span = Math.floor(epochMs / SPAN);
  let cache = offsetCache.get(timeZone);
  if (cache === undefined) offsetCache.set(timeZone, (cache = new Map<number, number>()));
  const known = cache.get(span);
  if (known !== undefined) return known;
  const start = exactOffset(timeZone, span * SPAN);
  if (start !== exactOffset(timeZone, (span + 1) * SPAN)) return exactOffset(timeZone, epochMs);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(span, start);
  return start;
}

/** Per zone: its one offset when it never changes (UTC, Etc/GMT±N), else null. */
const fixedOffsets = new Map<string, number | null>();

/** The offset of a zone whose offset never changes (UTC and the Etc/ zones), else undefined. */
function fixedOffset(timeZone: string): number | undefined {
  let known = fixedOffsets.get(timeZone);
  if (known === undefined) {
    const resolved = formatterFor(timeZone).resolvedOptions().timeZone;
    known = resolved === 'UTC' || resolved.startsWith('Etc/') ? exactOffset(timeZone, 0) : null;
    fixedOffsets.set(timeZone, known);
  }
  return known ?? undefined;
}

function exactOffset(timeZone: string, epochMs: number): number {
  const seconds = Math.floor(epochMs / 1000) * 1000;
  const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    if (part.type === 'era') bc = part.value === 'BC' || part.value === 'B';
    else if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
  }
  return utcMs(bc ? 1 - f.year : f.year, f.month, f.day, f.hour, f.minute, f.second) - seconds;
}

/** The wall time of an instant in a zone, as wall milliseconds (the fields encoded as if UTC). */
export function instantToWall(epochMs: number, timeZone: string): number {
  return epochMs + zoneOffset(timeZone, epochMs);
}

/** What a wall time is in a zone: one instant, none (a DST gap) or two (an overlap). */
export interface WallTimeCandidates {
  /** The instants that show this wall time, earliest first: 0, 1 or 2 of them. */
  readonly instants: readonly number[];
  /** The zone's offsets a day before and a day after, in milliseconds. */
  readonly offsetBefore: number;
  readonly offsetAfter: number;
}

/** The instants at which a zone's clocks show a wall time. */
export function wallCandidates(wall: number, timeZone: string): WallTimeCandidates {
  const offsetBefore = zoneOffset(timeZone, wall - DAY);
  const offsetAfter = zoneOffset(timeZone, wall + DAY);
  const instants: number[] = [];
  for (const offset of offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter]) {
    const instant = wall - offset;
    if (zoneOffset(timeZone, instant) === offset) instants.push(instant);
  }
  // One offset all around but no match: a transition and its reversal within two days; take the usual offset.
  if (instants.length === 0 && offsetBefore === offsetAfter) instants.push(wall - offsetBefore);
  instants.sort((a, b) => a - b);
  return { instants, offsetBefore, offsetAfter };
}

/**
 * Resolves a wall time in a zone to an instant under a DST policy, like Temporal's
 * `disambiguation`: in a gap, 'earlier' is the wall time moved back by the gap's length
 * and 'later' / 'compatible' moved forward by it; in an overlap, 'earlier' / 'compatible'
 * take the first occurrence and 'later' the second; 'reject' throws in both cases.
 * `where` names the column for the error message (e.g. `Meeting.startsAt`).
 */
export function wallToInstant(wall: number, timeZone: string, dst: DstPolicy, where = 'a timestamp'): number {
  // A zone with one offset has no gaps or overlaps.
  const fixed = fixedOffset(timeZone);
  if (fixed !== undefined) return wall - fixed;
  const { instants, offsetBefore, offsetAfter } = wallCandidates(wall, timeZone);
  if (instants.length === 1) return instants[0]!;
  const shown = formatWallTime(wall);
  if (instants.length === 2) {
    if (dst === 'reject') {
      throw new AmbiguousTimeError(
        `${where}: the wall time ${shown} occurs twice in ${timeZone} (clocks went back from UTC${offsetText(offsetBefore)} to UTC${offsetText(offsetAfter)}) and dst is 'reject'. ` +
          `Choose dst: 'earlier' or 'later' (or 'compatible', which takes the earlier), or store instants in a timestamptz column.`,
      );
    }
    return dst === 'later' ? instants[1]! : instants[0]!;
  }
  if (dst === 'reject') {
    throw new NonExistentTimeError(
      `${where}: the wall time ${shown} does not exist in ${timeZone} (clocks jumped from UTC${offsetText(offsetBefore)} to UTC${offsetText(offsetAfter)}) and dst is 'reject'. ` +
        `Choose dst: 'compatible' or 'later' (move it forward by the gap) or 'earlier', or store instants in a timestamptz column.`,
    );
  }
  // Gap: 'earlier' reads the wall time with the offset after the gap, which lands before it; 'later' the reverse.
  return dst === 'earlier' ? wall - offsetAfter : wall - offsetBefore;
}

/** A UTC offset in milliseconds as '+HH:MM' (with ':SS' when it has seconds), for messages. */
export function offsetText(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const total = Math.abs(ms) / 1000;
  const hh = String(Math.floor(total / 3600)).padStart(2, '0');
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = total % 60;
  return `${sign}${hh}:${mm}${ss ? `:${String(ss).padStart(2, '0')}` : ''}`;
}

/**
 * The wall-clock time an instant shows in a zone, as 'YYYY-MM-DDTHH:MM:SS[.fff]'.
 * @example
 * toWallTime(new Date('2012-03-25T01:52:00Z'), 'Europe/Stockholm'); // '2012-03-25T03:52:00'
 */
export function toWallTime(instant: Date, timeZone: string): string {
  return formatWallTime(instantToWall(instant.getTime(), timeZone));
}

/**
 * The instant a zone's clocks show a wall time at, resolving DST gaps and overlaps by
 * `dst` (default 'compatible', as in Temporal).
 * @example
 * fromWallTime('2012-10-28T02:52', 'Europe/Stockholm', 'later'); // 2012-10-28T01:52:00.000Z
 */
export function fromWallTime(wallTime: string, timeZone: string, dst: DstPolicy = 'compatible'): Date {
  const parts = parseDateTime(wallTime);
  if (parts === undefined || parts.offset !== undefined) {
    throw new ArgumentError(`fromWallTime: ${JSON.stringify(wallTime)} is not a zone-less date-time 'YYYY-MM-DDTHH:MM[:SS[.fff]]'.`);
  }
  return new Date(wallToInstant(parts.wall, timeZone, dst));
}

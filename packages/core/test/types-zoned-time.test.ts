/*
 * Wall-clock <-> instant conversion without a database: offsets from Intl, the DST gap
 * and overlap of Europe/Stockholm in 2012 under every policy, and independence from the
 * process's own time zone.
 */
import { AmbiguousTimeError, NonExistentTimeError, ArgumentError, fromWallTime, toWallTime, zoneOffset } from '@strata/core';
import { parseDateTime } from '../src/types/date-time-text';

const STOCKHOLM = 'Europe/Stockholm';
const GAP = '2012-03-25T02:52'; // clocks jumped 02:00 -> 03:00 (UTC+1 -> UTC+2)
const OVERLAP = '2012-10-28T02:52'; // clocks went back 03:00 -> 02:00 (UTC+2 -> UTC+1)

describe('zoned time', () => {
  test('offsets come from the zone database, with seconds for local mean time', () => {
    expect(zoneOffset(STOCKHOLM, Date.UTC(2012, 0, 15))).toBe(3_600_000);
    expect(zoneOffset(STOCKHOLM, Date.UTC(2012, 6, 15))).toBe(7_200_000);
    expect(zoneOffset('Asia/Kolkata', Date.UTC(2020, 0, 1))).toBe(19_800_000);
    expect(zoneOffset('America/New_York', Date.UTC(2020, 0, 1))).toBe(-18_000_000);
    // Stockholm kept its local mean time (+00:53:28) until 1879.
    expect(zoneOffset(STOCKHOLM, Date.UTC(1850, 0, 1))).toBe((53 * 60 + 28) * 1000);
  });

  test('an instant becomes the zone wall time, milliseconds kept', () => {
    expect(toWallTime(new Date('2012-03-25T01:52:00Z'), STOCKHOLM)).toBe('2012-03-25T03:52:00');
    expect(toWallTime(new Date('2012-10-28T00:52:00.250Z'), STOCKHOLM)).toBe('2012-10-28T02:52:00.25');
    expect(toWallTime(new Date('2024-01-01T00:00:00Z'), 'Pacific/Kiritimati')).toBe('2024-01-01T14:00:00');
  });

  test.each([
    ['compatible', '2012-03-25T01:52:00.000Z'],
    ['later', '2012-03-25T01:52:00.000Z'],
    ['earlier', '2012-03-25T00:52:00.000Z'],
  ] as const)('a wall time in the gap under %s is %s', (dst, expected) => {
    expect(fromWallTime(GAP, STOCKHOLM, dst).toISOString()).toBe(expected);
  });

  test.each([
    ['compatible', '2012-10-28T00:52:00.000Z'],
    ['earlier', '2012-10-28T00:52:00.000Z'],
    ['later', '2012-10-28T01:52:00.000Z'],
  ] as const)('a wall time in the overlap under %s is %s', (dst, expected) => {
    expect(fromWallTime(OVERLAP, STOCKHOLM, dst).toISOString()).toBe(expected);
  });

  test("'reject' raises NonExistentTimeError in a gap and AmbiguousTimeError in an overlap, naming value and zone", () => {
    const gap = catchError(() => fromWallTime(GAP, STOCKHOLM, 'reject'));
    expect(gap).toBeInstanceOf(NonExistentTimeError);
    expect(gap.message).toContain('2012-03-25T02:52:00');
    expect(gap.message).toContain(STOCKHOLM);
    expect((gap as NonExistentTimeError).code).toBe('nonexistent_time');
    const overlap = catchError(() => fromWallTime(OVERLAP, STOCKHOLM, 'reject'));
    expect(overlap).toBeInstanceOf(AmbiguousTimeError);
    expect(overlap.message).toContain('2012-10-28T02:52:00');
    expect(overlap.message).toContain(STOCKHOLM);
  });

  test("ordinary wall times resolve the same under every policy, 'reject' included", () => {
    for (const dst of ['compatible', 'earlier', 'later', 'reject'] as const) {
      expect(fromWallTime('2012-07-01T12:00:00.5', STOCKHOLM, dst).toISOString()).toBe('2012-07-01T10:00:00.500Z');
    }
  });

  test('a half-hour gap (Lord Howe) and years below 100 are handled', () => {
    // Australia/Lord_Howe moves from +10:30 to +11:00 at 02:00 local on 2023-10-01.
    // 02:15 does not exist: 'compatible' reads it as 02:45 (+11:00), 'earlier' as 01:45 (+10:30).
    expect(fromWallTime('2023-10-01T02:15', 'Australia/Lord_Howe', 'compatible').toISOString()).toBe('2023-09-30T15:45:00.000Z');
    expect(fromWallTime('2023-10-01T02:15', 'Australia/Lord_Howe', 'earlier').toISOString()).toBe('2023-09-30T15:15:00.000Z');
    expect(fromWallTime('0050-06-01T12:00', 'UTC').toISOString()).toBe('0050-06-01T12:00:00.000Z');
  });

  test('the process time zone changes nothing', () => {
    const saved = process.env.TZ;
    try {
      const results = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Stockholm'].map((tz) => {
        process.env.TZ = tz;
        return [fromWallTime(GAP, STOCKHOLM).toISOString(), toWallTime(new Date('2012-10-28T01:52:00Z'), STOCKHOLM)];
      });
      for (const result of results) expect(result).toEqual(['2012-03-25T01:52:00.000Z', '2012-10-28T02:52:00']);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  test('a wall time with an offset or in a bad shape is refused', () => {
    expect(() => fromWallTime('2012-03-25T02:52Z', STOCKHOLM)).toThrow(ArgumentError);
    expect(() => fromWallTime('2012-02-30T02:52', STOCKHOLM)).toThrow(ArgumentError);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('fixed-offset zones', () => {
  test('UTC and the Etc/ zones read without a DST lookup and agree with the general path', () => {
    expect(fromWallTime('2012-03-25T02:52:00', 'UTC').toISOString()).toBe('2012-03-25T02:52:00.000Z');
    expect(fromWallTime('2012-03-25T02:52:00', 'Etc/GMT-2').toISOString()).toBe('2012-03-25T00:52:00.000Z');
    expect(zoneOffset('Etc/GMT+5', Date.UTC(2012, 6, 1))).toBe(-18_000_000);
    expect(toWallTime(new Date('2012-10-28T01:52:00Z'), 'UTC')).toBe('2012-10-28T01:52:00');
  });
});

describe('date-time text', () => {
  test('the texts drivers return parse the same on the fast path as on the general one', () => {
    expect(parseDateTime('2024-02-29 10:11:12')).toEqual({ wall: Date.UTC(2024, 1, 29, 10, 11, 12), micros: 0, fractionDigits: 0, offset: undefined });
    expect(parseDateTime('2024-02-29T10:11:12.5')).toEqual({ wall: Date.UTC(2024, 1, 29, 10, 11, 12, 500), micros: 0, fractionDigits: 1, offset: undefined });
    expect(parseDateTime('2024-02-29 10:11:12.123456')).toEqual({ wall: Date.UTC(2024, 1, 29, 10, 11, 12, 123), micros: 456, fractionDigits: 6, offset: undefined });
    expect(new Date(parseDateTime('0099-03-01 00:00:00')!.wall).getUTCFullYear()).toBe(99);
    expect(parseDateTime('2024-02-29T10:11:12.123Z')).toEqual({ wall: Date.UTC(2024, 1, 29, 10, 11, 12, 123), micros: 0, fractionDigits: 3, offset: 0 });
  });

  test('zones, short times and long fractions take the general path; impossible dates are refused', () => {
    expect(parseDateTime('2024-02-29 10:11:12+02')).toMatchObject({ wall: Date.UTC(2024, 1, 29, 10, 11, 12), offset: 7_200_000 });
    expect(parseDateTime('2024-02-29 10:11')).toMatchObject({ wall: Date.UTC(2024, 1, 29, 10, 11) });
    expect(parseDateTime('2024-01-01 00:00:00.1234567')).toMatchObject({ micros: 456, fractionDigits: 7 });
    for (const bad of ['2023-02-29 10:11:12', '2024-13-01 00:00:00', '2024-01-01 24:00:00', '2024-01-01 00:00:00.', '2024-01-0a 00:00:00', '2024/01/01 00:00:00']) {
      expect(parseDateTime(bad)).toBeUndefined();
    }
  });
});

/*
 * Fixes from the types-layer review, without a database: DST overlaps on write (New York,
 * Lord Howe's half hour), float binds within range, -0, lone surrogates, NUL on PostgreSQL,
 * MySQL's unconstrained decimal and ENUM values, and SQLSTATE 21000.
 */
import {
  AmbiguousTimeError,
  Column,
  Entity,
  EntityRegistry,
  MetaData,
  NotSupportedError,
  PrimaryColumn,
  ValidationError,
  type DstPolicy,
  type StrataError,
} from '@strata/core';
import {
  BaseDialectTypes,
  type ValueCodec,
} from '@strata/core/dialect';
import { MysqlDdl, MysqlTypes } from '@strata/mysql';
import { classifyPostgresError, PostgresTypes } from '@strata/postgres';

const NY = 'America/New_York';
const LORD_HOWE = 'Australia/Lord_Howe';
const POLICIES: readonly DstPolicy[] = ['compatible', 'earlier', 'later', 'reject'];

@Entity('review_meetings')
class Meeting {
  @PrimaryColumn() id!: number;
  @Column({ type: 'timestamp', timeZone: NY, dst: 'compatible' }) nyCompatible!: Date;
  @Column({ type: 'timestamp', timeZone: NY, dst: 'earlier' }) nyEarlier!: Date;
  @Column({ type: 'timestamp', timeZone: NY, dst: 'later' }) nyLater!: Date;
  @Column({ type: 'timestamp', timeZone: NY, dst: 'reject', name: 'starts' }) nyReject!: Date;
  @Column({ type: 'timestamp', timeZone: LORD_HOWE, dst: 'compatible' }) lhCompatible!: Date;
  @Column({ type: 'timestamp', timeZone: LORD_HOWE, dst: 'earlier' }) lhEarlier!: Date;
  @Column({ type: 'timestamp', timeZone: LORD_HOWE, dst: 'later' }) lhLater!: Date;
  @Column({ type: 'timestamp', timeZone: LORD_HOWE, dst: 'reject' }) lhReject!: Date;
}

@Entity('review_values')
class Sample {
  @PrimaryColumn() id!: number;
  @Column({ type: 'float' }) single!: number;
  @Column({ type: 'double' }) double!: number;
  @Column({ length: 10 }) code!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ enum: ['on', 'odd\uD800'] }) state!: string;
  @Column({ type: 'json' }) data!: unknown;
  @Column({ type: 'numeric' }) ratio!: string;
}

@Entity('review_padded')
class Padded {
  @PrimaryColumn() id!: number;
  @Column({ enum: ['a ', 'b'], enumName: 'review_padded_kind' }) kind!: string;
}

const registry = new EntityRegistry([Meeting, Sample]);
const base = new BaseDialectTypes();
const codecOf = (property: string, types: BaseDialectTypes = base, entity: Function = Sample): ValueCodec =>
  types.codec(registry.entity(entity).column(property)!);
const meeting = (property: string): ValueCodec => codecOf(property, base, Meeting);
const policyColumn = (prefix: 'ny' | 'lh', dst: DstPolicy) => `${prefix}${dst[0]!.toUpperCase()}${dst.slice(1)}`;

function thrown(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (error) {
    return error as StrataError;
  }
  throw new Error('expected an error');
}

/** Writes an instant through a zoned column's codec and reads the stored text back: the instant, or the error. */
function roundTrip(property: string, iso: string): string | StrataError {
  const codec = meeting(property);
  try {
    return (codec.fromDriver(codec.toDriver(new Date(iso))) as Date).toISOString();
  } catch (error) {
    return error as StrataError;
  }
}

/** Instants every 5 minutes over three hours either side of a transition, plus a millisecond either side of it and of the overlap's end. */
function around(transitionIso: string, overlapMinutes: number): number[] {
  const at = Date.parse(transitionIso);
  const times = [at - 1, at, at + 1, at + overlapMinutes * 60_000 - 1, at + overlapMinutes * 60_000];
  for (let minutes = -180; minutes <= 180; minutes += 5) times.push(at + minutes * 60_000);
  return times;
}

describe('types review: zoned timestamps in a DST overlap', () => {
  test("the later 01:30 of New York's 2024 fall-back is refused under 'compatible', naming column, value, zone and dst: 'later'", () => {
    const error = thrown(() => meeting('nyCompatible').toDriver(new Date('2024-11-03T06:30:00Z')));
    expect(error).toBeInstanceOf(AmbiguousTimeError);
    expect(error.code).toBe('ambiguous_time');
    expect(error.message).toContain('Meeting.nyCompatible');
    expect(error.message).toContain('2024-11-03T06:30:00.000Z');
    expect(error.message).toContain('2024-11-03T01:30:00');
    expect(error.message).toContain(NY);
    expect(error.message).toContain('would read it back as 2024-11-03T05:30:00.000Z');
    expect(error.message).toContain("needs dst: 'later'");
    expect(roundTrip('nyEarlier', '2024-11-03T06:30:00Z')).toBeInstanceOf(AmbiguousTimeError);
    expect(roundTrip('nyLater', '2024-11-03T06:30:00Z')).toBe('2024-11-03T06:30:00.000Z');
  });

  test("the earlier 01:30 of New York's fall-back is refused under 'later', naming dst: 'earlier'", () => {
    const error = thrown(() => meeting('nyLater').toDriver(new Date('2024-11-03T05:30:00Z')));
    expect(error).toBeInstanceOf(AmbiguousTimeError);
    expect(error.message).toContain("needs dst: 'earlier' (or 'compatible')");
    expect(roundTrip('nyCompatible', '2024-11-03T05:30:00Z')).toBe('2024-11-03T05:30:00.000Z');
    expect(roundTrip('nyEarlier', '2024-11-03T05:30:00Z')).toBe('2024-11-03T05:30:00.000Z');
  });

  test("under 'reject' both halves of an overlap are refused at write, so no row is stored that every read would refuse", () => {
    for (const iso of ['2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z']) {
      const error = thrown(() => meeting('nyReject').toDriver(new Date(iso)));
      expect(error).toBeInstanceOf(AmbiguousTimeError);
      expect(error.message).toMatch(/Meeting\.nyReject \(column starts\).*occurs twice in America\/New_York.*dst is 'reject'/);
    }
    expect(roundTrip('nyReject', '2024-11-03T04:59:59.999Z')).toBe('2024-11-03T04:59:59.999Z');
    expect(roundTrip('nyReject', '2024-11-03T07:00:00Z')).toBe('2024-11-03T07:00:00.000Z');
  });

  test.each([
    [NY, 'ny', '2024-11-03T06:00:00Z', 60],
    [LORD_HOWE, 'lh', '2024-04-06T15:00:00Z', 30],
  ] as const)('around the %s fall-back every instant reads back as itself or is refused, exactly inside the unkept half', (_zone, prefix, transition, minutes) => {
    const at = Date.parse(transition);
    const length = minutes * 60_000;
    for (const dst of POLICIES) {
      for (const ms of [...around(transition, minutes), ...around(new Date(at - length).toISOString(), minutes)]) {
        const iso = new Date(ms).toISOString();
        const inFirst = ms >= at - length && ms < at;
        const inSecond = ms >= at && ms < at + length;
        const refused = dst === 'reject' ? inFirst || inSecond : dst === 'later' ? inFirst : inSecond;
        const result = roundTrip(policyColumn(prefix, dst), iso);
        if (refused) expect([dst, iso, result]).toEqual([dst, iso, expect.any(AmbiguousTimeError)]);
        else expect([dst, iso, result]).toEqual([dst, iso, iso]);
      }
    }
  });

  test.each([
    [NY, 'ny', '2024-03-10T07:00:00Z', 60],
    [LORD_HOWE, 'lh', '2024-10-05T15:30:00Z', 30],
  ] as const)('around the %s spring-forward gap every instant, the boundaries included, reads back as itself under every policy', (_zone, prefix, transition, minutes) => {
    for (const dst of POLICIES) {
      for (const ms of around(transition, minutes)) {
        const iso = new Date(ms).toISOString();
        expect([dst, iso, roundTrip(policyColumn(prefix, dst), iso)]).toEqual([dst, iso, iso]);
      }
    }
  });

  test("Lord Howe's half-hour overlap: 'later' refuses the first 01:45 instead of moving it 30 minutes", () => {
    const error = thrown(() => meeting('lhLater').toDriver(new Date('2024-04-06T14:45:00Z')));
    expect(error).toBeInstanceOf(AmbiguousTimeError);
    expect(error.message).toContain('would read it back as 2024-04-06T15:15:00.000Z');
    expect(error.message).toContain('UTC+11:00 to UTC+10:30');
    expect(roundTrip('lhLater', '2024-04-06T15:15:00Z')).toBe('2024-04-06T15:15:00.000Z');
    expect(roundTrip('lhCompatible', '2024-04-06T15:15:00Z')).toBeInstanceOf(AmbiguousTimeError);
  });
});

describe('types review: values every dialect would change silently', () => {
  test('float binds the float itself, so the largest float stays within range; reads shorten it', () => {
    const single = codecOf('single');
    const max = Math.fround(3.4028235e38);
    expect(single.toDriver(3.4028235e38)).toBe(max);
    expect(single.toDriver(max)).toBe(max);
    expect(single.toDriver(-max)).toBe(-max);
    expect(single.toDriver(2 ** -149)).toBe(2 ** -149);
    expect(single.toDriver(0.1 + 0.2)).toBe(Math.fround(0.3));
    expect(single.fromDriver(max)).toBe(3.4028235e38);
    expect(single.fromDriver(2 ** -149)).toBe(1e-45);
    expect(single.fromDriver(Math.fround(1.1))).toBe(1.1);
    expect(single.fromDriver('1.1')).toBe(1.1);
    expect(() => single.toDriver(3.5e38)).toThrow(ValidationError);
  });

  test('-0 is stored as 0 in float and double columns, deliberately', () => {
    for (const property of ['single', 'double']) {
      expect(Object.is(codecOf(property).toDriver(-0), 0)).toBe(true);
    }
    expect(Object.is(codecOf('single').toDriver(-1e-50), 0)).toBe(true);
  });

  test('JSON null passes through as null, which the database stores as SQL NULL', () => {
    expect(codecOf('data').toDriver(null)).toBeNull();
    expect(codecOf('data').toDriver({ a: null })).toBe('{"a":null}');
  });

  test.each(['code', 'body', 'state'])('a lone surrogate in %s (varchar, text, an enum value) is refused with a ValidationError naming the column', (property) => {
    for (const value of property === 'state' ? ['odd\uD800'] : ['lone\uD800', '\uDC00x']) {
      const error = thrown(() => codecOf(property).toDriver(value));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ entity: 'Sample', column: property });
      expect(error.message).toContain(`Sample.${property}`);
      expect(error.message).toMatch(/lone UTF-16 surrogate/);
    }
    const fine = property === 'state' ? 'on' : '😀';
    expect(codecOf(property).toDriver(fine)).toBe(fine);
  });

  test('a lone surrogate anywhere in a json value (string or key) is refused; pairs and escaped backslashes are not', () => {
    for (const value of ['lone\uD800', { nested: ['x', '\uDFFF'] }, { ['k\uD800']: 1 }, '\\\uD800']) {
      const error = thrown(() => codecOf('data').toDriver(value));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/Sample\.data.*lone UTF-16 surrogate/);
    }
    expect(codecOf('data').toDriver({ e: '😀' })).toBe('{"e":"😀"}');
    expect(codecOf('data').toDriver('\\ud800')).toBe('"\\\\ud800"');
  });

  test('NUL is kept by the base (MySQL, SQLite) and refused by PostgreSQL in text, varchar, enum and json, naming the column', () => {
    const pg = new PostgresTypes();
    expect(codecOf('body').toDriver('a\u0000b')).toBe('a\u0000b');
    expect(codecOf('data').toDriver({ a: '\u0000' })).toBe('{"a":"\\u0000"}');
    for (const [property, value] of [['body', 'a\u0000b'], ['code', '\u0000'], ['data', { a: 'x\u0000' }], ['data', { ['\u0000']: 1 }]] as const) {
      const error = thrown(() => codecOf(property, pg).toDriver(value));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ entity: 'Sample', column: property });
      expect(error.message).toMatch(/PostgreSQL text cannot hold the NUL character/);
    }
    // The text backslash-u-0-0-0-0 is no NUL.
    expect(codecOf('data', pg).toDriver('\\u0000')).toBe('"\\\\u0000"');
  });

  test('MySQL refuses an unconstrained numeric its decimal(65, 30) would round or overflow; other dialects and declared precisions are unchanged', () => {
    const mysql = new MysqlTypes();
    const tiny = `0.${'0'.repeat(40)}1`;
    const error = thrown(() => codecOf('ratio', mysql).toDriver(tiny));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'Sample', column: 'ratio' });
    expect(error.message).toMatch(/decimal\(65, 30\).*30 digits after the decimal point; this has 41 and would be rounded/);
    expect(thrown(() => codecOf('ratio', mysql).toDriver(`1${'0'.repeat(35)}`)).message).toMatch(/at most 35 digits before the decimal point; this has 36/);
    expect(() => codecOf('ratio', mysql).toDriver(1e-40)).toThrow(ValidationError);
    const widest = `${'9'.repeat(35)}.${'9'.repeat(30)}`;
    expect(codecOf('ratio', mysql).toDriver(widest)).toBe(widest);
    expect(codecOf('ratio', mysql).toDriver('1.5000000000000000000000000000000000')).toBe('1.5');
    expect(codecOf('ratio').toDriver(tiny)).toBe(tiny);
  });
});

describe('types review: dialect DDL and errors', () => {
  test('MySQL DDL refuses an enum value with a trailing space, naming table and column', () => {
    const error = thrown(() => new MetaData([Padded]).toSQL(new MysqlDdl()));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.message).toContain("Table 'review_padded', column 'kind'");
    expect(error.message).toContain('"a " ends with a space');
  });

  test('PostgreSQL SQLSTATE 21000 (cardinality violation) is a programming error', () => {
    expect(classifyPostgresError({ code: '21000', message: 'ON CONFLICT DO UPDATE command cannot affect row a second time' })).toEqual({ kind: 'programming', code: '21000' });
  });
});

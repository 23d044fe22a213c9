/*
 * The standard codecs without a database: what each logical type accepts on write and
 * what it binds, what it makes of raw driver values, the ValidationError for each wrong
 * value, custom types, and that a codec is built once per column.
 */
import { Column, defineType, Entity, EntityRegistry, PrimaryColumn, ValidationError } from '@strata/core';
import { BaseDialectTypes, type ValueCodec } from '@strata/core/dialect';

@Entity('codec_things')
class Thing {
  @PrimaryColumn() id!: number;
  @Column({ type: 'smallint' }) small!: number;
  @Column({ type: 'bigint' }) big!: bigint;
  @Column({ type: 'bigint', bigint: 'string' }) bigText!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'numeric' }) ratio!: string;
  @Column({ type: 'float' }) single!: number;
  @Column({ type: 'double' }) double!: number;
  @Column() flag!: boolean;
  @Column({ length: 5 }) code!: string;
  @Column({ type: 'json' }) data!: unknown;
  @Column({ type: 'uuid' }) uid!: string;
  @Column({ enum: ['red', 'green'] }) colour!: string;
  @Column({ type: 'bytes' }) blob!: Buffer;
  @Column({ type: 'date' }) day!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'timestamp' }) local!: string;
  @Column({ type: 'timestamp', timeZone: 'Europe/Stockholm', dst: 'reject', name: 'starts' }) startsAt!: Date;
}

const Cents = defineType<{ cents: number }, string>({
  name: 'cents',
  storage: { name: 'numeric', precision: 12, scale: 2 },
  toDriver: (v) => (v.cents / 100).toFixed(2),
  fromDriver: (raw) => ({ cents: Math.round(Number(raw) * 100) }),
});

@Entity('codec_wallets')
class Wallet {
  @PrimaryColumn() id!: number;
  @Column({ type: Cents }) balance!: { cents: number };
}

const registry = new EntityRegistry([Thing, Wallet]);
const types = new BaseDialectTypes();
const codec = (property: string, entity: Function = Thing): ValueCodec => types.codec(registry.entity(entity).column(property)!);

function rejection(property: string, value: unknown): ValidationError {
  try {
    codec(property).toDriver(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`${property} accepted ${String(value)}`);
}

describe('value codecs', () => {
  test('null and undefined pass through both ways; a codec is built once per column', () => {
    for (const property of ['small', 'big', 'price', 'flag', 'data', 'at', 'startsAt']) {
      expect(codec(property).toDriver(null)).toBeNull();
      expect(codec(property).fromDriver(null)).toBeNull();
      expect(codec(property).toDriver(undefined)).toBeUndefined();
    }
    expect(codec('big')).toBe(codec('big'));
  });

  test('integers: range checked; bigint exact past 2^53 in both modes', () => {
    expect(codec('small').toDriver(32767)).toBe(32767);
    expect(rejection('small', 32768).message).toBe('Cannot store a number in Thing.small: a smallint column takes a whole number from -32768 to 32767.');
    expect(() => codec('id').toDriver(1.5)).toThrow(ValidationError);
    expect(() => codec('id').toDriver('1')).toThrow(ValidationError);
    expect(() => codec('id').toDriver(NaN)).toThrow(ValidationError);
    expect(codec('big').toDriver(2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(codec('big').toDriver('-9007199254740993')).toBe('-9007199254740993');
    expect(codec('big').toDriver(42)).toBe('42');
    expect(rejection('big', 2 ** 53 + 2).message).toMatch(/2\^53/);
    expect(() => codec('big').toDriver(2n ** 63n)).toThrow(ValidationError);
    expect(codec('big').fromDriver('9007199254740993')).toBe(9007199254740993n);
    expect(codec('bigText').fromDriver(9007199254740993n)).toBe('9007199254740993');
    expect(codec('bigText').toDriver('12')).toBe('12');
  });

  test('numeric: exact decimal text, rounded and padded to the scale, overflow refused', () => {
    const price = codec('price');
    expect(price.toDriver('0.3')).toBe('0.30');
    expect(price.toDriver(0.1)).toBe('0.10');
    expect(price.toDriver('12345678.005')).toBe('12345678.01');
    expect(price.toDriver('-0.001')).toBe('0.00');
    expect(price.toDriver(5n)).toBe('5.00');
    expect(price.toDriver('1e2')).toBe('100.00');
    expect(rejection('price', '123456789').message).toMatch(/at most 8 digits before the decimal point/);
    expect(() => price.toDriver('abc')).toThrow(ValidationError);
    expect(() => price.toDriver(Infinity)).toThrow(ValidationError);
    expect(price.fromDriver('0.3')).toBe('0.30');
    expect(price.fromDriver(0.3)).toBe('0.30');
    const ratio = codec('ratio');
    expect(ratio.toDriver('000123.4500')).toBe('123.45');
    expect(ratio.toDriver('0.1000000000000000000000000001')).toBe('0.1000000000000000000000000001');
    expect(ratio.fromDriver('1.500000000000000000000000000000')).toBe('1.5');
    expect(ratio.fromDriver('NaN')).toBe('NaN');
  });

  test('floats: finite only; float binds the single-precision value and reads back its shortest decimal', () => {
    expect(codec('single').toDriver(0.1 + 0.2)).toBe(Math.fround(0.3));
    expect(codec('single').fromDriver(Math.fround(0.3))).toBe(0.3);
    expect(codec('double').toDriver(0.1 + 0.2)).toBe(0.30000000000000004);
    expect(() => codec('double').toDriver(Infinity)).toThrow(ValidationError);
    expect(() => codec('single').toDriver(1e39)).toThrow(ValidationError);
    expect(() => codec('double').toDriver('1.5')).toThrow(ValidationError);
    expect(codec('double').fromDriver('2.5')).toBe(2.5);
  });

  test('booleans are true / false in, and true / false out of 1 / 0', () => {
    expect(codec('flag').toDriver(true)).toBe(true);
    expect(() => codec('flag').toDriver(1)).toThrow(ValidationError);
    expect([1, 0, 1n, '0', 't'].map((raw) => codec('flag').fromDriver(raw))).toEqual([true, false, true, false, true]);
  });

  test('strings: type and varchar length in characters', () => {
    expect(codec('code').toDriver('😀😀😀😀😀')).toBe('😀😀😀😀😀');
    expect(codec('code').toDriver('')).toBe('');
    expect(rejection('code', 'abcdef').message).toMatch(/varchar\(5\) holds at most 5 characters; this has 6/);
    expect(rejection('code', 12).message).toMatch(/takes a string/);
    const long = rejection('code', 'x'.repeat(500)).message;
    expect(long.length).toBeLessThan(300);
  });

  test('json, uuid, enum, bytes', () => {
    expect(codec('data').toDriver({ a: [1, 'ü'] })).toBe('{"a":[1,"ü"]}');
    expect(codec('data').toDriver('text')).toBe('"text"');
    expect(codec('data').fromDriver('[1,{"b":null}]')).toEqual([1, { b: null }]);
    expect(() => codec('data').toDriver({ n: 1n })).toThrow(ValidationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => codec('data').toDriver(cyclic)).toThrow(ValidationError);
    expect(codec('uid').toDriver('0B6F2C1E-4D3A-4F5E-9A7B-1C2D3E4F5A6B')).toBe('0b6f2c1e-4d3a-4f5e-9a7b-1c2d3e4f5a6b');
    expect(() => codec('uid').toDriver('not-a-uuid')).toThrow(ValidationError);
    expect(codec('colour').toDriver('red')).toBe('red');
    const bad = rejection('colour', 'blue');
    expect(bad.message).toBe('Cannot store a string of 4 characters in Thing.colour: the enum allows only "red", "green".');
    expect(bad).toMatchObject({ entity: 'Thing', column: 'colour', code: 'validation' });
    expect(codec('blob').toDriver(new Uint8Array([0, 1]))).toEqual(Buffer.from([0, 1]));
    expect(codec('blob').fromDriver('\\x0001ff')).toEqual(Buffer.from([0, 1, 255]));
  });

  test('date: a calendar date string; a Date only at midnight UTC', () => {
    expect(codec('day').toDriver('2024-02-29')).toBe('2024-02-29');
    expect(codec('day').toDriver(new Date('2024-03-10'))).toBe('2024-03-10');
    expect(() => codec('day').toDriver('2023-02-29')).toThrow(ValidationError);
    expect(rejection('day', new Date('2024-03-10T23:00:00Z')).message).toMatch(/midnight UTC/);
    expect(codec('day').fromDriver('2024-03-10')).toBe('2024-03-10');
  });

  test('timestamptz: a Date instant out, whatever offset the text carries', () => {
    const at = codec('at');
    expect(at.toDriver(new Date('2024-03-10T23:59:59.999Z'))).toBe('2024-03-10T23:59:59.999Z');
    expect(() => at.toDriver(new Date(NaN))).toThrow(ValidationError);
    expect(() => at.toDriver('2024-03-10T00:00:00Z')).toThrow(ValidationError);
    expect((at.fromDriver('2024-03-10 19:59:59.999-04') as Date).toISOString()).toBe('2024-03-10T23:59:59.999Z');
    expect((at.fromDriver('2024-03-11 05:29:59.999123+05:30') as Date).toISOString()).toBe('2024-03-10T23:59:59.999Z');
    expect((at.fromDriver('2024-03-10 23:59:59.999') as Date).toISOString()).toBe('2024-03-10T23:59:59.999Z');
  });

  test('timestamp: a canonical zone-less string; Dates refused', () => {
    const local = codec('local');
    expect(local.toDriver('2024-03-10 08:05')).toBe('2024-03-10T08:05:00');
    expect(local.toDriver('2024-03-10T08:05:01.120000')).toBe('2024-03-10T08:05:01.12');
    expect(local.fromDriver('2024-03-10 08:05:01.123456')).toBe('2024-03-10T08:05:01.123456');
    expect(rejection('local', new Date()).message).toMatch(/timestamptz/);
    expect(() => local.toDriver('2024-03-10T08:05:00Z')).toThrow(ValidationError);
  });

  test('timestamp with a zone: Date in, wall time stored, reject policy names the column', () => {
    const startsAt = codec('startsAt');
    expect(startsAt.toDriver(new Date('2012-10-28T02:52:00Z'))).toBe('2012-10-28T03:52:00');
    // 02:52 came twice that night: 'reject' refuses to write what it would refuse to read.
    expect(() => startsAt.toDriver(new Date('2012-10-28T01:52:00Z'))).toThrow(/Thing\.startsAt \(column starts\).*2012-10-28T02:52:00.*Europe\/Stockholm/);
    expect((startsAt.fromDriver('2012-07-01 12:00:00') as Date).toISOString()).toBe('2012-07-01T10:00:00.000Z');
    expect(() => startsAt.fromDriver('2012-03-25 02:52:00')).toThrow(/Thing\.startsAt \(column starts\).*2012-03-25T02:52:00.*Europe\/Stockholm/);
  });

  test('a custom type converts through its storage type both ways', () => {
    const balance = codec('balance', Wallet);
    expect(balance.toDriver({ cents: 1999 })).toBe('19.99');
    expect(balance.fromDriver('19.99')).toEqual({ cents: 1999 });
    expect(balance.toDriver(null)).toBeNull();
  });
});

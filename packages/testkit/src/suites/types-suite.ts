/*
 * The types conformance suite: every logical type written through its dialect codec as a
 * bound parameter and read back through it, with edge values (2^53, exact decimals,
 * emoji, zero bytes, midnight, DST gaps and overlaps, another process's time zone), and
 * the values a database would change silently, refused before they are sent.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import {
  AmbiguousTimeError,
  Column,
  createEngine,
  defineType,
  Entity,
  EntityRegistry,
  insert,
  MetaData,
  NonExistentTimeError,
  NotSupportedError,
  OptionalProps,
  PrimaryColumn,
  ProgrammingError,
  sql,
  ValidationError,
  type Engine,
} from '@strata/core';
import {
  type ValueCodec,
} from '@strata/core/dialect';
import { testUrl, type DialectName } from '../targets';
import { TRAITS } from '../traits';

const TABLE = 'typ_values';

/** Column name, then its SQL type on PostgreSQL, MySQL / MariaDB and SQLite: what the codecs expect. */
const COLUMNS: readonly (readonly [string, string, string, string])[] = [
  ['small', 'smallint', 'smallint', 'smallint'],
  ['whole', 'integer', 'integer', 'integer'],
  ['big', 'bigint', 'bigint', 'bigint'],
  ['big_text', 'bigint', 'bigint', 'bigint'],
  ['price', 'numeric(10, 2)', 'decimal(10, 2)', 'text'],
  ['ratio', 'numeric', 'decimal(65, 30)', 'text'],
  ['single', 'real', 'float', 'real'],
  ['dbl', 'double precision', 'double', 'real'],
  ['flag', 'boolean', 'tinyint(1)', 'boolean'],
  ['name', 'varchar(20)', 'varchar(20)', 'varchar(20)'],
  ['body', 'text', 'longtext', 'text'],
  ['data', 'jsonb', 'json', 'text'],
  ['uid', 'uuid', 'char(36)', 'text'],
  ['colour', 'typ_colour', "enum('red', 'green', 'blue')", "text CHECK (colour IN ('red', 'green', 'blue'))"],
  ['blob', 'bytea', 'longblob', 'blob'],
  ['day', 'date', 'date', 'text'],
  ['at', 'timestamptz', 'datetime(6)', 'text'],
  ['local', 'timestamp', 'datetime(6)', 'text'],
  ['starts_compatible', 'timestamp', 'datetime(6)', 'text'],
  ['starts_earlier', 'timestamp', 'datetime(6)', 'text'],
  ['starts_later', 'timestamp', 'datetime(6)', 'text'],
  ['starts_reject', 'timestamp', 'datetime(6)', 'text'],
  ['ny_compatible', 'timestamp', 'datetime(6)', 'text'],
  ['ny_earlier', 'timestamp', 'datetime(6)', 'text'],
  ['ny_later', 'timestamp', 'datetime(6)', 'text'],
  ['ny_reject', 'timestamp', 'datetime(6)', 'text'],
  ['balance', 'numeric(12, 2)', 'decimal(12, 2)', 'text'],
];
const DIALECT_INDEX: Record<DialectName, 1 | 2 | 3> = { postgresql: 1, mysql: 2, sqlite: 3 };
/** Where the server itself adds decimals exactly (SQLite's arithmetic on TEXT goes through floats). */
const EXACT_DECIMAL_ARITHMETIC: Record<DialectName, boolean> = { postgresql: true, mysql: true, sqlite: false };
const PACKAGE_DIR: Record<DialectName, string> = { postgresql: 'postgres', mysql: 'mysql', sqlite: 'sqlite' };

function createStatements(dialect: DialectName): string[] {
  const q = TRAITS[dialect].quote;
  const columns = COLUMNS.map((c) => `${q(c[0])} ${c[DIALECT_INDEX[dialect]]}`).join(', ');
  const table = `CREATE TABLE ${TABLE} (${q('id')} integer PRIMARY KEY, ${columns})`;
  if (dialect === 'postgresql') return ["CREATE TYPE typ_colour AS ENUM ('red', 'green', 'blue')", table];
  if (dialect === 'mysql') return [`${table} ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`];
  return [table];
}

function dropStatements(dialect: DialectName): string[] {
  return dialect === 'postgresql' ? [`DROP TABLE IF EXISTS ${TABLE}`, 'DROP TYPE IF EXISTS typ_colour'] : [`DROP TABLE IF EXISTS ${TABLE}`];
}

/** The suite's entity, declared when the suite runs so that importing the testkit declares nothing. */
function declareEntity() {
  const Cents = defineType<{ cents: number }, string>({
    name: 'cents',
    storage: { name: 'numeric', precision: 12, scale: 2 },
    toDriver: (value) => (value.cents / 100).toFixed(2),
    fromDriver: (raw) => ({ cents: Math.round(Number(raw) * 100) }),
  });
  const zone = 'Europe/Stockholm';
  @Entity(TABLE)
  class TypeRow {
    /** The suite's table is made by hand without NOT NULL, so an insert may leave any column out. */
    declare [OptionalProps]?: keyof TypeRow;
    @PrimaryColumn() id!: number;
    @Column({ type: 'smallint' }) small!: number;
    @Column({ type: 'integer' }) whole!: number;
    @Column({ type: 'bigint' }) big!: bigint;
    @Column({ type: 'bigint', bigint: 'string' }) bigText!: string;
    @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
    @Column({ type: 'numeric' }) ratio!: string;
    @Column({ type: 'float' }) single!: number;
    @Column({ type: 'double' }) dbl!: number;
    @Column({ type: 'boolean' }) flag!: boolean;
    @Column({ length: 20 }) name!: string;
    @Column({ type: 'text' }) body!: string;
    @Column({ type: 'json' }) data!: unknown;
    @Column({ type: 'uuid' }) uid!: string;
    @Column({ enum: ['red', 'green', 'blue'], enumName: 'typ_colour' }) colour!: string;
    @Column({ type: 'bytes' }) blob!: Buffer;
    @Column({ type: 'date' }) day!: string;
    @Column({ type: 'timestamptz' }) at!: Date;
    @Column({ type: 'timestamp' }) local!: string;
    @Column({ type: 'timestamp', timeZone: zone, dst: 'compatible' }) startsCompatible!: Date;
    @Column({ type: 'timestamp', timeZone: zone, dst: 'earlier' }) startsEarlier!: Date;
    @Column({ type: 'timestamp', timeZone: zone, dst: 'later' }) startsLater!: Date;
    @Column({ type: 'timestamp', timeZone: zone, dst: 'reject' }) startsReject!: Date;
    @Column({ type: 'timestamp', timeZone: 'America/New_York', dst: 'compatible' }) nyCompatible!: Date;
    @Column({ type: 'timestamp', timeZone: 'America/New_York', dst: 'earlier' }) nyEarlier!: Date;
    @Column({ type: 'timestamp', timeZone: 'America/New_York', dst: 'later' }) nyLater!: Date;
    @Column({ type: 'timestamp', timeZone: 'America/New_York', dst: 'reject' }) nyReject!: Date;
    @Column({ type: Cents }) balance!: { cents: number };
  }
  return TypeRow;
}

/** An enum whose first value ends with a space, created through MetaData so each dialect's DDL compiler writes it. */
function declarePaddedEntity() {
  @Entity('typ_padded')
  class PaddedRow {
    @PrimaryColumn() id!: number;
    @Column({ enum: ['a ', 'b'], enumName: 'typ_padded_kind' }) kind!: string;
  }
  return PaddedRow;
}

/** Runs types-tz-child.ts in a fresh Node process with its own TZ; resolves with what it printed. */
function runChild(dialect: DialectName, url: string, tz: string, mode: 'write' | 'read', id: number): Promise<{ iso: string; offset: number }> {
  const root = resolve(__dirname, '../../../..');
  const bootstrap = [
    "const path = require('path'), Module = require('module');",
    `const root = ${JSON.stringify(root)};`,
    'const resolveFilename = Module._resolveFilename;',
    'Module._resolveFilename = function (request, ...rest) {',
    '  const m = /^@strata\\/([a-z-]+)(\\/(dialect|testing))?$/.exec(request);',
    "  return resolveFilename.call(this, m ? path.join(root, 'packages', m[1], 'src', m[3] || 'index') : request, ...rest);",
    '};',
    "require(path.join(root, 'node_modules/ts-node')).register({ transpileOnly: true, project: path.join(root, 'tsconfig.test.json') });",
    "require(path.join(root, 'packages/testkit/src/suites/types-tz-child.ts'));",
  ].join('\n');
  const args = ['-e', bootstrap, PACKAGE_DIR[dialect], url, mode, String(id)];
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { env: { ...process.env, TZ: tz }, cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`child (TZ=${tz}, ${mode}) failed: ${stderr || error.message}`));
      else done(JSON.parse(stdout.trim().split('\n').pop()!) as { iso: string; offset: number });
    });
  });
}

/** Registers the types suite for one dialect. */
export function typesSuite(dialect: DialectName): void {
  describe(`${dialect}: types`, () => {
    const TypeRow = declareEntity();
    const PaddedRow = declarePaddedEntity();
    const entity = new EntityRegistry([TypeRow]).entity(TypeRow);
    let engine: Engine;
    let url: string;
    let nextId = 1;

    beforeAll(async () => {
      url = testUrl(dialect);
      engine = createEngine(url, { poolSize: 2 });
      for (const statement of dropStatements(dialect)) await engine.execute(statement);
      for (const statement of createStatements(dialect)) await engine.execute(statement);
    });

    afterAll(async () => {
      for (const statement of dropStatements(dialect)) await engine.execute(statement);
      await engine.dispose();
    });

    function codecOf(property: string): ValueCodec {
      return engine.dialect.types.codec(entity.column(property)!);
    }

    /** Inserts raw driver values into a new row; returns its id. */
    async function insertRaw(values: Record<string, unknown>): Promise<number> {
      const id = nextId++;
      const names = Object.keys(values).map((p) => sql.id(entity.column(p)!.columnName));
      await engine.execute(sql`INSERT INTO ${sql.id(TABLE)} (${sql.id('id')}, ${sql.join(names)}) VALUES (${id}, ${sql.join(Object.values(values))})`);
      return id;
    }

    /** The raw driver value of a property's column in a row. */
    async function readRaw(id: number, property: string): Promise<unknown> {
      const column = sql.id(entity.column(property)!.columnName);
      return (await engine.execute(sql`SELECT ${column} AS v FROM ${sql.id(TABLE)} WHERE ${sql.id('id')} = ${id}`)).rows[0]!.v;
    }

    /** Writes an application value through the codec and reads it back through it. */
    async function roundTrip(property: string, value: unknown): Promise<unknown> {
      const codec = codecOf(property);
      const id = await insertRaw({ [property]: codec.toDriver(value) });
      return codec.fromDriver(await readRaw(id, property));
    }

    test('integers: smallint and integer bounds come back as numbers', async () => {
      for (const value of [-32768, 0, 32767]) expect(await roundTrip('small', value)).toBe(value);
      for (const value of [-2147483648, 2147483647]) expect(await roundTrip('whole', value)).toBe(value);
    });

    test('bigint: exact past 2^53 and at the 64-bit limits, as bigint or as string', async () => {
      for (const value of [2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 0n]) expect(await roundTrip('big', value)).toBe(value);
      expect(await roundTrip('big', '9007199254740993')).toBe(9007199254740993n);
      // The driver itself returned the exact value (text or bigint), not a rounded double.
      expect(String(await readRaw(nextId - 1, 'big'))).toBe('9007199254740993');
      for (const value of ['9007199254740993', '-9223372036854775808']) expect(await roundTrip('bigText', value)).toBe(value);
      expect(await roundTrip('bigText', 9007199254740993n)).toBe('9007199254740993');
      expect(() => codecOf('big').toDriver(2 ** 53 + 2)).toThrow(ValidationError);
    });

    test('numeric: decimals stay exact, padded to the scale', async () => {
      expect(await roundTrip('price', '0.3')).toBe('0.30');
      expect(await roundTrip('price', 0.1)).toBe('0.10');
      expect(await roundTrip('price', '-12345678.995')).toBe('-12345679.00');
      expect(await roundTrip('ratio', '12345678901234567890.123456789012345678901234567890')).toBe('12345678901234567890.12345678901234567890123456789');
      expect(await roundTrip('ratio', '0.10')).toBe('0.1');
      const a = await insertRaw({ price: codecOf('price').toDriver('0.1') });
      const b = await insertRaw({ price: codecOf('price').toDriver('0.2') });
      expect([codecOf('price').fromDriver(await readRaw(a, 'price')), codecOf('price').fromDriver(await readRaw(b, 'price'))]).toEqual(['0.10', '0.20']);
      if (EXACT_DECIMAL_ARITHMETIC[dialect]) {
        const sum = (await engine.execute(sql`SELECT SUM(${sql.id('price')}) AS v FROM ${sql.id(TABLE)} WHERE ${sql.id('id')} IN (${a}, ${b})`)).rows[0]!.v;
        expect(sum).toBe('0.30');
      }
      expect(() => codecOf('price').toDriver('123456789')).toThrow(ValidationError);
    });

    test('float and double: finite numbers, single precision read back as written', async () => {
      expect(await roundTrip('single', 1.1)).toBe(1.1);
      expect(await roundTrip('single', -3.4e38)).toBe(-3.4e38);
      expect(await roundTrip('dbl', 0.1 + 0.2)).toBe(0.30000000000000004);
      expect(await roundTrip('dbl', 1.7976931348623157e308)).toBe(1.7976931348623157e308);
      expect(await roundTrip('dbl', -5e-324)).toBe(-5e-324);
      expect(() => codecOf('dbl').toDriver(NaN)).toThrow(ValidationError);
    });

    test('strings: unicode and emoji, empty string distinct from NULL, varchar counts characters', async () => {
      const text = 'Zoë ∑ 日本語 😀👩‍👩‍👧 \u00a0\t"\'\\';
      expect(await roundTrip('body', text)).toBe(text);
      expect(await roundTrip('name', '😀'.repeat(20))).toBe('😀'.repeat(20));
      expect(await roundTrip('name', '')).toBe('');
      expect(await roundTrip('name', null)).toBeNull();
      expect(await roundTrip('body', 'x'.repeat(100_000))).toHaveLength(100_000);
      expect(() => codecOf('name').toDriver('x'.repeat(21))).toThrow(ValidationError);
      expect(() => codecOf('name').toDriver(1)).toThrow(ValidationError);
    });

    test('booleans: real true and false', async () => {
      expect(await roundTrip('flag', true)).toBe(true);
      expect(await roundTrip('flag', false)).toBe(false);
    });

    test('json: objects, arrays, nesting, unicode and scalars come back parsed', async () => {
      const values = [{ a: 1, b: 'ü😀', c: null, d: [true, { e: 1.5 }] }, [1, 'two', [3]], [], 'just a string', 42, false];
      for (const value of values) expect(await roundTrip('data', value)).toEqual(value);
    });

    test('uuid: lower-case text; enum: listed values only', async () => {
      expect(await roundTrip('uid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
      expect(() => codecOf('uid').toDriver('a0eebc99')).toThrow(ValidationError);
      expect(await roundTrip('colour', 'green')).toBe('green');
      const error = (() => {
        try {
          codecOf('colour').toDriver('purple');
        } catch (e) {
          return e as ValidationError;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error?.message).toMatch(/a string of 6 characters in TypeRow\.colour: the enum allows only/);
      expect(error?.message).not.toContain('purple');
    });

    test('bytes: Buffers with zero bytes, and empty', async () => {
      const bytes = Buffer.from([0, 0, 255, 0, 1, 0]);
      expect(await roundTrip('blob', bytes)).toEqual(bytes);
      expect(await roundTrip('blob', Buffer.alloc(0))).toEqual(Buffer.alloc(0));
    });

    test('date: calendar dates near midnight, whatever the process time zone', async () => {
      const saved = process.env.TZ;
      try {
        for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
          process.env.TZ = tz;
          expect(await roundTrip('day', '2024-03-10')).toBe('2024-03-10');
          expect(await roundTrip('day', '2024-12-31')).toBe('2024-12-31');
          expect(await roundTrip('day', new Date('2024-01-01'))).toBe('2024-01-01');
        }
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    test('timestamptz: Date instants with milliseconds, stored in UTC', async () => {
      for (const iso of ['2024-03-10T23:59:59.999Z', '2024-03-11T00:00:00.000Z', '1970-01-01T00:00:00.001Z', '2038-01-19T03:14:08.500Z']) {
        expect(((await roundTrip('at', new Date(iso))) as Date).toISOString()).toBe(iso);
      }
      if (dialect !== 'postgresql') {
        const id = await insertRaw({ at: codecOf('at').toDriver(new Date('2024-03-10T23:59:59.999Z')) });
        expect(String(await readRaw(id, 'at'))).toMatch(/^2024-03-10[T ]23:59:59\.999/);
      }
    });

    test('timestamp: zone-less local date-times with microseconds', async () => {
      expect(await roundTrip('local', '2024-03-10T08:05:01.123456')).toBe('2024-03-10T08:05:01.123456');
      expect(await roundTrip('local', '2024-03-10 00:00')).toBe('2024-03-10T00:00:00');
      expect(await roundTrip('local', '2024-02-29T23:59:59.5')).toBe('2024-02-29T23:59:59.5');
      expect(() => codecOf('local').toDriver(new Date())).toThrow(ValidationError);
    });

    test('timestamp in Europe/Stockholm: the 2012 DST gap and overlap under each policy', async () => {
      const policies = ['startsCompatible', 'startsEarlier', 'startsLater', 'startsReject'];
      const wall = (text: string) => Object.fromEntries(policies.map((p) => [p, text]));
      const gap = await insertRaw(wall('2012-03-25 02:52:00'));
      const overlap = await insertRaw(wall('2012-10-28 02:52:00'));
      const read = async (id: number, property: string) => (codecOf(property).fromDriver(await readRaw(id, property)) as Date).toISOString();
      expect(await read(gap, 'startsCompatible')).toBe('2012-03-25T01:52:00.000Z');
      expect(await read(gap, 'startsLater')).toBe('2012-03-25T01:52:00.000Z');
      expect(await read(gap, 'startsEarlier')).toBe('2012-03-25T00:52:00.000Z');
      expect(await read(overlap, 'startsCompatible')).toBe('2012-10-28T00:52:00.000Z');
      expect(await read(overlap, 'startsEarlier')).toBe('2012-10-28T00:52:00.000Z');
      expect(await read(overlap, 'startsLater')).toBe('2012-10-28T01:52:00.000Z');
      await expect(read(gap, 'startsReject')).rejects.toThrow(NonExistentTimeError);
      await expect(read(gap, 'startsReject')).rejects.toThrow(/TypeRow\.startsReject \(column starts_reject\).*2012-03-25T02:52:00.*Europe\/Stockholm/);
      await expect(read(overlap, 'startsReject')).rejects.toThrow(AmbiguousTimeError);
      await expect(read(overlap, 'startsReject')).rejects.toThrow(/TypeRow\.startsReject \(column starts_reject\).*2012-10-28T02:52:00.*Europe\/Stockholm/);
    });

    test('timestamp in Europe/Stockholm: instants are written as wall time and read back', async () => {
      const first = new Date('2012-10-28T00:52:00.000Z');
      const second = new Date('2012-10-28T01:52:00.000Z');
      expect(codecOf('startsEarlier').toDriver(first)).toBe('2012-10-28T02:52:00');
      expect(codecOf('startsLater').toDriver(second)).toBe('2012-10-28T02:52:00');
      // 'later' would read 02:52 back as the second instant: the first is refused rather than moved an hour.
      expect(() => codecOf('startsLater').toDriver(first)).toThrow(AmbiguousTimeError);
      expect(((await roundTrip('startsLater', second)) as Date).toISOString()).toBe(second.toISOString());
      expect(((await roundTrip('startsEarlier', first)) as Date).toISOString()).toBe(first.toISOString());
      const summer = new Date('2012-07-01T10:00:00.250Z');
      expect(((await roundTrip('startsReject', summer)) as Date).toISOString()).toBe(summer.toISOString());
      expect(await readRaw(nextId - 1, 'startsReject')).toMatch(/^2012-07-01[T ]12:00:00\.25/);
    });

    test('a timestamptz written under TZ=America/New_York reads back the same instant under TZ=UTC', async () => {
      const id = nextId++;
      const written = await runChild(dialect, url, 'America/New_York', 'write', id);
      expect(written).toEqual({ iso: '2024-07-01T12:34:56.789Z', offset: 240 });
      const read = await runChild(dialect, url, 'UTC', 'read', id);
      expect(read).toEqual({ iso: '2024-07-01T12:34:56.789Z', offset: 0 });
      expect((codecOf('at').fromDriver(await readRaw(id, 'at')) as Date).toISOString()).toBe('2024-07-01T12:34:56.789Z');
    });

    test('timestamp in America/New_York: each half of the 2024 fall-back overlap reads back as itself, or is refused at write by a policy that would not keep it', async () => {
      const first = '2024-11-03T05:30:00.000Z';
      const second = '2024-11-03T06:30:00.000Z';
      const keeps: Record<string, readonly string[]> = { nyCompatible: [first], nyEarlier: [first], nyLater: [second], nyReject: [] };
      for (const [property, kept] of Object.entries(keeps)) {
        for (const iso of [first, second]) {
          if (kept.includes(iso)) {
            expect([property, ((await roundTrip(property, new Date(iso))) as Date).toISOString()]).toEqual([property, iso]);
            expect(await readRaw(nextId - 1, property)).toMatch(/^2024-11-03[T ]01:30:00/);
          } else {
            expect(() => codecOf(property).toDriver(new Date(iso))).toThrow(AmbiguousTimeError);
          }
        }
      }
      expect(() => codecOf('nyCompatible').toDriver(new Date(second))).toThrow(/2024-11-03T06:30:00\.000Z in TypeRow\.nyCompatible \(column ny_compatible\).*America\/New_York.*dst: 'later'/);
      // Both sides of the spring-forward jump, to the millisecond, under every policy.
      for (const property of Object.keys(keeps)) {
        for (const iso of ['2024-03-10T06:59:59.999Z', '2024-03-10T07:00:00.000Z', '2024-11-03T04:59:59.999Z', '2024-11-03T07:00:00.000Z']) {
          expect([property, ((await roundTrip(property, new Date(iso))) as Date).toISOString()]).toEqual([property, iso]);
        }
      }
    });

    test('numeric without precision: nothing is rounded or cut silently (MySQL refuses what its decimal(65, 30) cannot hold)', async () => {
      const tiny = `0.${'0'.repeat(40)}1`;
      const huge = `1${'0'.repeat(35)}`;
      const widest = `${'9'.repeat(35)}.${'9'.repeat(30)}`;
      expect(await roundTrip('ratio', widest)).toBe(widest);
      if (dialect === 'mysql') {
        // What the server itself does with the value: rounds it to zero.
        expect(codecOf('ratio').fromDriver(await readRaw(await insertRaw({ ratio: tiny }), 'ratio'))).toBe('0');
        for (const value of [tiny, huge, 1e-40]) {
          expect(() => codecOf('ratio').toDriver(value)).toThrow(ValidationError);
        }
        expect(() => codecOf('ratio').toDriver(tiny)).toThrow(/TypeRow\.ratio.*decimal\(65, 30\).*would be rounded/);
      } else {
        expect(await roundTrip('ratio', tiny)).toBe(tiny);
        expect(await roundTrip('ratio', huge)).toBe(huge);
      }
    });

    test('float: the largest, the smallest subnormal and the most negative single-precision values are stored and read back', async () => {
      const max = Math.fround(3.4028235e38);
      expect(await roundTrip('single', max)).toBe(3.4028235e38);
      expect(await roundTrip('single', 3.4028235e38)).toBe(3.4028235e38);
      expect(await roundTrip('single', -max)).toBe(-3.4028235e38);
      expect(await roundTrip('single', 2 ** -149)).toBe(1e-45);
      expect(await roundTrip('single', -(2 ** -149))).toBe(-1e-45);
      expect(await roundTrip('single', 1e-45)).toBe(1e-45);
    });

    test('float and double: -0 is stored as 0', async () => {
      for (const property of ['single', 'dbl']) {
        const read = await roundTrip(property, -0);
        expect([property, Object.is(read, 0)]).toEqual([property, true]);
      }
    });

    test('json: a JSON null is stored as SQL NULL and reads back as null', async () => {
      expect(await roundTrip('data', null)).toBeNull();
      expect(await readRaw(nextId - 1, 'data')).toBeNull();
      expect(await roundTrip('data', { a: null })).toEqual({ a: null });
    });

    test('NUL characters: PostgreSQL refuses them naming the column; MySQL and SQLite store them', async () => {
      const values: readonly (readonly [string, unknown])[] = [['name', 'a\u0000b'], ['body', '\u0000 at start'], ['data', { 'k\u0000': 'x\u0000y' }], ['data', 'a\u0000b']];
      for (const [property, value] of values) {
        if (dialect === 'postgresql') {
          expect(() => codecOf(property).toDriver(value)).toThrow(ValidationError);
          expect(() => codecOf(property).toDriver(value)).toThrow(new RegExp(`TypeRow\\.${property}.*NUL character`));
        } else {
          expect([property, await roundTrip(property, value)]).toEqual([property, value]);
        }
      }
      // A backslash followed by u0000 is text, not NUL, on every dialect.
      expect(await roundTrip('data', { path: 'C:\\u0000' })).toEqual({ path: 'C:\\u0000' });
    });

    test('lone surrogates are refused in varchar, text and json instead of being replaced by U+FFFD', async () => {
      for (const [property, value] of [['name', 'lone\uD800'], ['body', '\uDC00'], ['data', { a: ['lone\uD800'] }], ['data', { ['\uDBFF']: 1 }]] as const) {
        expect(() => codecOf(property).toDriver(value)).toThrow(ValidationError);
        expect(() => codecOf(property).toDriver(value)).toThrow(new RegExp(`TypeRow\\.${property}.*lone UTF-16 surrogate`));
      }
      expect(await roundTrip('name', 'pair 😀')).toBe('pair 😀');
      expect(await roundTrip('data', { e: '😀' })).toEqual({ e: '😀' });
    });

    test("an enum value with a trailing space: MySQL's DDL refuses it naming table and column; PostgreSQL and SQLite keep it", async () => {
      const metadata = new MetaData([PaddedRow]);
      const padded = engine.dialect.types.codec(metadata.entity(PaddedRow).column('kind')!);
      await metadata.dropAll(engine, { checkFirst: true });
      if (dialect === 'mysql') {
        await expect(metadata.createAll(engine)).rejects.toThrow(NotSupportedError);
        await expect(metadata.createAll(engine)).rejects.toThrow(/Table 'typ_padded', column 'kind'.*"a " ends with a space/);
        return;
      }
      await metadata.createAll(engine);
      try {
        await engine.execute(sql`INSERT INTO ${sql.id('typ_padded')} (${sql.id('id')}, ${sql.id('kind')}) VALUES (${1}, ${padded.toDriver('a ')})`);
        const raw = (await engine.execute(sql`SELECT ${sql.id('kind')} AS v FROM ${sql.id('typ_padded')}`)).rows[0]!.v;
        expect(padded.fromDriver(raw)).toBe('a ');
      } finally {
        await metadata.dropAll(engine);
      }
    });

    test('a multi-row upsert naming one key twice: ProgrammingError on PostgreSQL; MySQL and SQLite keep the last row', async () => {
      const id = nextId++;
      const upsert = insert(TypeRow)
        .values([
          { id, name: 'first' },
          { id, name: 'last' },
        ])
        .onConflict({ target: ['id'], set: ['name'] });
      const names = async () => (await engine.execute(sql`SELECT ${sql.id('name')} AS v FROM ${sql.id(TABLE)} WHERE ${sql.id('id')} = ${id}`)).rows.map((r) => r.v);
      if (dialect === 'postgresql') {
        const error = await engine.execute(upsert).then(
          () => undefined,
          (e: unknown) => e as ProgrammingError,
        );
        expect(error).toBeInstanceOf(ProgrammingError);
        expect(error?.driverCode).toBe('21000');
        expect(await names()).toEqual([]);
      } else {
        await engine.execute(upsert);
        expect(await names()).toEqual(['last']);
      }
    });

    test('a custom type goes through its storage type', async () => {
      expect(await roundTrip('balance', { cents: 1999 })).toEqual({ cents: 1999 });
      expect(await roundTrip('balance', null)).toBeNull();
    });
  });
}

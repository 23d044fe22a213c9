/*
 * Inputs built to make text handling slow, fed to every parser that reads text a user or
 * a database controls: decimal values, numeric limits, sharded-merge comparisons, literal
 * defaults, malformed URLs, names, date-time text, JSON, and the servers' error messages.
 * Each one's work must grow in proportion to the input (expectLinearTime).
 */
import { Column, ConfigurationError, Entity, EntityRegistry, parseEngineUrl, PrimaryColumn, snakeCase, ValidationError } from '@strata/core';
import { BaseDialectTypes, normalizeLiteral, translateError } from '@strata/core/dialect';
import { classifyMysqlError } from '@strata/mysql';
import { classifyPostgresError } from '@strata/postgres';
import { classifySqliteError } from '@strata/sqlite';
import { expectLinearTime } from '@strata/testkit';
import { compareNumericText } from '../src/orm/sharding/sharded-session';
import { canonicalDecimal, trimTrailingZeros } from '../src/types/decimal-text';
import { parseDateTime } from '../src/types/date-time-text';
import { NUMERIC_TEXT_SLACK, UNCONSTRAINED_NUMERIC_DIGITS } from '../src/types/scalar-values';

@Entity('patho_prices')
class Price {
  @PrimaryColumn() id!: number;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'numeric' }) ratio!: string;
  @Column({ type: 'json' }) data!: unknown;
  @Column({ type: 'timestamp' }) local!: string;
}

const registry = new EntityRegistry([Price]);
const types = new BaseDialectTypes();
const codec = (property: string) => types.codec(registry.entity(Price).column(property)!);

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('the value was accepted');
}

describe('decimal text', () => {
  test('canonicalDecimal trims a long run of fractional zeros in linear time (0. + zeros + 1, 1. + zeros)', () => {
    expectLinearTime((n) => `0.${'0'.repeat(n)}1`, (text) => canonicalDecimal(text, undefined));
    expectLinearTime((n) => `1.${'0'.repeat(n)}`, (text) => expect(canonicalDecimal(text, undefined)).toBe('1'));
    expectLinearTime((n) => `${'0'.repeat(n)}7.5`, (text) => expect(canonicalDecimal(text, 1)).toBe('7.5'));
    expect(canonicalDecimal(`0.${'0'.repeat(10)}1`, undefined)).toBe('0.00000000001');
    expect(trimTrailingZeros('10200')).toBe('102');
  });

  test('a numeric(10, 2) value longer than its precision allows is a ValidationError naming the column and the limit, before any parsing', () => {
    const limit = 10 + NUMERIC_TEXT_SLACK;
    const hostile = `0.${'0'.repeat(80_000)}1`;
    const error = rejection(() => codec('price').toDriver(hostile));
    expect(error.message).toContain('Price.price');
    expect(error.message).toContain(`numeric(10, 2) takes a decimal text of at most ${limit} characters`);
    expect(error.message).toContain(`this has ${hostile.length}`);
    expect(error).toMatchObject({ entity: 'Price', column: 'price' });
    expectLinearTime((n) => `0.${'0'.repeat(n)}1`, (text) => expect(() => codec('price').toDriver(text)).toThrow(ValidationError));
  });

  test('texts within the limit still round as before: a JavaScript number string, padding zeros, an exponent', () => {
    expect(codec('price').toDriver(String(0.1 + 0.2))).toBe('0.30');
    expect(codec('price').toDriver(`000000001.50000000000000000000000`)).toBe('1.50');
    expect(codec('price').toDriver('1.5e3')).toBe('1500.00');
    expect(codec('price').toDriver('0.'.padEnd(10 + NUMERIC_TEXT_SLACK, '0'))).toBe('0.00');
  });

  test('a numeric without precision takes up to the widest numeric a server keeps, and reads long stored values in linear time', () => {
    const widest = `0.${'0'.repeat(UNCONSTRAINED_NUMERIC_DIGITS + NUMERIC_TEXT_SLACK - 3)}1`;
    expect(codec('ratio').toDriver(widest)).toBe(widest);
    const error = rejection(() => codec('ratio').toDriver(`${widest}1`));
    expect(error.message).toContain(`a numeric column without precision takes a decimal text of at most ${UNCONSTRAINED_NUMERIC_DIGITS + NUMERIC_TEXT_SLACK} characters`);
    expectLinearTime((n) => `0.${'0'.repeat(n)}1`, (text) => codec('ratio').fromDriver(text));
    expectLinearTime((n) => `5.${'0'.repeat(n)}`, (text) => expect(codec('ratio').fromDriver(text)).toBe('5'));
  });

  test('sharded merges compare long numeric texts in linear time', () => {
    expectLinearTime((n) => `${'0'.repeat(n)}x`, (text) => compareNumericText(text, '1'));
    expectLinearTime((n) => `1.${'0'.repeat(n)}`, (text) => expect(compareNumericText(text, '1')).toBe(0));
    expect(compareNumericText('-00.500', '-0.5') === 0).toBe(true);
    expect(compareNumericText('0009.5', '10.00')).toBe(-1);
  });

  test('a literal default of a numeric column normalises in linear time', () => {
    expectLinearTime((n) => `1.${'0'.repeat(n)}`, (text) => expect(normalizeLiteral({ name: 'numeric' }, text)).toBe('1'));
    expect(normalizeLiteral({ name: 'numeric' }, '-000.000')).toBe('0');
    expect(normalizeLiteral({ name: 'numeric' }, '007.10')).toBe('7.1');
  });
});

describe('other text a user or a database controls', () => {
  test('a malformed URL is redacted for its error message in linear time', () => {
    expectLinearTime((n) => `postgresql:${'//:'.repeat(n / 3)}`, (url) => expect(() => parseEngineUrl(url)).toThrow(ConfigurationError));
    const error = (() => {
      try {
        parseEngineUrl('postgresql://ann:s3cret@ho st:5432/db');
      } catch (e) {
        return e as Error;
      }
      throw new Error('parsed');
    })();
    expect(error.message).toContain('//ann:***@ho st');
    expect(error.message).not.toContain('s3cret');
  });

  test('snakeCase of a long acronym takes linear time', () => {
    expectLinearTime((n) => 'A'.repeat(n), (name) => snakeCase(name));
    expect(snakeCase('HTTPLogEntry')).toBe('http_log_entry');
  });

  test('date-time text with a long tail is refused in linear time', () => {
    expectLinearTime((n) => `2024-01-01 00:00${' '.repeat(n)}x`, (text) => expect(parseDateTime(text)).toBeUndefined());
    expectLinearTime((n) => `2024-01-01 00:00:00.${'1'.repeat(n)}`, (text) => expect(parseDateTime(text)).toBeUndefined());
  });

  test('json text of many backslashes is checked for lone surrogates in linear time', () => {
    expectLinearTime((n) => `${'\\'.repeat(n)}\u0041`, (text) => codec('data').toDriver({ text }));
    expectLinearTime((n) => `x\\`.repeat(n / 2), (text) => expect(() => codec('data').toDriver([text, '\ud800'])).toThrow(ValidationError));
  });

  test('the servers\' error messages are read in linear time, however long', () => {
    const mysql = (errno: number, message: string) => classifyMysqlError({ errno, code: 'X', message });
    expectLinearTime((n) => `${"for key '".repeat(n / 9)}x`, (message) => mysql(1062, message));
    expectLinearTime((n) => `${"constraint '".repeat(n / 12)}x`, (message) => mysql(3819, message));
    expectLinearTime((n) => `(\`${'`'.repeat(n)}`, (message) => mysql(1452, message));
    expectLinearTime((n) => `CONSTRAINT \`${'a'.repeat(n)}`, (message) => mysql(4025, message));
    expect(mysql(1062, "Duplicate entry 'x' for key 'users.uq_email'")).toMatchObject({ table: 'users', constraint: 'uq_email' });
    expect(mysql(3819, "Check constraint 'ck_it''s' is violated.")).toMatchObject({ constraint: "ck_it''s" });
    expectLinearTime((n) => `Key (${'a, '.repeat(n / 3)})=(1) already exists.`, (detail) => classifyPostgresError({ code: '23505', message: 'duplicate', detail }));
    expectLinearTime((n) => `Key (${' "'.repeat(n / 2)})=(1)`, (detail) => classifyPostgresError({ code: '23505', message: 'duplicate', detail }));
    const sqlite = (message: string) => classifySqliteError(Object.assign(new Error(message), { code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    expectLinearTime((n) => `${'UNIQUE constraint failed: \n'.repeat(n / 27)}x`, (message) => sqlite(message));
    expectLinearTime((n) => `UNIQUE constraint failed: ${'t.a, '.repeat(n / 5)}t.b`, (message) => sqlite(message));
    expect(sqlite('UNIQUE constraint failed: users.email')).toMatchObject({ table: 'users', columns: ['email'] });
  });

  test('a server message is cleared of quoted values (hideParameters) in linear time', () => {
    const translate = (message: string) => translateError(new Error(message), { kind: 'data' }, { sql: 'SELECT ?', params: [1] }, true, 'test');
    expectLinearTime((n) => `a'`.repeat(n / 2), (message) => translate(message));
    expectLinearTime((n) => `'${'a'.repeat(n)}`, (message) => translate(message));
    expectLinearTime((n) => `"${'""'.repeat(n / 2)}`, (message) => translate(message));
    expect(translate(`Duplicate entry 'it''s' for key "k"`).message).toContain(`Duplicate entry '***' for key "***"`);
  });
});

/*
 * SQLite keeps a table's CREATE TABLE text as written, so introspection reads declared
 * types, names and CHECKs a database author chose freely. Hostile ones (a type name of
 * thousands of spaces) read in linear time, and the declared-type reader gives what the
 * regular expression it replaced gave.
 */
import { createEngine, introspect, sql } from '@strata/core';
import { parseCreateTable } from '@strata/sqlite';
import { expectLinearTime, expectLinearTimeAsync, sqliteFileUrl } from '@strata/testkit';
import { logicalType, parseDeclaredType } from '../src/sqlite-declared-type';

/** The pattern logicalType used to read declared types with (cubic on long runs of spaces). */
const REFERENCE = /^\s*([A-Za-z_][A-Za-z_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/;

function referenceParts(declared: string): [string, number | undefined, number | undefined] | undefined {
  const match = REFERENCE.exec(declared);
  if (!match) return undefined;
  return [match[1]!.toUpperCase().replace(/\s+/g, ' '), match[2] === undefined ? undefined : Number(match[2]), match[3] === undefined ? undefined : Number(match[3])];
}

describe('sqlite: declared types built to be slow', () => {
  test('logicalType reads A + 4,000 spaces + B1 at once, and scales linearly', () => {
    expect(logicalType(`A${' '.repeat(4000)}B1`)).toBeUndefined();
    expectLinearTime((n) => `A${' '.repeat(n)}B1`, (declared) => logicalType(declared));
    expectLinearTime((n) => `DOUBLE${' '.repeat(n)}PRECISION${' '.repeat(n)}(`, (declared) => logicalType(declared));
    expectLinearTime((n) => `NUMERIC(${' '.repeat(n)}1${' '.repeat(n)},${' '.repeat(n)}`, (declared) => logicalType(declared));
  });

  test('the declared-type reader finds the name and numbers the regular expression found, on 20,000 random texts', () => {
    expect(logicalType('  numeric ( 10 , 2 ) ')).toEqual({ name: 'numeric', precision: 10, scale: 2 });
    expect(logicalType('DOUBLE   PRECISION')).toEqual({ name: 'double' });
    expect(logicalType('CHARACTER VARYING(40)')).toEqual({ name: 'varchar', length: 40 });
    expect(logicalType('CHAR(36)')).toEqual({ name: 'uuid' });
    let state = 5;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['A', 'b', '_', ' ', '  ', '\t', '(', ')', ',', '1', '23', 'x', '\n', '-'];
    for (let n = 0; n < 20_000; n++) {
      const declared = Array.from({ length: Math.floor(next() * 12) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      const parsed = parseDeclaredType(declared);
      expect(parsed === undefined ? undefined : [parsed.base, parsed.first, parsed.second]).toEqual(referenceParts(declared));
    }
  });

  test('parseCreateTable reads a quoted type of 100,000 spaces in linear time', () => {
    expectLinearTime((n) => `CREATE TABLE t (c "${' '.repeat(n)}" NOT NULL, d INTEGER)`, (text) => {
      expect(parseCreateTable(text).columns.map((c) => c.name)).toEqual(['c', 'd']);
    });
  });

  test('introspecting a table whose column type is A + 4,000 spaces + B1 is prompt (strata check reads it so)', async () => {
    const engine = createEngine(sqliteFileUrl());
    try {
      await engine.execute(`CREATE TABLE hostile (id INTEGER PRIMARY KEY, c A${' '.repeat(4000)}B1, price NUMERIC_TEXT(10, 2))`);
      const started = Date.now();
      const schema = await introspect(engine);
      expect(Date.now() - started).toBeLessThan(5000);
      const table = schema.tables.find((t) => t.name === 'hostile')!;
      expect(table.columns.map((c) => c.name)).toEqual(['id', 'c', 'price']);
      expect(table.columns[1]!.nativeType).toBe(`A${' '.repeat(4000)}B1`);
      await engine.execute(sql`DROP TABLE hostile`);
      await expectLinearTimeAsync(
        (n) => `CREATE TABLE hostile (id INTEGER PRIMARY KEY, c A${' '.repeat(n)}B1)`,
        async (create) => {
          await engine.execute(create);
          await introspect(engine);
          await engine.execute('DROP TABLE hostile');
        },
      );
    } finally {
      await engine.dispose();
    }
  });
});

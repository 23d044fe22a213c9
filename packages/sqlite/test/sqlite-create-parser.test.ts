/*
 * The CREATE TABLE parser SQLite introspection reads constraint names, CHECKs,
 * AUTOINCREMENT and foreign-key actions with: quoting styles, nesting, odd spacing.
 */
import { parseCreateTable } from '@strata/sqlite';

describe('parseCreateTable', () => {
  test('columns, their declared types and inline constraints', () => {
    const parsed = parseCreateTable(`CREATE TABLE "t" (
      "id" INTEGER NOT NULL CONSTRAINT "pk_t" PRIMARY KEY AUTOINCREMENT,
      [name] VARCHAR ( 100 ) NOT NULL UNIQUE,
      \`state\` TEXT DEFAULT 'a,b' CONSTRAINT st_enum CHECK ("state" IN ('a,b', 'c)')),
      flag BOOLEAN DEFAULT (1) CHECK (flag IN (0, 1)),
      price NUMERIC_TEXT(10, 2) DEFAULT -1.5 COLLATE nocase,
      owner_id INTEGER CONSTRAINT fk_owner REFERENCES owners ON DELETE SET NULL
    )`);
    expect(parsed.columns.map((c) => [c.name, c.declaredType])).toEqual([
      ['id', 'INTEGER'], ['name', 'VARCHAR(100)'], ['state', 'TEXT'], ['flag', 'BOOLEAN'], ['price', 'NUMERIC_TEXT(10, 2)'], ['owner_id', 'INTEGER'],
    ]);
    expect(parsed.columns[0]!.primaryKey).toEqual({ name: 'pk_t', autoincrement: true });
    expect(parsed.columns[1]!.unique).toEqual({ name: undefined });
    expect(parsed.columns[2]!.checks).toEqual([{ name: 'st_enum', expression: "state IN ('a,b', 'c)')" }]);
    expect(parsed.columns[3]!.checks).toEqual([{ name: undefined, expression: 'flag IN (0, 1)' }]);
    expect(parsed.foreignKeys).toEqual([
      { name: 'fk_owner', columns: ['owner_id'], referencedTable: 'owners', referencedColumns: [], onDelete: 'SET NULL', onUpdate: 'NO ACTION' },
    ]);
  });

  test('table constraints: named keys, composite foreign keys with actions, checks with nested parentheses', () => {
    const parsed = parseCreateTable(`create table if not exists inv (
      tenant text, code text, qty integer,
      constraint "pk_inv" primary key (tenant, code),
      unique (qty, code),
      CONSTRAINT ck_qty CHECK ((qty >= 0) AND (length(code) > 0)),
      CONSTRAINT "fk_inv_acc" FOREIGN KEY ("tenant", "code") REFERENCES "acc" ("t", "c") ON UPDATE CASCADE ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
      FOREIGN KEY (qty) REFERENCES q (id) ON DELETE NO ACTION MATCH SIMPLE
    ) WITHOUT ROWID`);
    expect(parsed.primaryKey).toEqual({ name: 'pk_inv', columns: ['tenant', 'code'] });
    expect(parsed.uniques).toEqual([{ name: undefined, columns: ['qty', 'code'] }]);
    expect(parsed.checks).toEqual([{ name: 'ck_qty', expression: '(qty >= 0) AND (length(code) > 0)' }]);
    expect(parsed.foreignKeys).toEqual([
      { name: 'fk_inv_acc', columns: ['tenant', 'code'], referencedTable: 'acc', referencedColumns: ['t', 'c'], onDelete: 'RESTRICT', onUpdate: 'CASCADE' },
      { name: undefined, columns: ['qty'], referencedTable: 'q', referencedColumns: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' },
    ]);
  });

  test('comments and generated columns do not confuse it', () => {
    const parsed = parseCreateTable(`CREATE TABLE g ( -- a comment, with a comma
      a INTEGER, /* (unbalanced */ b INTEGER GENERATED ALWAYS AS (a * 2) STORED CHECK (b > 0)
    )`);
    expect(parsed.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(parsed.columns[1]!.checks).toEqual([{ name: undefined, expression: 'b > 0' }]);
  });
});

/*
 * The offline script without a database: statements terminated for the database clients,
 * a transaction per revision where DDL is transactional, and the schema model each
 * operation updates, from which SQLite's rebuilds are written.
 */
import type { SchemaTable } from '@strata/core';
import { PostgresDdl, PostgresMigrations } from '@strata/postgres';
import { MysqlDdl, MysqlMigrations } from '@strata/mysql';
import { SqliteDdl, SqliteMigrations } from '@strata/sqlite';
import { MigrationScript, terminated } from '../src/migration-script';
import { Operations } from '../src/operations';

/** A script for SQLite and the operations that write into it, as `upgrade --sql` wires them. */
function sqliteScript(tables: readonly SchemaTable[] = []) {
  const lines: string[] = [];
  const ddl = new SqliteDdl();
  const script = new MigrationScript((text) => void lines.push(text), { ddl, hooks: new SqliteMigrations(), tables });
  const op = new Operations({
    ddl,
    run: async (statement) => script.statement(statement),
    runWithValues: async (statement) => script.statement(String(statement)),
    table: async (name) => script.tables.get(name),
    outsideTransaction: (fn) => script.outsideTransaction(fn),
    step: async () => undefined,
    reshape: (effect) => effect(script.tables),
  });
  return { lines, script, op };
}

describe('an offline migration script', () => {
  test('terminates each statement once, and puts the terminator on its own line after a trailing -- comment', () => {
    expect(terminated('CREATE TABLE "a" (\n  "id" integer\n)')).toBe('CREATE TABLE "a" (\n  "id" integer\n);');
    expect(terminated('UPDATE a SET b = 1;  \n')).toBe('UPDATE a SET b = 1;');
    expect(terminated("UPDATE a SET b = ';'")).toBe("UPDATE a SET b = ';';");
    expect(terminated('UPDATE a SET b = 1 -- why')).toBe('UPDATE a SET b = 1 -- why\n;');
  });

  test('writes comments with names escaped, so a line break in a name cannot end the comment', () => {
    const { lines, script } = sqliteScript();
    script.comment('Apply abc: x\ny\u2028z');
    expect(lines).toEqual(['-- Apply abc: x\\ny\\u2028z']);
  });

  test('wraps a revision in BEGIN / COMMIT where DDL is transactional, leaving the transaction for what cannot run in one; not on MySQL', async () => {
    const run = async (ddl: PostgresDdl | MysqlDdl, hooks: PostgresMigrations | MysqlMigrations) => {
      const lines: string[] = [];
      const script = new MigrationScript((text) => void lines.push(text), { ddl, hooks, tables: [] });
      script.start();
      script.beginRevision();
      script.statement('CREATE TABLE t (id integer)');
      await script.outsideTransaction(async () => script.statement('CREATE INDEX CONCURRENTLY ix ON t (id)'));
      script.statement('INSERT INTO v VALUES (1)');
      script.commitRevision();
      script.end();
      return lines;
    };
    expect(await run(new PostgresDdl(), new PostgresMigrations({ pgbouncer: false }))).toEqual([
      'BEGIN;',
      'CREATE TABLE t (id integer);',
      'COMMIT;',
      'CREATE INDEX CONCURRENTLY ix ON t (id);',
      'BEGIN;',
      'INSERT INTO v VALUES (1);',
      'COMMIT;',
    ]);
    expect(await run(new MysqlDdl(), new MysqlMigrations())).toEqual(['CREATE TABLE t (id integer);', 'CREATE INDEX CONCURRENTLY ix ON t (id);', 'INSERT INTO v VALUES (1);']);
  });

  test('on SQLite, opens with foreign keys off and rebuilds a table the script itself created, from the model each operation updates', async () => {
    const { lines, script, op } = sqliteScript();
    script.start();
    await op.createTable({ name: 'people', columns: [{ name: 'id', type: 'integer', nullable: false }, { name: 'nick', type: 'text' }], primaryKey: ['id'] });
    await op.createTable({ name: 'balls', columns: [{ name: 'id', type: 'integer', nullable: false }, { name: 'owner_id', type: 'integer' }], primaryKey: ['id'] });
    await op.addForeignKey('people', { name: 'fk_people_ball', columns: ['nick'], referencedTable: 'balls', referencedColumns: ['id'] });
    await op.alterColumn('people', 'nick', { name: 'ball_id', type: 'integer' });
    await op.createIndex('people', { name: 'ix_people_ball', columns: ['ball_id'] });
    await op.dropColumn('balls', 'owner_id');
    await op.renameTable('balls', 'toys');
    script.end();
    expect(lines[0]).toBe('PRAGMA foreign_keys = OFF;');
    expect(lines[lines.length - 1]).toBe('PRAGMA foreign_keys = ON;');
    expect(lines.filter((l) => l.startsWith('CREATE TABLE "_strata_new_people"'))).toHaveLength(2);
    expect(lines).toContain('INSERT INTO "_strata_new_people" ("id", "ball_id") SELECT "id", "nick" FROM "people";');
    const people = script.tables.get('people')!;
    expect(people.columns.map((c) => [c.name, c.type.name])).toEqual([
      ['id', 'integer'],
      ['ball_id', 'integer'],
    ]);
    expect(people.indexes.map((i) => i.name)).toEqual(['ix_people_ball']);
    // The foreign key follows its renamed column and the renamed table it references.
    expect(people.foreignKeys.map((fk) => [fk.name, fk.columns, fk.referencedTable])).toEqual([['fk_people_ball', ['ball_id'], 'toys']]);
    expect(lines.filter((l) => l.includes('FOREIGN KEY ("ball_id") REFERENCES "balls"'))).toHaveLength(1);
    expect([...script.tables.keys()].sort()).toEqual(['people', 'toys']);
    expect(script.tables.get('toys')!.columns.map((c) => c.name)).toEqual(['id']);
  });

  test('starts from the tables it is given (the live database) and drops them from the model', async () => {
    const live: SchemaTable = {
      name: 'old',
      comment: undefined,
      columns: [{ name: 'id', type: { name: 'integer' }, nullable: false, default: undefined, autoIncrement: false, comment: undefined }],
      primaryKey: { name: undefined, columns: ['id'] },
      foreignKeys: [],
      indexes: [],
      uniques: [],
      checks: [],
    };
    const { lines, script, op } = sqliteScript([live]);
    await op.addUnique('old', { name: 'uq_old_id', columns: ['id'] });
    expect(lines.some((l) => l.startsWith('CREATE TABLE "_strata_new_old"') && l.includes('CONSTRAINT "uq_old_id" UNIQUE ("id")'))).toBe(true);
    await op.dropTable('old');
    expect(script.tables.size).toBe(0);
  });
});

/*
 * How each dialect reads a constraint violation: the kind, and the constraint, table and
 * columns its report names, for report shapes the servers on this machine do not produce
 * (MySQL 8's table-prefixed keys and CHECK message, PostgreSQL details with quoted names
 * or expressions, SQLite's multi-column and expression-index reports). The servers here
 * are covered by the integrity-errors conformance suite. Then the constraint catalog.
 */
import { classifyMysqlError } from '@strata/mysql';
import { classifyPostgresError, PostgresDdl } from '@strata/postgres';
import { classifySqliteError } from '@strata/sqlite';
import { Check, Column, Entity, ManyToMany, ManyToOne, MetaData, PrimaryGeneratedColumn, Unique } from '@strata/core';
import { ConstraintCatalog } from '../src/metadata/constraint-catalog';

/** A better-sqlite3 error as the driver throws it. */
function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('reading violations from driver errors', () => {
  test('MySQL 8 prefixes a duplicate key with its table; the table is read and the prefix dropped', () => {
    expect(classifyMysqlError({ errno: 1062, code: 'ER_DUP_ENTRY', message: "Duplicate entry 'a@x.io' for key 'users.uq_users_email'" })).toEqual({
      kind: 'integrity',
      code: 'ER_DUP_ENTRY',
      violation: 'unique',
      table: 'users',
      constraint: 'uq_users_email',
    });
  });

  test("MySQL 8's CHECK report (3819) names the constraint only", () => {
    expect(classifyMysqlError({ errno: 3819, code: 'ER_CHECK_CONSTRAINT_VIOLATED', message: "Check constraint 'ck_users_1a2b3c4d' is violated." })).toMatchObject({
      violation: 'check',
      constraint: 'ck_users_1a2b3c4d',
    });
  });

  test('a MySQL foreign-key report with two columns and doubled backquotes reads table, constraint and both columns', () => {
    const message =
      'Cannot add or update a child row: a foreign key constraint fails (`app`.`in``voices`, CONSTRAINT `fk_inv` FOREIGN KEY (`tenant`, `code`) REFERENCES `accounts` (`tenant`, `code`))';
    expect(classifyMysqlError({ errno: 1452, code: 'ER_NO_REFERENCED_ROW_2', message })).toMatchObject({
      violation: 'foreign_key',
      table: 'in`voices',
      constraint: 'fk_inv',
      columns: ['tenant', 'code'],
    });
  });

  test("MySQL's 'Field x doesn't have a default value' (strict mode) is a NOT NULL violation of that column", () => {
    expect(classifyMysqlError({ errno: 1364, code: 'ER_NO_DEFAULT_FOR_FIELD', message: "Field 'name' doesn't have a default value" })).toMatchObject({
      violation: 'not_null',
      columns: ['name'],
    });
  });

  test('a PostgreSQL unique detail with quoted names gives the names unquoted; one over an expression gives no columns', () => {
    const quoted = classifyPostgresError({ code: '23505', constraint: 'uq_t', table: 't', detail: 'Key ("Tenant", "a,b")=(1, x) already exists.' });
    expect(quoted).toMatchObject({ violation: 'unique', constraint: 'uq_t', table: 't', columns: ['Tenant', 'a,b'] });
    const expression = classifyPostgresError({ code: '23505', constraint: 'ix_lower', table: 't', detail: 'Key (lower(email::text))=(a@x.io) already exists.' });
    expect(expression).toMatchObject({ violation: 'unique', constraint: 'ix_lower', columns: undefined });
  });

  test("a PostgreSQL DELETE's foreign-key detail lists the referenced key, which is not taken for the key's columns", () => {
    const error = classifyPostgresError({
      code: '23503',
      constraint: 'fk_posts_author_id_users',
      table: 'posts',
      detail: 'Key (id)=(1) is still referenced from table "posts".',
    });
    expect(error).toMatchObject({ violation: 'foreign_key', table: 'posts', columns: undefined });
  });

  test('SQLite: a two-column unique report gives table and both columns; an index over expressions gives its name', () => {
    expect(classifySqliteError(sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: codes.label, codes.lang'))).toEqual({
      kind: 'integrity',
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      violation: 'unique',
      table: 'codes',
      columns: ['label', 'lang'],
    });
    expect(classifySqliteError(sqliteError('SQLITE_CONSTRAINT_UNIQUE', "UNIQUE constraint failed: index 'ix_users_lower_email'"))).toEqual({
      kind: 'integrity',
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      violation: 'unique',
      constraint: 'ix_users_lower_email',
    });
  });

  test('a constraint failure of a kind Strata does not sort (a trigger) stays a plain integrity error', () => {
    expect(classifySqliteError(sqliteError('SQLITE_CONSTRAINT_TRIGGER', 'no, says the trigger'))).toEqual({ kind: 'integrity', code: 'SQLITE_CONSTRAINT_TRIGGER', violation: undefined });
  });
});

@Entity('cc_account')
@Unique(['tenant', 'code'])
@Check('tenant <> code', { name: 'ck_cc_account_differs' })
class CcAccount {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 10 }) tenant!: string;
  @Column({ length: 10 }) code!: string;
  @ManyToMany(() => CcTag, undefined, { joinTable: true }) tags!: CcTag[];
}

@Entity('cc_tag')
class CcTag {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity('cc_entry')
class CcEntry {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => CcAccount, undefined, { nullable: false }) account!: CcAccount;
  @ManyToOne(() => CcAccount, undefined, { onDelete: 'CASCADE' }) mirror!: CcAccount | null;
}

describe('the constraint catalog', () => {
  const md = new MetaData([CcAccount, CcTag, CcEntry]);
  // A registry made from a class list hands out a new array each time; a session keeps one.
  const entities = md.entities;
  const catalog = ConstraintCatalog.of(entities);

  test('finds a unique constraint by its columns in any order, the primary key by its column, a check by name', () => {
    expect(catalog.covering('cc_account', ['code', 'tenant'])?.name).toBe('uq_cc_account_tenant_code');
    expect(catalog.covering('cc_account', ['id'])).toMatchObject({ kind: 'primary', name: 'pk_cc_account' });
    expect(catalog.covering('cc_account', ['code'])).toBeUndefined();
    expect(catalog.named('ck_cc_account_differs')).toMatchObject({ kind: 'check', table: 'cc_account' });
  });

  test('knows foreign keys with the names the DDL gives them, association tables included', () => {
    const ddl = md.toSQL(new PostgresDdl());
    for (const fk of [...catalog.foreignKeysOf('cc_entry'), ...catalog.foreignKeysOf('cc_account_cc_tag')]) expect(ddl).toContain(fk.name);
    expect(catalog.primaryKey('cc_account_cc_tag')?.name).toBe('pk_cc_account_cc_tag');
    expect(ddl).toContain('pk_cc_account_cc_tag');
  });

  test('lists the keys referencing a table with what deleting a referenced row does', () => {
    const referencing = catalog.referencing('cc_account').map((fk) => [fk.table, fk.columns.join(','), fk.onDelete ?? 'default']);
    expect(referencing.sort()).toEqual([
      ['cc_account_cc_tag', 'cc_account_id', 'CASCADE'],
      ['cc_entry', 'account_id', 'default'],
      ['cc_entry', 'mirror_id', 'CASCADE'],
    ]);
  });

  test('is built once per entity list', () => {
    expect(ConstraintCatalog.of(entities)).toBe(catalog);
  });
});

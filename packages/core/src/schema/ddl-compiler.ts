/*
 * The DDL compiler base: turns the schema model into CREATE / ALTER / DROP text. Dialects
 * subclass it (x-ddl.ts) and override the hooks: column types, literal escaping, where
 * foreign keys go, comments, table options. It also says what the dialect can store, so
 * a model can be normalised to what introspection will read back.
 */
import { ArgumentError } from '../errors/errors';
import type { ColumnType } from '../metadata/column-type';
import type { ReferentialAction } from '../metadata/declarations';
import type { SqlCompiler } from '../sql/sql-compiler';
import {
  DEFAULT_ACTION,
  type LiteralValue,
  type SchemaColumn,
  type SchemaEnum,
  type SchemaForeignKey,
  type SchemaIndex,
  type SchemaTable,
} from './schema-model';
import { canonicalSql, type CanonicalOptions, type SqlToken, type TokenizeOptions } from './sql-text';
import type { SchemaCheck, SchemaPrimaryKey, SchemaUnique } from './schema-model';

/** What a dialect's DDL can express; the normaliser and the create / drop plans read these. */
export interface DdlFeatures {
  /** Enum types are database objects, created before the tables and dropped after (PostgreSQL). */
  readonly nativeEnums: boolean;
  /** Foreign keys are written inside CREATE TABLE (SQLite cannot ALTER TABLE ADD CONSTRAINT) rather than added after all tables. */
  readonly inlineForeignKeys: boolean;
  /** Table and column comments are stored. */
  readonly comments: boolean;
  /** The primary-key constraint keeps its name. */
  readonly namedPrimaryKeys: boolean;
  /** Indexes may have a WHERE condition. */
  readonly partialIndexes: boolean;
  /** A unique index and a unique constraint are the same object (MySQL), reported as a unique constraint. */
  readonly uniqueIndexesAreConstraints: boolean;
  /**
   * ALTER TABLE can change columns and add or drop constraints. False for SQLite, where a
   * migration rebuilds the table instead (see `rebuildTable`).
   */
  readonly alterTable: boolean;
  /** DDL runs inside transactions (PostgreSQL, SQLite); MySQL commits implicitly around each DDL statement. */
  readonly transactionalDdl: boolean;
}

/** Options of ALTER statements on servers that can choose how (MySQL's ALGORITHM and LOCK). */
export interface AlterOptions {
  readonly algorithm?: 'INSTANT' | 'INPLACE' | 'COPY' | 'DEFAULT';
  readonly lock?: 'NONE' | 'SHARED' | 'EXCLUSIVE' | 'DEFAULT';
}

/**
 * Compiles schema-model objects to one dialect's DDL statements (without trailing `;`).
 * The defaults write standard SQL; each dialect package overrides the hooks it needs.
 */
export abstract class DdlCompiler {
  readonly #compiler: SqlCompiler;

  constructor(compiler: SqlCompiler) {
    this.#compiler = compiler;
  }

  /** What this dialect's DDL can express. */
  abstract readonly features: DdlFeatures;

  /** The dialect's type for a column, e.g. `varchar(100)`, `GENERATED`-free. */
  abstract columnType(column: SchemaColumn, table: SchemaTable): string;

  /**
   * A string literal, escaped for this dialect: the one place Strata writes a value into
   * SQL text (a DDL DEFAULT or COMMENT cannot be a bound parameter). The default doubles
   * single quotes, as standard SQL does; NUL characters are refused.
   */
  stringLiteral(text: string): string {
    return `'${checkLiteral(text).replace(/'/g, "''")}'`;
  }

  /** How this dialect's catalog spells strings and identifiers, for reading its expressions back. */
  get tokenizeOptions(): TokenizeOptions {
    return {};
  }

  /** Quotes an identifier with the dialect's compiler. */
  quote(name: string): string {
    return this.#compiler.quoteIdentifier(name);
  }

  /** A comma-separated list of quoted identifiers. */
  quoteList(names: readonly string[]): string {
    return names.map((n) => this.quote(n)).join(', ');
  }

  /** A boolean literal. */
  booleanLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  /** A literal default value for a column of `type`. */
  literal(value: LiteralValue, type: ColumnType): string {
    if (typeof value === 'boolean') return type.name === 'boolean' ? this.booleanLiteral(value) : this.stringLiteral(String(value));
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new ArgumentError(`A column default must be a finite number; got ${value}.`);
      return String(value);
    }
    return this.stringLiteral(value);
  }

  /** An SQL-expression default as it goes after DEFAULT. */
  expressionDefault(sqlText: string, _column: SchemaColumn): string {
    return sqlText;
  }

  /** The DEFAULT clause of a column, with its leading space; empty when there is none. */
  defaultClause(column: SchemaColumn): string {
    const value = column.default;
    if (value === undefined || column.autoIncrement) return '';
    return value.kind === 'literal' ? ` DEFAULT ${this.literal(value.value, column.type)}` : ` DEFAULT ${this.expressionDefault(value.sql, column)}`;
  }

  /** What marks a column as filled by the database (identity, AUTO_INCREMENT), with its leading space. */
  autoIncrementClause(_column: SchemaColumn, _table: SchemaTable): string {
    return '';
  }

  /** Constraints written inside a column definition (SQLite's type checks), with their leading space. */
  columnConstraints(_column: SchemaColumn, _table: SchemaTable): string {
    return '';
  }

  /** A column comment inside its definition (MySQL), with its leading space. */
  columnComment(_column: SchemaColumn): string {
    return '';
  }

  /** One column definition of CREATE TABLE. */
  columnDefinition(column: SchemaColumn, table: SchemaTable): string {
    return (
      `${this.quote(column.name)} ${this.columnType(column, table)}${column.nullable ? '' : ' NOT NULL'}` +
      `${this.autoIncrementClause(column, table)}${this.defaultClause(column)}${this.columnConstraints(column, table)}${this.columnComment(column)}`
    );
  }

  /** The table-level PRIMARY KEY clause; undefined when a column definition already holds it. */
  primaryKeyClause(table: SchemaTable): string | undefined {
    const pk = table.primaryKey;
    if (!pk) return undefined;
    return `${pk.name ? `CONSTRAINT ${this.quote(pk.name)} ` : ''}PRIMARY KEY (${this.quoteList(pk.columns)})`;
  }

  /** A FOREIGN KEY clause, as written in CREATE TABLE or after ALTER TABLE ... ADD. */
  foreignKeyClause(fk: SchemaForeignKey): string {
    let text = `CONSTRAINT ${this.quote(fk.name)} FOREIGN KEY (${this.quoteList(fk.columns)}) REFERENCES ${this.quote(fk.referencedTable)} (${this.quoteList(fk.referencedColumns)})`;
    if (fk.onDelete !== DEFAULT_ACTION) text += ` ON DELETE ${fk.onDelete}`;
    if (fk.onUpdate !== DEFAULT_ACTION) text += ` ON UPDATE ${fk.onUpdate}`;
    return text;
  }

  /** Table options after the closing parenthesis (MySQL's ENGINE, charset, COMMENT), with a leading space. */
  tableOptions(_table: SchemaTable): string {
    return '';
  }

  /** Statements that follow CREATE TABLE (PostgreSQL's COMMENT ON). */
  afterCreateTable(_table: SchemaTable): string[] {
    return [];
  }

  /**
   * CREATE TABLE with columns, primary key, unique and check constraints, and (when
   * `foreignKeys`) foreign keys; then whatever the dialect adds after it.
   * @example
   * ddl.createTable(table, { foreignKeys: false }) // ['CREATE TABLE "users" (...)']
   */
  createTable(table: SchemaTable, options: { foreignKeys: boolean }): string[] {
    const parts = table.columns.map((c) => this.columnDefinition(c, table));
    const pk = this.primaryKeyClause(table);
    if (pk) parts.push(pk);
    for (const unique of table.uniques) parts.push(`CONSTRAINT ${this.quote(unique.name)} UNIQUE (${this.quoteList(unique.columns)})`);
    for (const check of table.checks) parts.push(`CONSTRAINT ${this.quote(check.name)} CHECK (${check.expression})`);
    if (options.foreignKeys) for (const fk of table.foreignKeys) parts.push(this.foreignKeyClause(fk));
    const create = `CREATE TABLE ${this.quote(table.name)} (\n  ${parts.join(',\n  ')}\n)${this.tableOptions(table)}`;
    return [create, ...this.afterCreateTable(table)];
  }

  /** CREATE [UNIQUE] INDEX. */
  createIndex(table: SchemaTable, index: SchemaIndex): string {
    if (index.where !== undefined && !this.features.partialIndexes && index.unique) {
      throw new ArgumentError(
        `Index ${index.name} on ${table.name} is a unique partial index (WHERE ${index.where}), which this database cannot create; drop the where or the uniqueness.`,
      );
    }
    const where = index.where !== undefined && this.features.partialIndexes ? ` WHERE ${index.where}` : '';
    return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${this.quote(index.name)} ON ${this.quote(table.name)} (${this.quoteList(index.columns)})${where}`;
  }

  /** ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY. */
  addForeignKey(table: SchemaTable, fk: SchemaForeignKey): string {
    return `ALTER TABLE ${this.quote(table.name)} ADD ${this.foreignKeyClause(fk)}`;
  }

  /** CREATE TYPE ... AS ENUM, where enums are database objects. */
  createEnum(schemaEnum: SchemaEnum): string {
    return `CREATE TYPE ${this.quote(schemaEnum.name)} AS ENUM (${schemaEnum.values.map((v) => this.stringLiteral(v)).join(', ')})`;
  }

  /** DROP TYPE for an enum type. */
  dropEnum(name: string, ifExists: boolean): string {
    return `DROP TYPE ${ifExists ? 'IF EXISTS ' : ''}${this.quote(name)}`;
  }

  /** DROP TABLE. */
  dropTable(name: string, ifExists: boolean): string {
    return `DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${this.quote(name)}`;
  }

  /** DROP TABLE for a migration; `cascade` also drops what depends on it where the dialect can. */
  dropTableForMigration(name: string, options: { cascade?: boolean } = {}): string {
    return `DROP TABLE ${this.quote(name)}${options.cascade ? ' CASCADE' : ''}`;
  }

  /** ALTER TABLE ... RENAME TO. */
  renameTable(from: string, to: string): string {
    return `ALTER TABLE ${this.quote(from)} RENAME TO ${this.quote(to)}`;
  }

  /** ALTER TABLE ... ADD COLUMN, and what the dialect adds after it (comments). */
  addColumn(table: SchemaTable, column: SchemaColumn, options: AlterOptions = {}): string[] {
    return [`ALTER TABLE ${this.quote(table.name)} ADD COLUMN ${this.columnDefinition(column, table)}${this.alterOptions(options)}`];
  }

  /** ALTER TABLE ... DROP COLUMN. */
  dropColumn(table: string, column: string, options: AlterOptions = {}): string {
    return `ALTER TABLE ${this.quote(table)} DROP COLUMN ${this.quote(column)}${this.alterOptions(options)}`;
  }

  /** ALTER TABLE ... RENAME COLUMN. */
  renameColumn(table: string, from: string, to: string): string {
    return `ALTER TABLE ${this.quote(table)} RENAME COLUMN ${this.quote(from)} TO ${this.quote(to)}`;
  }

  /**
   * The statements that turn column `from` into `to` (same name; rename separately): type,
   * nullability, default, comment. The default writes standard / PostgreSQL forms.
   */
  alterColumn(table: SchemaTable, from: SchemaColumn, to: SchemaColumn, _options: AlterOptions = {}): string[] {
    const t = this.quote(table.name);
    const c = this.quote(to.name);
    const out: string[] = [];
    if (this.columnType(from, table) !== this.columnType(to, table)) {
      const type = this.columnType(to, table);
      out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${type} USING ${c}::${type}`);
    }
    if (from.nullable !== to.nullable) out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} ${to.nullable ? 'DROP' : 'SET'} NOT NULL`);
    if (this.defaultClause(from) !== this.defaultClause(to)) {
      out.push(to.default === undefined || to.autoIncrement ? `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT` : `ALTER TABLE ${t} ALTER COLUMN ${c} SET${this.defaultClause(to)}`);
    }
    return out;
  }

  /** DROP INDEX. */
  dropIndex(table: string, name: string): string {
    void table;
    return `DROP INDEX ${this.quote(name)}`;
  }

  /** ALTER TABLE ... DROP CONSTRAINT for a foreign key. */
  dropForeignKey(table: string, name: string): string {
    return `ALTER TABLE ${this.quote(table)} DROP CONSTRAINT ${this.quote(name)}`;
  }

  /** ALTER TABLE ... ADD CONSTRAINT ... UNIQUE. */
  addUnique(table: string, unique: SchemaUnique, options: AlterOptions = {}): string {
    return `ALTER TABLE ${this.quote(table)} ADD CONSTRAINT ${this.quote(unique.name)} UNIQUE (${this.quoteList(unique.columns)})${this.alterOptions(options)}`;
  }

  /** Drops a UNIQUE constraint. */
  dropUnique(table: string, name: string): string {
    return `ALTER TABLE ${this.quote(table)} DROP CONSTRAINT ${this.quote(name)}`;
  }

  /** ALTER TABLE ... ADD CONSTRAINT ... CHECK. */
  addCheck(table: string, check: SchemaCheck): string {
    return `ALTER TABLE ${this.quote(table)} ADD CONSTRAINT ${this.quote(check.name)} CHECK (${check.expression})`;
  }

  /** Drops a CHECK constraint. */
  dropCheck(table: string, name: string): string {
    return `ALTER TABLE ${this.quote(table)} DROP CONSTRAINT ${this.quote(name)}`;
  }

  /** Replaces the primary key of a table. */
  alterPrimaryKey(table: SchemaTable, from: SchemaPrimaryKey | undefined, to: SchemaPrimaryKey | undefined): string[] {
    const out: string[] = [];
    if (from) out.push(`ALTER TABLE ${this.quote(table.name)} DROP CONSTRAINT ${this.quote(from.name ?? `${table.name}_pkey`)}`);
    if (to) out.push(`ALTER TABLE ${this.quote(table.name)} ADD ${this.primaryKeyClause({ ...table, primaryKey: to })!}`);
    return out;
  }

  /**
   * Adds values to a native enum type (PostgreSQL's ALTER TYPE ... ADD VALUE IF NOT EXISTS).
   * A type cannot lose a value, so a migration's down() keeps it: IF NOT EXISTS lets up()
   * run again after that downgrade.
   */
  addEnumValues(name: string, values: readonly string[]): string[] {
    return values.map((v) => `ALTER TYPE ${this.quote(name)} ADD VALUE IF NOT EXISTS ${this.stringLiteral(v)}`);
  }

  /** CREATE INDEX without blocking writes, where the dialect has a form for it; undefined otherwise. */
  createIndexConcurrently(table: SchemaTable, index: SchemaIndex): string | undefined {
    void table;
    void index;
    return undefined;
  }

  /** The `, ALGORITHM=..., LOCK=...` tail of an ALTER where the dialect has one; empty otherwise. */
  alterOptions(_options: AlterOptions): string {
    return '';
  }

  /**
   * The statements that rebuild table `from` as `to` keeping its rows, for changes ALTER
   * TABLE cannot make: a new table, the rows copied (columns of `to` read from the
   * `sources` columns of `from`; a column without a source takes its default), the old
   * table dropped, the new one renamed, its indexes created.
   */
  rebuildTable(from: SchemaTable, to: SchemaTable, sources: ReadonlyMap<string, string>): string[] {
    const temporary = `_strata_new_${to.name}`.slice(0, 60);
    const copied = to.columns.filter((c) => sources.has(c.name));
    const statements = this.createTable({ ...to, name: temporary, indexes: [] }, { foreignKeys: true });
    if (copied.length > 0) {
      statements.push(
        `INSERT INTO ${this.quote(temporary)} (${this.quoteList(copied.map((c) => c.name))}) SELECT ${this.quoteList(copied.map((c) => sources.get(c.name)!))} FROM ${this.quote(from.name)}`,
      );
    }
    statements.push(`DROP TABLE ${this.quote(from.name)}`);
    statements.push(this.renameTable(temporary, to.name));
    for (const index of to.indexes) statements.push(this.createIndex(to, index));
    return statements;
  }

  /** The statement that opens a transaction in a script file (`upgrade --sql`), where DDL is transactional. */
  beginTransaction(): string {
    return 'BEGIN';
  }

  /** The statement that commits a script's transaction. */
  commitTransaction(): string {
    return 'COMMIT';
  }

  /** Statements that open a drop of all tables, inside its transaction (switching foreign-key checks off or deferring them). */
  beforeDropAll(): string[] {
    return [];
  }

  /** Statements that close a drop of all tables; they run even when a drop failed. */
  afterDropAll(): string[] {
    return [];
  }

  /** The column as this dialect stores and reports it (e.g. MySQL has one DATETIME for both timestamp types). */
  storedColumn(column: SchemaColumn, _table: SchemaTable): SchemaColumn {
    return column;
  }

  /** The referential action as this dialect reports it. */
  storedAction(action: ReferentialAction): ReferentialAction {
    return action;
  }

  /** Dialect rewrites applied to canonical expression tokens (function synonyms the catalog substitutes). */
  rewriteExpression(tokens: SqlToken[]): SqlToken[] {
    return tokens;
  }

  /** The canonical form of an expression from this dialect, for comparison. */
  normalizeExpression(text: string): string {
    const options: CanonicalOptions = { ...this.tokenizeOptions, rewrite: (tokens) => this.rewriteExpression(tokens) };
    return canonicalSql(text, options);
  }
}

/** Refuses text that no SQL literal can carry. */
export function checkLiteral(text: string): string {
  if (text.includes('\u0000')) throw new ArgumentError(`A string literal in DDL cannot contain a NUL character: ${JSON.stringify(text.slice(0, 40))}.`);
  return text;
}

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

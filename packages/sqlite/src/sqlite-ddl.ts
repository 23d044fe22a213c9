/*
 * SQLite's DDL hooks. Declared types are chosen for their affinity and so that they read
 * back as the logical type: INTEGER PRIMARY KEY AUTOINCREMENT for generated keys, TEXT
 * affinity for exact numerics (NUMERIC_TEXT), json (with json_valid) and uuid (CHAR(36)),
 * enums and booleans as CHECKs in the column, and foreign keys inside CREATE TABLE.
 */
import { DdlCompiler, type DdlFeatures, type SchemaColumn, type SchemaTable, type TokenizeOptions } from '@strata/core';
import { SqliteCompiler } from './sqlite-compiler';

const FEATURES: DdlFeatures = Object.freeze({
  nativeEnums: false,
  inlineForeignKeys: true,
  comments: false,
  namedPrimaryKeys: true,
  partialIndexes: true,
  uniqueIndexesAreConstraints: false,
  alterTable: false,
  transactionalDdl: true,
});

const TYPES: Record<string, string> = {
  integer: 'INTEGER',
  smallint: 'SMALLINT',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  text: 'TEXT',
  json: 'TEXT',
  uuid: 'CHAR(36)',
  enum: 'TEXT',
  bytes: 'BLOB',
  date: 'DATE',
  timestamptz: 'TIMESTAMPTZ',
  timestamp: 'TIMESTAMP',
};

/**
 * Writes SQLite DDL.
 * @example
 * new MetaData([User]).toSQL(new SqliteDdl());
 */
export class SqliteDdl extends DdlCompiler {
  readonly features = FEATURES;

  constructor(compiler = new SqliteCompiler()) {
    super(compiler);
  }

  override get tokenizeOptions(): TokenizeOptions {
    return { bracketIdentifiers: true };
  }

  columnType(column: SchemaColumn, table: SchemaTable): string {
    const { type } = column;
    if (rowidKey(column, table)) return 'INTEGER';
    switch (type.name) {
      case 'varchar':
        return `VARCHAR(${type.length ?? 255})`;
      case 'numeric':
        // TEXT affinity keeps every digit; NUMERIC affinity would round through a double.
        return type.precision === undefined ? 'NUMERIC_TEXT' : `NUMERIC_TEXT(${type.precision},${type.scale ?? 0})`;
      default:
        return TYPES[type.name]!;
    }
  }

  override booleanLiteral(value: boolean): string {
    return value ? '1' : '0';
  }

  /** SQLite takes an expression default only in parentheses. */
  override expressionDefault(sqlText: string): string {
    return `(${sqlText})`;
  }

  /** AUTOINCREMENT belongs to the column's own PRIMARY KEY clause. */
  override autoIncrementClause(column: SchemaColumn, table: SchemaTable): string {
    if (!rowidKey(column, table)) return '';
    const name = table.primaryKey!.name;
    return `${name ? ` CONSTRAINT ${this.quote(name)}` : ''} PRIMARY KEY AUTOINCREMENT`;
  }

  override primaryKeyClause(table: SchemaTable): string | undefined {
    return table.columns.some((c) => rowidKey(c, table)) ? undefined : super.primaryKeyClause(table);
  }

  /** Enums, booleans and json are checked values in SQLite: the checks sit in the column, and introspection reads them back as the type. */
  override columnConstraints(column: SchemaColumn): string {
    const { type } = column;
    const name = this.quote(column.name);
    if (type.name === 'enum') {
      const values = (type.enumValues ?? []).map((v) => this.stringLiteral(v)).join(', ');
      return `${type.enumName ? ` CONSTRAINT ${this.quote(type.enumName)}` : ''} CHECK (${name} IN (${values}))`;
    }
    if (type.name === 'boolean') return ` CHECK (${name} IN (0, 1))`;
    if (type.name === 'json') return ` CHECK (json_valid(${name}))`;
    return '';
  }

  /** Foreign keys are checked at commit, so tables in a cycle (with rows) can go in any order. */
  override beforeDropAll(): string[] {
    return ['PRAGMA defer_foreign_keys = ON'];
  }

  /** A generated key is SQLite's INTEGER rowid alias; a composite key cannot auto-increment. */
  override storedColumn(column: SchemaColumn, table: SchemaTable): SchemaColumn {
    if (!column.autoIncrement) return column;
    return rowidKey(column, table) ? { ...column, type: { name: 'integer' } } : { ...column, autoIncrement: false };
  }
}

/** True for the single-column, database-generated primary key that becomes INTEGER PRIMARY KEY AUTOINCREMENT. */
function rowidKey(column: SchemaColumn, table: SchemaTable): boolean {
  const pk = table.primaryKey?.columns;
  return column.autoIncrement && pk !== undefined && pk.length === 1 && pk[0] === column.name;
}

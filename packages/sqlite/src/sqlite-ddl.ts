/*
 * SQLite's DDL hooks. Declared types are chosen for their affinity and so that they read
 * back as the logical type: INTEGER PRIMARY KEY AUTOINCREMENT for generated keys, TEXT
 * affinity for exact numerics (NUMERIC_TEXT), json (with json_valid) and uuid (CHAR(36)),
 * enums and booleans as CHECKs in the column, and foreign keys inside CREATE TABLE.
 * Migrations: ALTER TABLE only renames, adds simple columns and drops columns; every other
 * change rebuilds the table (rebuildTable), and the ALTERs SQLite lacks are refused.
 */
import {
  NotSupportedError,
  type SchemaCheck,
  type SchemaColumn,
  type SchemaTable,
  type SchemaUnique,
} from '@strata/core';
import {
  DdlCompiler,
  type AlterOptions,
  type DdlFeatures,
  type TokenizeOptions,
} from '@strata/core/dialect';
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

  /** SQLite has no DROP TABLE ... CASCADE; with foreign keys off during a migration nothing blocks the drop. */
  override dropTableForMigration(name: string): string {
    return `DROP TABLE ${this.quote(name)}`;
  }

  /**
   * ALTER TABLE ... ADD COLUMN where SQLite can: not a key column, not NOT NULL without a
   * default, no expression default, no foreign key of its own. Anything else needs rebuildTable.
   */
  override addColumn(table: SchemaTable, column: SchemaColumn, options: AlterOptions = {}): string[] {
    const reason = table.primaryKey?.columns.includes(column.name)
      ? 'it is part of the primary key'
      : !column.nullable && column.default === undefined
        ? 'it is NOT NULL without a default'
        : column.default?.kind === 'expression'
          ? 'its default is an expression'
          : table.foreignKeys.some((fk) => fk.columns.includes(column.name))
            ? 'it has a foreign key'
            : undefined;
    if (reason) throw this.#rebuildNeeded(table.name, `add column '${column.name}' (${reason})`);
    return super.addColumn(table, column, options);
  }

  override alterColumn(table: SchemaTable, from: SchemaColumn, to: SchemaColumn): string[] {
    if (this.columnDefinition(from, table) === this.columnDefinition(to, table)) return [];
    throw this.#rebuildNeeded(table.name, `change column '${to.name}'`);
  }

  override dropForeignKey(table: string, name: string): string {
    throw this.#rebuildNeeded(table, `drop foreign key '${name}'`);
  }

  override addUnique(table: string, unique: SchemaUnique): string {
    throw this.#rebuildNeeded(table, `add unique constraint '${unique.name}'`);
  }

  override dropUnique(table: string, name: string): string {
    throw this.#rebuildNeeded(table, `drop unique constraint '${name}'`);
  }

  override addCheck(table: string, check: SchemaCheck): string {
    throw this.#rebuildNeeded(table, `add check constraint '${check.name}'`);
  }

  override dropCheck(table: string, name: string): string {
    throw this.#rebuildNeeded(table, `drop check constraint '${name}'`);
  }

  override alterPrimaryKey(table: SchemaTable): string[] {
    throw this.#rebuildNeeded(table.name, 'change the primary key');
  }

  /** Enum values are a CHECK in the column: changing them rebuilds the table. */
  override addEnumValues(name: string): string[] {
    throw new NotSupportedError(
      `SQLite has no enum type '${name}' to add values to: an enum is a CHECK on its column. Rebuild the table with rebuildTable and the new values.`,
    );
  }

  /**
   * SQLite's table rebuild: the new table under a temporary name, the rows copied, the
   * old table dropped, the new one renamed (SQLite rewrites its CREATE text, constraint
   * names and all), its indexes made again. An AUTOINCREMENT key keeps its high-water mark,
   * so ids of deleted rows are not handed out again. Foreign keys must be off (the caller's
   * PRAGMA, outside the transaction), or dropping the old table would cascade into the
   * tables that reference it.
   */
  override rebuildTable(from: SchemaTable, to: SchemaTable, sources: ReadonlyMap<string, string>): string[] {
    const temporary = `_strata_new_${to.name}`;
    const copied = to.columns.filter((c) => sources.has(c.name));
    const statements = this.createTable({ ...to, name: temporary, indexes: [] }, { foreignKeys: true });
    if (copied.length > 0) {
      const targets = this.quoteList(copied.map((c) => c.name));
      statements.push(`INSERT INTO ${this.quote(temporary)} (${targets}) SELECT ${this.quoteList(copied.map((c) => sources.get(c.name)!))} FROM ${this.quote(from.name)}`);
    }
    const key = to.columns.find((c) => rowidKey(c, to));
    const keySource = key && sources.get(key.name);
    if (keySource !== undefined && from.columns.some((c) => c.name === keySource && rowidKey(c, from))) {
      // sqlite_sequence has no unique name: clear the row the copy made before writing the old mark.
      statements.push(`DELETE FROM sqlite_sequence WHERE name = ${this.stringLiteral(temporary)}`);
      statements.push(
        `INSERT INTO sqlite_sequence (name, seq) SELECT ${this.stringLiteral(temporary)}, seq FROM sqlite_sequence WHERE name = ${this.stringLiteral(from.name)}`,
      );
    }
    statements.push(this.dropTableForMigration(from.name));
    statements.push(this.renameTable(temporary, to.name));
    for (const index of to.indexes) statements.push(this.createIndex(to, index));
    return statements;
  }

  #rebuildNeeded(table: string, change: string): NotSupportedError {
    return new NotSupportedError(`SQLite's ALTER TABLE cannot ${change} on table '${table}'. Rebuild the table with rebuildTable instead.`);
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

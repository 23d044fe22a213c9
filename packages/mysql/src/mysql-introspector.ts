/*
 * Reads the current database (DATABASE()) from information_schema into Strata's schema
 * model. MySQL 8 and MariaDB differ in how they report defaults (MariaDB quotes literals)
 * and checks (MariaDB reports JSON columns as LONGTEXT with a JSON_VALID check, folded
 * back into the json type here).
 */
import { type ColumnDefault, type ColumnType, type DatabaseSchema, type IntrospectOptions, type ReferentialAction, type SchemaColumn, type SchemaTable } from '@strata/core';
import { catalogText, normalizeSchema, parseDefault, type SchemaQuery, tokenizeSql } from '@strata/core/dialect';
import type { MysqlDdl } from './mysql-ddl';

const TABLES = `SELECT TABLE_NAME AS name, TABLE_COMMENT AS comment FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`;

const COLUMNS = `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type,
  IS_NULLABLE AS nullable, COLUMN_DEFAULT AS default_value, EXTRA AS extra, COLUMN_COMMENT AS comment,
  CHARACTER_MAXIMUM_LENGTH AS length, NUMERIC_PRECISION AS numeric_precision, NUMERIC_SCALE AS numeric_scale
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`;

const INDEXES = `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

const FOREIGN_KEYS = `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name,
  k.REFERENCED_TABLE_NAME AS referenced_table, k.REFERENCED_COLUMN_NAME AS referenced_column,
  r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** MariaDB's CHECK_CONSTRAINTS names the table (column-level JSON checks share names across tables). */
const MARIADB_CHECKS = `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS expression
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME`;

const MYSQL_CHECKS = `SELECT t.TABLE_NAME AS table_name, c.CONSTRAINT_NAME AS name, c.CHECK_CLAUSE AS expression
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK' ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME`;

const TEXT_TYPES = new Set(['text', 'tinytext', 'mediumtext', 'longtext']);
const BINARY_TYPES = new Set(['blob', 'tinyblob', 'mediumblob', 'longblob', 'binary', 'varbinary']);
const SIMPLE_TYPES: Record<string, ColumnType['name']> = {
  int: 'integer', integer: 'integer', mediumint: 'integer', smallint: 'smallint', bigint: 'bigint', float: 'float', double: 'double',
  real: 'double', json: 'json', date: 'date', datetime: 'timestamp', timestamp: 'timestamp',
};

type Row = Record<string, unknown>;

/** What the introspector needs to know about the server. */
export interface MysqlServerKind {
  /** MariaDB quotes literal defaults and keeps JSON as LONGTEXT with a check. */
  readonly mariadb: boolean;
}

/**
 * Reads the current database into the schema model, normalised for MySQL / MariaDB.
 * @example
 * const schema = await introspectMysql(query, ddl, { mariadb: true }, { tables: ['users'] });
 */
export async function introspectMysql(query: SchemaQuery, ddl: MysqlDdl, server: MysqlServerKind, options: IntrospectOptions = {}): Promise<DatabaseSchema> {
  const wanted = options.tables ? new Set(options.tables) : undefined;
  const keep = (rows: Row[], key = 'table_name') => (wanted ? rows.filter((r) => wanted.has(String(r[key]))) : rows);
  const tableRows = keep(await query(TABLES), 'name');
  const columnRows = keep(await query(COLUMNS));
  const indexRows = keep(await query(INDEXES));
  const fkRows = keep(await query(FOREIGN_KEYS));
  const checkRows = keep(await query(server.mariadb ? MARIADB_CHECKS : MYSQL_CHECKS));
  const tables: SchemaTable[] = tableRows.map((t) => {
    const name = String(t.name);
    const mine = (rows: Row[]) => rows.filter((r) => r.table_name === name);
    const foreignKeys = groupBy(mine(fkRows), (r) => String(r.name)).map(([fkName, rows]) => ({
      name: fkName,
      columns: rows.map((r) => String(r.column_name)),
      referencedTable: String(rows[0]!.referenced_table),
      referencedColumns: rows.map((r) => String(r.referenced_column)),
      onDelete: String(rows[0]!.on_delete) as ReferentialAction,
      onUpdate: String(rows[0]!.on_update) as ReferentialAction,
    }));
    const keys = groupBy(mine(indexRows), (r) => String(r.name)).map(([keyName, rows]) => ({
      name: keyName,
      columns: rows.map((r) => catalogText(r.column_name)),
      unique: Number(rows[0]!.non_unique) === 0,
    }));
    // InnoDB creates an index named after a foreign key when none covers it; it belongs to the key.
    const implicit = (k: { name: string; columns: string[] }) => foreignKeys.some((fk) => fk.name === k.name && fk.columns.join() === k.columns.join());
    const checks = mine(checkRows).map((r) => ({ name: String(r.name), expression: String(r.expression) }));
    const columns = mine(columnRows).map((row) => readColumn(row, ddl, server));
    // A JSON_VALID check on a text column is what JSON means on MariaDB.
    const folded = new Set<string>();
    const typedColumns = columns.map((column) => {
      const check = checks.find((c) => ddl.normalizeExpression(c.expression) === `json_valid(${ddl.normalizeExpression(ddl.quote(column.name))})`);
      if (!check || (column.type.name !== 'text' && column.type.name !== 'json')) return column;
      folded.add(check.name);
      return { ...column, type: { name: 'json' as const } };
    });
    const primary = keys.find((k) => k.name === 'PRIMARY');
    return {
      name,
      comment: catalogText(t.comment) || undefined,
      columns: typedColumns,
      primaryKey: primary ? { name: undefined, columns: primary.columns } : undefined,
      foreignKeys,
      indexes: keys.filter((k) => !k.unique && !implicit(k)).map((k) => ({ name: k.name, columns: k.columns, unique: false, where: undefined })),
      uniques: keys.filter((k) => k.unique && k !== primary).map((k) => ({ name: k.name, columns: k.columns })),
      checks: checks.filter((c) => !folded.has(c.name)),
    };
  });
  return normalizeSchema({ tables, enums: [] }, ddl);
}

function readColumn(row: Row, ddl: MysqlDdl, server: MysqlServerKind): SchemaColumn {
  const dataType = String(row.data_type).toLowerCase();
  const columnType = String(row.column_type);
  let type: ColumnType | undefined = logicalType(dataType, columnType, row, ddl);
  const nativeType = type ? undefined : columnType;
  type ??= { name: 'text' };
  const extra = catalogText(row.extra).toLowerCase();
  const column: SchemaColumn = {
    name: String(row.name),
    type,
    nullable: row.nullable === 'YES',
    default: readDefault(row.default_value as string | null, extra, type, ddl, server),
    autoIncrement: extra.includes('auto_increment'),
    comment: catalogText(row.comment) || undefined,
  };
  return nativeType === undefined ? column : { ...column, nativeType };
}

function logicalType(dataType: string, columnType: string, row: Row, ddl: MysqlDdl): ColumnType | undefined {
  if (dataType === 'tinyint') return columnType.toLowerCase().startsWith('tinyint(1)') ? { name: 'boolean' } : undefined;
  if (dataType === 'varchar') return { name: 'varchar', length: Number(row.length) };
  if (dataType === 'char') return Number(row.length) === 36 ? { name: 'uuid' } : undefined;
  if (dataType === 'decimal' || dataType === 'numeric') {
    return { name: 'numeric', precision: Number(row.numeric_precision), scale: Number(row.numeric_scale) };
  }
  if (dataType === 'enum') return { name: 'enum', enumValues: enumValues(columnType, ddl) };
  if (TEXT_TYPES.has(dataType)) return { name: 'text' };
  if (BINARY_TYPES.has(dataType)) return { name: 'bytes' };
  const simple = SIMPLE_TYPES[dataType];
  return simple ? { name: simple } : undefined;
}

/** The values of `enum('a','it''s','line\\nbreak')`: the server writes them with quotes doubled and backslash escapes. */
function enumValues(columnType: string, ddl: MysqlDdl): string[] {
  return tokenizeSql(columnType, ddl.tokenizeOptions)
    .filter((token) => token.kind === 'string')
    .map((token) => token.value);
}

function readDefault(raw: string | null, extra: string, type: ColumnType, ddl: MysqlDdl, server: MysqlServerKind): ColumnDefault | undefined {
  if (raw === null) return undefined;
  // MariaDB writes literals quoted and NULL as NULL; MySQL 8 writes literals bare and marks expressions DEFAULT_GENERATED.
  if (server.mariadb) return parseDefault(raw, type, ddl);
  if (extra.includes('default_generated')) return parseDefault(raw, type, ddl);
  return parseDefault(ddl.stringLiteral(raw), type, ddl);
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(row);
  }
  return [...groups];
}

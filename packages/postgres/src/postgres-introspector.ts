/*
 * Reads the current schema (current_schema()) from pg_catalog into Strata's schema model:
 * tables, columns with their logical types (enum types included), defaults without their
 * casts, identity and serial columns, keys, foreign keys, checks, and the indexes that
 * back no constraint.
 */
import {
  type ColumnType,
  type DatabaseSchema,
  type IntrospectOptions,
  type ReferentialAction,
  type SchemaColumn,
  type SchemaTable,
} from '@strata/core';
import {
  normalizeSchema,
  parseDefault,
  type SchemaQuery,
} from '@strata/core/dialect';
import type { PostgresDdl } from './postgres-ddl';

const TABLES = `
SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
ORDER BY c.relname`;

const COLUMNS = `
SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typtype AS kind,
  t.typname AS type_name, a.attnotnull AS not_null, a.attidentity AS identity, pg_get_expr(d.adbin, d.adrelid) AS default_sql,
  col_description(c.oid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
ORDER BY c.relname, a.attnum`;

const ENUMS = `
SELECT t.typname AS name, e.enumlabel AS value
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = current_schema()
ORDER BY t.typname, e.enumsortorder`;

const CONSTRAINTS = `
SELECT c.relname AS table_name, con.conname AS name, con.contype AS kind, rc.relname AS referenced_table,
  con.confdeltype AS on_delete, con.confupdtype AS on_update, pg_get_expr(con.conbin, con.conrelid) AS expression,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, i)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.i) AS columns,
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, i)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i) AS referenced_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f', 'c') AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
ORDER BY c.relname, con.conname`;

const INDEXES = `
SELECT c.relname AS table_name, i.relname AS name, x.indisunique AS is_unique, pg_get_expr(x.indpred, x.indrelid) AS condition,
  ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN pg_get_indexdef(x.indexrelid, k, true)
                     ELSE (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1]) END
        FROM generate_series(1, x.indnkeyatts) k ORDER BY k) AS columns
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND ($1::text[] IS NULL OR c.relname = ANY($1::text[]))
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY c.relname, i.relname`;

const ACTIONS: Record<string, ReferentialAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

const SIMPLE_TYPES: Record<string, ColumnType['name']> = {
  integer: 'integer',
  smallint: 'smallint',
  bigint: 'bigint',
  real: 'float',
  'double precision': 'double',
  boolean: 'boolean',
  text: 'text',
  'character varying': 'text',
  json: 'json',
  jsonb: 'json',
  uuid: 'uuid',
  bytea: 'bytes',
  date: 'date',
};

type Row = Record<string, unknown>;

/**
 * Reads the current schema into the schema model, normalised for PostgreSQL.
 * @example
 * const schema = await introspectPostgres(query, ddl, { tables: ['users'] });
 */
export async function introspectPostgres(query: SchemaQuery, ddl: PostgresDdl, options: IntrospectOptions = {}): Promise<DatabaseSchema> {
  const filter = options.tables ? [...options.tables] : null;
  // One after another: the queries share one connection.
  const tableRows = await query(TABLES, [filter]);
  const columnRows = await query(COLUMNS, [filter]);
  const enumRows = await query(ENUMS);
  const constraintRows = await query(CONSTRAINTS, [filter]);
  const indexRows = await query(INDEXES, [filter]);
  const enumValues = new Map<string, string[]>();
  for (const row of enumRows) {
    const name = String(row.name);
    if (!enumValues.has(name)) enumValues.set(name, []);
    enumValues.get(name)!.push(String(row.value));
  }
  const usedEnums = new Set<string>();
  const tables: SchemaTable[] = tableRows.map((t) => {
    const name = String(t.name);
    const mine = (rows: Row[]) => rows.filter((r) => r.table_name === name);
    const constraints = mine(constraintRows);
    const columns = mine(columnRows).map((row) => readColumn(row, enumValues, ddl));
    for (const column of columns) if (column.type.name === 'enum' && column.type.enumName) usedEnums.add(column.type.enumName);
    const pk = constraints.find((c) => c.kind === 'p');
    return {
      name,
      comment: (t.comment as string | null) ?? undefined,
      columns,
      primaryKey: pk ? { name: String(pk.name), columns: pk.columns as string[] } : undefined,
      foreignKeys: constraints
        .filter((c) => c.kind === 'f')
        .map((c) => ({
          name: String(c.name),
          columns: c.columns as string[],
          referencedTable: String(c.referenced_table),
          referencedColumns: c.referenced_columns as string[],
          onDelete: ACTIONS[String(c.on_delete)] ?? 'NO ACTION',
          onUpdate: ACTIONS[String(c.on_update)] ?? 'NO ACTION',
        })),
      indexes: mine(indexRows).map((i) => ({
        name: String(i.name),
        columns: i.columns as string[],
        unique: i.is_unique === true,
        where: (i.condition as string | null) ?? undefined,
      })),
      uniques: constraints.filter((c) => c.kind === 'u').map((c) => ({ name: String(c.name), columns: c.columns as string[] })),
      checks: constraints.filter((c) => c.kind === 'c').map((c) => ({ name: String(c.name), expression: String(c.expression) })),
    };
  });
  const wanted = options.enums ? new Set(options.enums) : options.tables ? usedEnums : undefined;
  const enums = [...enumValues].filter(([name]) => !wanted || wanted.has(name)).map(([name, values]) => ({ name, values }));
  return normalizeSchema({ tables, enums }, ddl);
}

function readColumn(row: Row, enumValues: Map<string, string[]>, ddl: PostgresDdl): SchemaColumn {
  const formatted = String(row.type);
  let type: ColumnType | undefined;
  let nativeType: string | undefined;
  if (row.kind === 'e') {
    type = { name: 'enum', enumName: String(row.type_name), enumValues: enumValues.get(String(row.type_name)) ?? [] };
  } else {
    type = logicalType(formatted);
    if (!type) {
      type = { name: 'text' };
      nativeType = formatted;
    }
  }
  const defaultSql = (row.default_sql as string | null) ?? undefined;
  // A serial column's default is its sequence: the column is auto-incremented, not defaulted.
  const serial = defaultSql !== undefined && /^nextval\(/i.test(defaultSql);
  const column: SchemaColumn = {
    name: String(row.name),
    type,
    nullable: row.not_null !== true,
    default: defaultSql === undefined || serial ? undefined : parseDefault(defaultSql, type, ddl),
    autoIncrement: serial || row.identity === 'a' || row.identity === 'd',
    comment: (row.comment as string | null) ?? undefined,
  };
  return nativeType === undefined ? column : { ...column, nativeType };
}

/** The logical type of a format_type() text; undefined when there is none. */
function logicalType(formatted: string): ColumnType | undefined {
  const simple = SIMPLE_TYPES[formatted];
  if (simple) return { name: simple };
  let match = /^character varying\((\d+)\)$/.exec(formatted);
  if (match) return { name: 'varchar', length: Number(match[1]) };
  match = /^numeric(?:\((\d+),(\d+)\))?$/.exec(formatted);
  if (match) return match[1] === undefined ? { name: 'numeric' } : { name: 'numeric', precision: Number(match[1]), scale: Number(match[2]) };
  if (/^timestamp(?:\(\d\))? with time zone$/.test(formatted)) return { name: 'timestamptz' };
  if (/^timestamp(?:\(\d\))? without time zone$/.test(formatted)) return { name: 'timestamp' };
  return undefined;
}

/*
 * Reads a SQLite database into Strata's schema model: columns and defaults from pragmas,
 * constraint names, CHECKs, AUTOINCREMENT and foreign keys from the CREATE TABLE text
 * (sqlite-create-parser.ts). Column CHECKs Strata writes for enums, booleans and json
 * read back as those types.
 */
import { type DatabaseSchema, type IntrospectOptions, type SchemaColumn, type SchemaForeignKey, type SchemaTable } from '@strata/core';
import { canonicalSql, catalogText, normalizeSchema, parseDefault, renderTokens, type SchemaQuery, tokenizeSql } from '@strata/core/dialect';
import { parseCreateTable, type ParsedCheck, type ParsedColumn } from './sqlite-create-parser';
import type { SqliteDdl } from './sqlite-ddl';
import { logicalType } from './sqlite-declared-type';

const TABLES = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
const INDEX_SQL = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?";

type Row = Record<string, unknown>;

/**
 * Reads the database into the schema model, normalised for SQLite.
 * @example
 * const schema = await introspectSqlite(query, ddl, { tables: ['users'] });
 */
export async function introspectSqlite(query: SchemaQuery, ddl: SqliteDdl, options: IntrospectOptions = {}): Promise<DatabaseSchema> {
  const wanted = options.tables ? new Set(options.tables) : undefined;
  const tableRows = (await query(TABLES)).filter((r) => !wanted || wanted.has(String(r.name)));
  const primaryKeys = new Map<string, string[]>();
  const keyOf = async (table: string): Promise<string[]> => {
    if (!primaryKeys.has(table)) {
      const rows = await query('SELECT name, pk FROM pragma_table_xinfo(?) WHERE pk > 0 ORDER BY pk', [table]);
      primaryKeys.set(table, rows.map((r) => String(r.name)));
    }
    return primaryKeys.get(table)!;
  };
  const tables: SchemaTable[] = [];
  for (const row of tableRows) tables.push(await readTable(query, ddl, String(row.name), catalogText(row.sql), keyOf));
  return normalizeSchema({ tables, enums: [] }, ddl);
}

async function readTable(query: SchemaQuery, ddl: SqliteDdl, name: string, createSql: string, keyOf: (table: string) => Promise<string[]>): Promise<SchemaTable> {
  const parsed = parseCreateTable(createSql);
  const columnRows = (await query('SELECT * FROM pragma_table_xinfo(?) ORDER BY cid', [name])).filter((r) => Number(r.hidden) !== 1);
  const folded = new Set<ParsedCheck>();
  const columns = columnRows.map((row) => {
    const declared = parsed.columns.find((c) => c.name === row.name);
    return readColumn(row, declared, ddl, folded);
  });
  const pkColumns = columnRows.filter((r) => Number(r.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((r) => String(r.name));
  const inlinePk = parsed.columns.find((c) => c.primaryKey);
  const foreignKeys: SchemaForeignKey[] = [];
  for (const fk of parsed.foreignKeys) {
    foreignKeys.push({
      name: fk.name ?? '',
      columns: fk.columns,
      referencedTable: fk.referencedTable,
      referencedColumns: fk.referencedColumns.length > 0 ? fk.referencedColumns : await keyOf(fk.referencedTable),
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
    });
  }
  const indexSql = new Map((await query(INDEX_SQL, [name])).map((r) => [String(r.name), (r.sql as string | null) ?? '']));
  const indexes = [];
  for (const index of await query('SELECT name, "unique", origin FROM pragma_index_list(?)', [name])) {
    if (index.origin !== 'c') continue;
    const indexName = String(index.name);
    const info = await query('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [indexName]);
    indexes.push({ name: indexName, columns: info.map((r) => String(r.name)), unique: Number(index.unique) === 1, where: whereOf(indexSql.get(indexName) ?? '') });
  }
  const uniques = [
    ...parsed.columns.filter((c) => c.unique).map((c) => ({ name: c.unique!.name ?? '', columns: [c.name] })),
    ...parsed.uniques.map((u) => ({ name: u.name ?? '', columns: u.columns })),
  ];
  const checks = [...parsed.columns.flatMap((c) => c.checks), ...parsed.checks]
    .filter((c) => !folded.has(c))
    .map((c) => ({ name: c.name ?? '', expression: c.expression }));
  return {
    name,
    comment: undefined,
    columns,
    primaryKey: pkColumns.length > 0 ? { name: parsed.primaryKey?.name ?? inlinePk?.primaryKey?.name, columns: pkColumns } : undefined,
    foreignKeys,
    indexes,
    uniques,
    checks,
  };
}

function readColumn(row: Row, declared: ParsedColumn | undefined, ddl: SqliteDdl, folded: Set<ParsedCheck>): SchemaColumn {
  const declaredType = catalogText(row.type);
  let type = logicalType(declaredType);
  const nativeType = type ? undefined : declaredType;
  type ??= { name: 'text' };
  const name = String(row.name);
  const column = renderTokens([{ kind: 'quoted', value: name }]);
  for (const check of declared?.checks ?? []) {
    const canonical = canonicalSql(check.expression, ddl.tokenizeOptions);
    if (type.name === 'boolean' && canonical === `${column} in (0, 1)`) {
      folded.add(check);
    } else if (type.name === 'text' && canonical === `json_valid(${column})`) {
      type = { name: 'json' };
      folded.add(check);
    } else if (type.name === 'text' && nativeType === undefined) {
      const values = inListOf(canonical, column);
      if (values) {
        type = check.name === undefined ? { name: 'enum', enumValues: values } : { name: 'enum', enumValues: values, enumName: check.name };
        folded.add(check);
      }
    }
  }
  const autoIncrement = declared?.primaryKey?.autoincrement === true;
  const defaultText = row.dflt_value as string | null;
  const result: SchemaColumn = {
    name,
    type,
    // An INTEGER PRIMARY KEY is the rowid: never NULL, whatever the pragma says.
    nullable: Number(row.notnull) === 0 && !(autoIncrement || (declared?.primaryKey && /^integer$/i.test(declaredType))),
    default: defaultText === null ? undefined : parseDefault(defaultText, type, ddl),
    autoIncrement,
    comment: undefined,
  };
  return nativeType === undefined ? result : { ...result, nativeType };
}

/** The string values of a canonical `column in ('a', 'b')`; undefined for anything else. */
function inListOf(canonical: string, column: string): string[] | undefined {
  const prefix = `${column} in (`;
  if (!canonical.startsWith(prefix) || !canonical.endsWith(')')) return undefined;
  const tokens = tokenizeSql(canonical.slice(prefix.length, -1));
  const values: string[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const t = tokens[i]!;
    if (t.kind !== 'string' || (i + 1 < tokens.length && tokens[i + 1]!.value !== ',')) return undefined;
    values.push(t.value);
  }
  return values.length > 0 ? values : undefined;
}

/** The condition of a partial index, from its CREATE INDEX text. */
function whereOf(createIndex: string): string | undefined {
  const tokens = tokenizeSql(createIndex, { bracketIdentifiers: true });
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '(') depth++;
    else if (t.kind === 'punct' && t.value === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && t.value.toLowerCase() === 'where') return renderTokens(tokens.slice(i + 1));
  }
  return undefined;
}

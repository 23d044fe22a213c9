/*
 * Puts a schema model into the form one dialect stores and reports: what introspection
 * returns, and what the migration diff compares. Sorts everything by name, reduces types,
 * defaults and actions to what the dialect keeps, and canonicalises SQL expressions.
 */
import type { ColumnType } from '../metadata/column-type';
import type { DdlCompiler } from './ddl-compiler';
import {
  DEFAULT_ACTION,
  normalizeLiteral,
  type ColumnDefault,
  type DatabaseSchema,
  type SchemaColumn,
  type SchemaTable,
  type SchemaUnique,
} from './schema-model';
import { bracketPartners } from './sql-parens';
import { tokenizeSql, type SqlToken } from './sql-text';

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The schema as `ddl`'s dialect would store and report it. Idempotent; applied to
 * introspection results too, so `normalizeSchema(fromMetadata, ddl)` and an introspected
 * schema compare with plain deep equality.
 * @example
 * expect(await introspect(engine)).toEqual(normalizeSchema(metadata.toSchema(), engine.dialect.ddl));
 */
export function normalizeSchema(schema: DatabaseSchema, ddl: DdlCompiler): DatabaseSchema {
  const tables = schema.tables.map((t) => normalizeTable(t, ddl)).sort(byName);
  const enums = ddl.features.nativeEnums
    ? schema.enums.map((e) => Object.freeze({ name: e.name, values: Object.freeze([...e.values]) })).sort(byName)
    : [];
  return Object.freeze({ tables: Object.freeze(tables), enums: Object.freeze(enums) });
}

function normalizeTable(table: SchemaTable, ddl: DdlCompiler): SchemaTable {
  const { features } = ddl;
  const uniques: SchemaUnique[] = table.uniques.map((u) => ({ name: u.name, columns: [...u.columns] }));
  const indexes = [];
  for (const index of table.indexes) {
    const where = index.where === undefined || !features.partialIndexes ? undefined : ddl.normalizeExpression(index.where);
    if (features.uniqueIndexesAreConstraints && index.unique && where === undefined) uniques.push({ name: index.name, columns: [...index.columns] });
    else indexes.push(Object.freeze({ name: index.name, columns: Object.freeze([...index.columns]), unique: index.unique, where }));
  }
  return Object.freeze({
    name: table.name,
    comment: features.comments ? table.comment || undefined : undefined,
    columns: Object.freeze(table.columns.map((c) => normalizeColumn(ddl.storedColumn(c, table), ddl))),
    primaryKey: table.primaryKey
      ? Object.freeze({ name: features.namedPrimaryKeys ? table.primaryKey.name : undefined, columns: Object.freeze([...table.primaryKey.columns]) })
      : undefined,
    foreignKeys: Object.freeze(
      table.foreignKeys
        .map((fk) =>
          Object.freeze({
            name: fk.name,
            columns: Object.freeze([...fk.columns]),
            referencedTable: fk.referencedTable,
            referencedColumns: Object.freeze([...fk.referencedColumns]),
            onDelete: ddl.storedAction(fk.onDelete ?? DEFAULT_ACTION),
            onUpdate: ddl.storedAction(fk.onUpdate ?? DEFAULT_ACTION),
          }),
        )
        .sort(byName),
    ),
    indexes: Object.freeze(indexes.sort(byName)),
    uniques: Object.freeze(uniques.map((u) => Object.freeze({ name: u.name, columns: Object.freeze(u.columns) })).sort(byName)),
    checks: Object.freeze(table.checks.map((c) => Object.freeze({ name: c.name, expression: ddl.normalizeExpression(c.expression) })).sort(byName)),
  });
}

function normalizeColumn(column: SchemaColumn, ddl: DdlCompiler): SchemaColumn {
  const type = baseType(column.type);
  let value: ColumnDefault | undefined;
  if (!column.autoIncrement && column.default !== undefined) {
    value = column.default.kind === 'literal'
      ? { kind: 'literal', value: normalizeLiteral(type, column.default.value) }
      : parseDefault(column.default.sql, type, ddl);
  }
  const normal: { -readonly [K in keyof SchemaColumn]: SchemaColumn[K] } = {
    name: column.name,
    type,
    nullable: column.nullable,
    default: value === undefined ? undefined : Object.freeze(value),
    autoIncrement: column.autoIncrement,
    comment: ddl.features.comments ? column.comment || undefined : undefined,
  };
  if (column.nativeType !== undefined) normal.nativeType = column.nativeType;
  return Object.freeze(normal);
}

/** A logical type with only the parameters that matter for its name; a custom type becomes its storage type. */
export function baseType(type: ColumnType): ColumnType {
  const out: { -readonly [K in keyof ColumnType]: ColumnType[K] } = { name: type.name };
  if (type.name === 'varchar' && type.length !== undefined) out.length = type.length;
  if (type.name === 'numeric' && type.precision !== undefined) {
    out.precision = type.precision;
    out.scale = type.scale ?? 0;
  }
  if (type.name === 'enum') {
    out.enumValues = Object.freeze([...(type.enumValues ?? [])]);
    if (type.enumName !== undefined) out.enumName = type.enumName;
  }
  return Object.freeze(out);
}

/**
 * Reads a default as a catalog reports it (or as metadata wrote it): a lone string, number
 * or boolean (casts and parentheses aside) is a literal; NULL is no default; anything else
 * is an expression in canonical form.
 */
export function parseDefault(text: string, type: ColumnType, ddl: DdlCompiler): ColumnDefault | undefined {
  let tokens = tokenizeSql(text, ddl.tokenizeOptions);
  tokens = stripLiteralDecoration(tokens);
  if (tokens.length === 1) {
    const [t] = tokens as [SqlToken];
    if (t.kind === 'word' && t.value.toLowerCase() === 'null') return undefined;
    if (t.kind === 'string' || t.kind === 'number') return { kind: 'literal', value: normalizeLiteral(type, t.value) };
    if (t.kind === 'word' && ['true', 'false'].includes(t.value.toLowerCase())) {
      return { kind: 'literal', value: normalizeLiteral(type, t.value.toLowerCase() === 'true') };
    }
  }
  if (tokens.length === 2 && tokens[0]!.kind === 'punct' && tokens[0]!.value === '-' && tokens[1]!.kind === 'number') {
    return { kind: 'literal', value: normalizeLiteral(type, `-${tokens[1]!.value}`) };
  }
  return { kind: 'expression', sql: ddl.normalizeExpression(text) };
}

/** Drops wrapping parentheses and a trailing cast, the decoration catalogs put around a literal. */
function stripLiteralDecoration(tokens: SqlToken[]): SqlToken[] {
  // One pass of preparation, then each layer comes off in constant time: a window [start, end).
  const partner = bracketPartners(tokens);
  const nextCast = new Int32Array(tokens.length + 1).fill(tokens.length);
  const notTypeSyntax = new Int32Array(tokens.length + 1);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    nextCast[i] = t.kind === 'punct' && t.value === '::' ? i : nextCast[i + 1]!;
  }
  tokens.forEach((t, i) => {
    const bad = t.kind === 'punct' && !['(', ')', '[', ']', ',', '.'].includes(t.value);
    notTypeSyntax[i + 1] = notTypeSyntax[i]! + (bad ? 1 : 0);
  });
  let start = 0;
  let end = tokens.length;
  for (let changed = true; changed && start < end; ) {
    changed = false;
    const first = tokens[start]!;
    // A bracket closed beyond the window is unclosed within it: matching() answers the window's last index.
    if (first.kind === 'punct' && first.value === '(' && Math.min(partner[start]!, end - 1) === end - 1) {
      start++;
      end--;
      changed = true;
      continue;
    }
    const cast = nextCast[start]!;
    if (cast > start && cast < end && notTypeSyntax[end]! - notTypeSyntax[cast + 1]! === 0) {
      end = cast;
      changed = true;
    }
  }
  return tokens.slice(start, end);
}

/*
 * Orders the DDL of a whole schema: enum types, tables in foreign-key dependency order,
 * indexes, then foreign keys (added after every table exists, so cycles need nothing
 * special) - or inline in CREATE TABLE where the dialect cannot add them later. Drops
 * run in the reverse order. Pure: statements in, no database.
 */
import type { DdlCompiler } from './ddl-compiler';
import type { DatabaseSchema, SchemaTable } from './schema-model';

/** What already exists, so a `checkFirst` create skips it. */
export interface ExistingObjects {
  readonly tables: ReadonlySet<string>;
  readonly enums: ReadonlySet<string>;
}

const NOTHING: ExistingObjects = { tables: new Set(), enums: new Set() };

/**
 * Tables ordered so that each comes after the tables it references. Self-references are
 * ignored; a cycle is broken at one of its own tables (found by following references from
 * the first waiting table), so the order is stable and tables outside the cycle still wait.
 */
export function dependencyOrder(tables: readonly SchemaTable[]): SchemaTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const placed = new Set<string>();
  const waitingOn = (t: SchemaTable) =>
    t.foreignKeys.map((fk) => fk.referencedTable).filter((name) => name !== t.name && !placed.has(name) && byName.has(name));
  const order: SchemaTable[] = [];
  const pending = [...tables];
  while (pending.length > 0) {
    let next = pending.find((t) => waitingOn(t).length === 0);
    if (!next) {
      const seen = new Set<SchemaTable>();
      for (next = pending[0]!; !seen.has(next); next = byName.get(waitingOn(next)[0]!)!) seen.add(next);
    }
    pending.splice(pending.indexOf(next), 1);
    placed.add(next.name);
    order.push(next);
  }
  return order;
}

/**
 * The statements that create `schema`, skipping the tables and enum types in `existing`
 * (and the indexes and foreign keys of skipped tables).
 * @example
 * createStatements(metadata.toSchema(), engine.dialect.ddl).join(';\n')
 */
export function createStatements(schema: DatabaseSchema, ddl: DdlCompiler, existing: ExistingObjects = NOTHING): string[] {
  const { inlineForeignKeys, nativeEnums } = ddl.features;
  const statements: string[] = [];
  if (nativeEnums) for (const e of schema.enums) if (!existing.enums.has(e.name)) statements.push(ddl.createEnum(e));
  const tables = dependencyOrder(schema.tables).filter((t) => !existing.tables.has(t.name));
  for (const table of tables) statements.push(...ddl.createTable(table, { foreignKeys: inlineForeignKeys }));
  for (const table of tables) for (const index of table.indexes) statements.push(ddl.createIndex(table, index));
  if (!inlineForeignKeys) for (const table of tables) for (const fk of table.foreignKeys) statements.push(ddl.addForeignKey(table, fk));
  return statements;
}

/**
 * The statements that drop `schema`: the dialect's opening statements, tables in reverse
 * dependency order, then enum types. `ifExists` makes each drop tolerate a missing object.
 * `after` must run even when a drop fails.
 */
export function dropStatements(schema: DatabaseSchema, ddl: DdlCompiler, ifExists: boolean): { statements: string[]; after: string[] } {
  const statements = [...ddl.beforeDropAll()];
  for (const table of dependencyOrder(schema.tables).reverse()) statements.push(ddl.dropTable(table.name, ifExists));
  if (ddl.features.nativeEnums) for (const e of schema.enums) statements.push(ddl.dropEnum(e.name, ifExists));
  return { statements, after: ddl.afterDropAll() };
}

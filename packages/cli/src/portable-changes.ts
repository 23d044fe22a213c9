/*
 * Between the diff and the revision file: the diff compares schemas normalised for the
 * dialect at hand, which drop what that dialect cannot keep (comments on SQLite, enum
 * names and the timestamp kind on MySQL, partial-index conditions). A file written from
 * those would lose them on the other dialects, so what a change adds is taken from the
 * entities' own schema model instead, and the file applies the same on all three.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DatabaseSchema, SchemaColumn, SchemaTable } from '@strata/core';
import type { SchemaChange } from '@strata/core/dialect';

const COLUMN_FIELDS = ['type', 'nullable', 'default', 'autoIncrement', 'comment'] as const;

/**
 * `changes` (from `diffSchemas` over normalised schemas) with every object they create or
 * change into replaced by its form in `model`, the un-normalised schema of the entities.
 * A unique index that the dialect reports as a unique constraint (MySQL) goes back to being
 * an index. Objects the model does not have (drops, and what down() recreates) stay as read.
 * @example
 * renderRevision({ ...draft, changes: portableChanges(diffSchemas(live, wanted), metadata.toSchema()) });
 */
export function portableChanges(changes: readonly SchemaChange[], model: DatabaseSchema): SchemaChange[] {
  const tables = new Map(model.tables.map((t) => [t.name, t]));
  const enums = new Map(model.enums.map((e) => [e.name, e]));
  return changes.map((change): SchemaChange => {
    const table = tables.get(change.kind === 'createTable' || change.kind === 'dropTable' ? change.table.name : 'table' in change ? change.table : '');
    switch (change.kind) {
      case 'createEnum':
        return { ...change, enum: enums.get(change.enum.name) ?? change.enum };
      case 'createTable':
        if (!table) return change;
        // The diff decides which foreign keys go inline; the model gives their form.
        return { ...change, table: { ...table, foreignKeys: table.foreignKeys.filter((fk) => change.table.foreignKeys.some((f) => f.name === fk.name)) } };
      case 'addColumn':
        return { ...change, column: columnIn(table, change.column.name) ?? change.column };
      case 'alterColumn': {
        const to = columnIn(table, change.to.name);
        return to ? { ...change, from: portableFrom(change.from, change.to, to), to } : change;
      }
      case 'alterPrimaryKey':
        return table?.primaryKey && change.to ? { ...change, to: table.primaryKey } : change;
      case 'createIndex':
        return { ...change, index: table?.indexes.find((i) => i.name === change.index.name) ?? change.index };
      case 'addUnique': {
        const index = table?.indexes.find((i) => i.name === change.unique.name);
        if (index) return { kind: 'createIndex', table: change.table, index };
        return { ...change, unique: table?.uniques.find((u) => u.name === change.unique.name) ?? change.unique };
      }
      case 'addForeignKey':
        return { ...change, foreignKey: table?.foreignKeys.find((fk) => fk.name === change.foreignKey.name) ?? change.foreignKey };
      case 'addCheck':
        return { ...change, check: table?.checks.find((c) => c.name === change.check.name) ?? change.check };
      default:
        return change;
    }
  });
}

function columnIn(table: SchemaTable | undefined, name: string): SchemaColumn | undefined {
  return table?.columns.find((c) => c.name === name);
}

/**
 * The column before an alteration, in the model's terms: each attribute the dialect saw
 * unchanged takes the model's value, so the file changes exactly what the diff found (and
 * `existing` describes the column as the other dialects have it).
 */
function portableFrom(from: SchemaColumn, normalTo: SchemaColumn, to: SchemaColumn): SchemaColumn {
  const out: { -readonly [K in keyof SchemaColumn]: SchemaColumn[K] } = { ...from };
  for (const field of COLUMN_FIELDS) {
    if (isDeepStrictEqual(from[field], normalTo[field])) (out as Record<string, unknown>)[field] = to[field];
  }
  if (out.type.name === 'enum' && out.type.enumName === undefined && to.type.name === 'enum' && to.type.enumName !== undefined) {
    out.type = { ...out.type, enumName: to.type.enumName };
  }
  return out;
}

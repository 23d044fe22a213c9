/*
 * What a schema change costs beyond its DDL, on one dialect: data lost (noted here for
 * every dialect) and a table rewritten, copied, rebuilt or locked (the dialect's migration
 * hooks). Autogenerate writes these into a new file for the database it compared; upgrade
 * works them out again, from the steps it runs, for the database it migrates.
 */
import { type ColumnType } from '@strata/core';
import { narrowsType, type MigrationHooks, type SchemaChange } from '@strata/core/dialect';

/**
 * What a change costs beyond its DDL. Notes starting with '!' are warnings (data loss, a
 * rewrite or a long lock); the others are advice shown as comments only. Data loss is
 * noted here for every dialect; what a change rewrites or locks comes from the dialect's
 * migration hooks (`engine.dialect.migrations`).
 * @example
 * warningsFor(change, engine.dialect.migrations) // ['!drops table tags and its rows (...)']
 */
export function warningsFor(change: SchemaChange, migrations?: Pick<MigrationHooks, 'changeNotes'>): string[] {
  const notes: string[] = [];
  switch (change.kind) {
    case 'dropTable':
      notes.push(`!drops table ${change.table.name} and its rows (irreversible: down() recreates it empty)`);
      break;
    case 'dropColumn':
      notes.push(`!drops column ${change.table}.${change.column.name} and its values (irreversible)`);
      break;
    case 'addColumn': {
      const { column } = change;
      if (!column.nullable && column.default === undefined && !column.autoIncrement) {
        return [`!adds NOT NULL column ${change.table}.${column.name} without a default: fails if ${change.table} has rows (add it nullable, backfill, then make it NOT NULL)`];
      }
      break;
    }
    case 'alterColumn': {
      const { from, to, table } = change;
      if (narrowsType(from.type, to.type)) notes.push(`!may truncate or reject values of ${table}.${to.name} (${typeText(from.type)} -> ${typeText(to.type)})`);
      break;
    }
    case 'alterPrimaryKey':
      notes.push(`!replaces the primary key of ${change.table}: rewrites or rebuilds the table`);
      break;
  }
  for (const note of migrations?.changeNotes(change) ?? []) notes.push(note.warning ? `!${note.text}` : note.text);
  return notes;
}

/** A column type as notes and `strata check` show it: `varchar(100)`, `numeric(12,2)`, `enum(a, b)`. */
export function typeText(type: ColumnType): string {
  if (type.name === 'varchar') return `varchar(${type.length ?? 255})`;
  if (type.name === 'numeric' && type.precision !== undefined) return `numeric(${type.precision},${type.scale ?? 0})`;
  if (type.name === 'enum') return `enum(${(type.enumValues ?? []).join(', ')})`;
  return type.name;
}

/*
 * Enum types as the columns of a live schema use them, for dialects that keep enum values
 * in the column (MySQL's ENUM, SQLite's CHECK) and have no enum objects to introspect. The
 * migration diff compares these with the model's enum types, so a revision generated on
 * such a dialect still creates and drops the types a dialect with named enums needs.
 */
import type { DatabaseSchema, SchemaEnum } from './schema-model';

/**
 * One enum type per name the enum columns of `live` use, with the values of the first
 * column using it, sorted by name. A column whose dialect does not keep the name (MySQL)
 * takes the name of the enum column at the same place in `model`, else `fallbackName`.
 * @example
 * const live = { ...schema, enums: columnEnums(schema, metadata.toSchema(), (t, c) => naming.enumTypeName(t, c)) };
 */
export function columnEnums(live: DatabaseSchema, model: DatabaseSchema, fallbackName: (table: string, column: string) => string): SchemaEnum[] {
  const modelTables = new Map(model.tables.map((t) => [t.name, t]));
  const enums = new Map<string, SchemaEnum>();
  for (const table of live.tables) {
    for (const column of table.columns) {
      if (column.type.name !== 'enum') continue;
      const counterpart = modelTables.get(table.name)?.columns.find((c) => c.name === column.name)?.type;
      const name = column.type.enumName ?? (counterpart?.name === 'enum' ? counterpart.enumName : undefined) ?? fallbackName(table.name, column.name);
      if (!enums.has(name)) enums.set(name, Object.freeze({ name, values: Object.freeze([...(column.type.enumValues ?? [])]) }));
    }
  }
  return [...enums.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

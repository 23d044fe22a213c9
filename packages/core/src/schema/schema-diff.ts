/*
 * Compares two schemas (both normalised for one dialect, so they compare by plain
 * equality) and lists the changes that turn the first into the second, in an order that
 * works: constraints that go are dropped first, tables are created in dependency order,
 * columns added before they are indexed, foreign keys added last, tables dropped at the end.
 * Renames are never guessed: a renamed table or column shows as a drop and an add.
 */
import { isDeepStrictEqual } from 'node:util';
import { dependencyOrder } from './ddl-plan';
import type { DatabaseSchema, SchemaCheck, SchemaColumn, SchemaEnum, SchemaForeignKey, SchemaIndex, SchemaPrimaryKey, SchemaTable, SchemaUnique } from './schema-model';

/** One change between two schemas. Each carries what it needs to be undone. */
export type SchemaChange =
  | { readonly kind: 'createEnum'; readonly enum: SchemaEnum }
  | { readonly kind: 'dropEnum'; readonly enum: SchemaEnum }
  | { readonly kind: 'addEnumValues'; readonly name: string; readonly values: readonly string[]; readonly before: SchemaEnum }
  | { readonly kind: 'createTable'; readonly table: SchemaTable }
  | { readonly kind: 'dropTable'; readonly table: SchemaTable }
  | { readonly kind: 'addColumn'; readonly table: string; readonly column: SchemaColumn }
  | { readonly kind: 'dropColumn'; readonly table: string; readonly column: SchemaColumn }
  | { readonly kind: 'alterColumn'; readonly table: string; readonly from: SchemaColumn; readonly to: SchemaColumn }
  | { readonly kind: 'alterPrimaryKey'; readonly table: string; readonly from: SchemaPrimaryKey | undefined; readonly to: SchemaPrimaryKey | undefined }
  | { readonly kind: 'createIndex'; readonly table: string; readonly index: SchemaIndex }
  | { readonly kind: 'dropIndex'; readonly table: string; readonly index: SchemaIndex }
  | { readonly kind: 'addForeignKey'; readonly table: string; readonly foreignKey: SchemaForeignKey }
  | { readonly kind: 'dropForeignKey'; readonly table: string; readonly foreignKey: SchemaForeignKey }
  | { readonly kind: 'addUnique'; readonly table: string; readonly unique: SchemaUnique }
  | { readonly kind: 'dropUnique'; readonly table: string; readonly unique: SchemaUnique }
  | { readonly kind: 'addCheck'; readonly table: string; readonly check: SchemaCheck }
  | { readonly kind: 'dropCheck'; readonly table: string; readonly check: SchemaCheck };

/** Options of `diffSchemas`. */
export interface DiffOptions {
  /** Tables to leave out on both sides (e.g. the migrations' own version table). */
  readonly ignoreTables?: readonly string[];
  /** New tables carry their foreign keys in CREATE TABLE (SQLite) instead of separate additions; a key to a table created after them (a cycle) is still added separately. */
  readonly inlineForeignKeys?: boolean;
}

/**
 * The changes that turn `current` into `target`. Both must be normalised for the same
 * dialect (`normalizeSchema`); an empty list means they match.
 * @example
 * const changes = diffSchemas(await introspect(engine), normalizeSchema(metadata.toSchema(), engine.dialect.ddl));
 */
export function diffSchemas(current: DatabaseSchema, target: DatabaseSchema, options: DiffOptions = {}): SchemaChange[] {
  const ignored = new Set(options.ignoreTables ?? []);
  const from = new Map(current.tables.filter((t) => !ignored.has(t.name)).map((t) => [t.name, t]));
  const to = new Map(target.tables.filter((t) => !ignored.has(t.name)).map((t) => [t.name, t]));
  const steps = {
    dropForeignKeys: [] as SchemaChange[],
    dropConstraints: [] as SchemaChange[],
    enums: [] as SchemaChange[],
    createTables: [] as SchemaChange[],
    addColumns: [] as SchemaChange[],
    alterColumns: [] as SchemaChange[],
    dropColumns: [] as SchemaChange[],
    addConstraints: [] as SchemaChange[],
    addForeignKeys: [] as SchemaChange[],
    dropTables: [] as SchemaChange[],
    dropEnums: [] as SchemaChange[],
  };

  const currentEnums = new Map(current.enums.map((e) => [e.name, e]));
  const targetEnums = new Map(target.enums.map((e) => [e.name, e]));
  for (const [name, wanted] of targetEnums) {
    const existing = currentEnums.get(name);
    if (!existing) steps.enums.push({ kind: 'createEnum', enum: wanted });
    else if (!isDeepStrictEqual(existing.values, wanted.values)) {
      const added = wanted.values.filter((v) => !existing.values.includes(v));
      const kept = existing.values.every((v) => wanted.values.includes(v));
      if (kept && added.length > 0) steps.enums.push({ kind: 'addEnumValues', name, values: added, before: existing });
      else {
        // Values removed or reordered: the type must be replaced (its columns follow it).
        steps.dropEnums.push({ kind: 'dropEnum', enum: existing });
        steps.enums.push({ kind: 'createEnum', enum: wanted });
      }
    }
  }
  for (const [name, existing] of currentEnums) if (!targetEnums.has(name)) steps.dropEnums.push({ kind: 'dropEnum', enum: existing });

  const created = dependencyOrder([...to.values()].filter((t) => !from.has(t.name)));
  const ready = new Set(from.keys());
  for (const table of created) {
    ready.add(table.name);
    // Inline keys only to tables that exist by then: in a cycle, the key that closes it is
    // added after both tables, so the file also runs where keys are added after CREATE TABLE.
    const inline = options.inlineForeignKeys ? table.foreignKeys.filter((fk) => ready.has(fk.referencedTable)) : [];
    steps.createTables.push({ kind: 'createTable', table: inline.length === table.foreignKeys.length ? table : { ...table, foreignKeys: inline } });
    for (const foreignKey of table.foreignKeys) if (!inline.includes(foreignKey)) steps.addForeignKeys.push({ kind: 'addForeignKey', table: table.name, foreignKey });
  }
  const dropped = dependencyOrder([...from.values()].filter((t) => !to.has(t.name))).reverse();
  for (const table of dropped) steps.dropTables.push({ kind: 'dropTable', table });

  for (const [name, wanted] of to) {
    const existing = from.get(name);
    if (!existing) continue;
    diffTable(existing, wanted, steps);
  }
  return [
    ...steps.dropForeignKeys,
    ...steps.dropConstraints,
    ...steps.enums,
    ...steps.createTables,
    ...steps.addColumns,
    ...steps.alterColumns,
    ...steps.dropColumns,
    ...steps.addConstraints,
    ...steps.addForeignKeys,
    ...steps.dropTables,
    ...steps.dropEnums,
  ];
}

type Steps = Record<
  'dropForeignKeys' | 'dropConstraints' | 'addColumns' | 'alterColumns' | 'dropColumns' | 'addConstraints' | 'addForeignKeys',
  SchemaChange[]
>;

function diffTable(existing: SchemaTable, wanted: SchemaTable, steps: Steps): void {
  const table = wanted.name;
  const oldColumns = new Map(existing.columns.map((c) => [c.name, c]));
  const newColumns = new Map(wanted.columns.map((c) => [c.name, c]));
  for (const column of wanted.columns) {
    const before = oldColumns.get(column.name);
    if (!before) steps.addColumns.push({ kind: 'addColumn', table, column });
    else if (!isDeepStrictEqual(before, column)) steps.alterColumns.push({ kind: 'alterColumn', table, from: before, to: column });
  }
  for (const column of existing.columns) if (!newColumns.has(column.name)) steps.dropColumns.push({ kind: 'dropColumn', table, column });
  if (!isDeepStrictEqual(existing.primaryKey, wanted.primaryKey)) {
    steps.alterColumns.push({ kind: 'alterPrimaryKey', table, from: existing.primaryKey, to: wanted.primaryKey });
  }
  pairUp(existing.foreignKeys, wanted.foreignKeys, (foreignKey) => steps.dropForeignKeys.push({ kind: 'dropForeignKey', table, foreignKey }), (foreignKey) =>
    steps.addForeignKeys.push({ kind: 'addForeignKey', table, foreignKey }),
  );
  pairUp(existing.indexes, wanted.indexes, (index) => steps.dropConstraints.push({ kind: 'dropIndex', table, index }), (index) =>
    steps.addConstraints.push({ kind: 'createIndex', table, index }),
  );
  pairUp(existing.uniques, wanted.uniques, (unique) => steps.dropConstraints.push({ kind: 'dropUnique', table, unique }), (unique) =>
    steps.addConstraints.push({ kind: 'addUnique', table, unique }),
  );
  pairUp(existing.checks, wanted.checks, (check) => steps.dropConstraints.push({ kind: 'dropCheck', table, check }), (check) =>
    steps.addConstraints.push({ kind: 'addCheck', table, check }),
  );
}

/** Objects matched by name: those gone or changed are dropped, those new or changed are added. */
function pairUp<T extends { readonly name: string }>(before: readonly T[], after: readonly T[], drop: (item: T) => void, add: (item: T) => void): void {
  const wanted = new Map(after.map((item) => [item.name, item]));
  const existing = new Map(before.map((item) => [item.name, item]));
  for (const item of before) {
    const next = wanted.get(item.name);
    if (!next || !isDeepStrictEqual(item, next)) drop(item);
  }
  for (const item of after) {
    const previous = existing.get(item.name);
    if (!previous || !isDeepStrictEqual(previous, item)) add(item);
  }
}

/** The change that undoes `change`. */
export function invertChange(change: SchemaChange): SchemaChange {
  switch (change.kind) {
    case 'createEnum':
      return { kind: 'dropEnum', enum: change.enum };
    case 'dropEnum':
      return { kind: 'createEnum', enum: change.enum };
    case 'addEnumValues':
      // PostgreSQL cannot remove enum values: undoing means replacing the type.
      return { kind: 'createEnum', enum: change.before };
    case 'createTable':
      return { kind: 'dropTable', table: change.table };
    case 'dropTable':
      return { kind: 'createTable', table: change.table };
    case 'addColumn':
      return { kind: 'dropColumn', table: change.table, column: change.column };
    case 'dropColumn':
      return { kind: 'addColumn', table: change.table, column: change.column };
    case 'alterColumn':
      return { kind: 'alterColumn', table: change.table, from: change.to, to: change.from };
    case 'alterPrimaryKey':
      return { kind: 'alterPrimaryKey', table: change.table, from: change.to, to: change.from };
    case 'createIndex':
      return { kind: 'dropIndex', table: change.table, index: change.index };
    case 'dropIndex':
      return { kind: 'createIndex', table: change.table, index: change.index };
    case 'addForeignKey':
      return { kind: 'dropForeignKey', table: change.table, foreignKey: change.foreignKey };
    case 'dropForeignKey':
      return { kind: 'addForeignKey', table: change.table, foreignKey: change.foreignKey };
    case 'addUnique':
      return { kind: 'dropUnique', table: change.table, unique: change.unique };
    case 'dropUnique':
      return { kind: 'addUnique', table: change.table, unique: change.unique };
    case 'addCheck':
      return { kind: 'dropCheck', table: change.table, check: change.check };
    case 'dropCheck':
      return { kind: 'addCheck', table: change.table, check: change.check };
  }
}

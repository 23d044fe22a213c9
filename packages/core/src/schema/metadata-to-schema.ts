/*
 * Builds the schema model from resolved entity metadata: one table per entity, one per
 * implicit many-to-many association, foreign keys from owning to-one relationships, an
 * index on every foreign key that no key or index already covers, and the enum types.
 */
import { MetadataError } from '../errors/errors';
import type { ColumnMetadata, EntityMetadata, JoinTableMetadata, RelationMetadata } from '../metadata/entity-metadata';
import type { NamingStrategy } from '../metadata/naming-strategy';
import {
  DEFAULT_ACTION,
  type ColumnDefault,
  type DatabaseSchema,
  type SchemaColumn,
  type SchemaEnum,
  type SchemaForeignKey,
  type SchemaIndex,
  type SchemaTable,
} from './schema-model';
import { baseType } from './schema-normalizer';

/**
 * The schema that `entities` map to, with names chosen by `naming`.
 *
 * Foreign keys get an index of their own unless their columns are already a leading part
 * of the primary key, a unique constraint or another index: deleting a parent and loading
 * a one-to-many both look rows up by the foreign key (MySQL would create one anyway).
 */
export function schemaFromMetadata(entities: readonly EntityMetadata[], naming: NamingStrategy): DatabaseSchema {
  const tables: SchemaTable[] = [];
  const enums = new Map<string, SchemaEnum & { owner: string }>();
  for (const entity of entities) {
    tables.push(entityTable(entity, naming));
    for (const column of entity.columns) collectEnum(enums, entity, column);
  }
  const associations = new Map<string, { table: SchemaTable; where: string }>();
  for (const entity of entities) {
    for (const relation of entity.relations) {
      if (!relation.owner || !relation.joinTable || relation.joinTable.entity) continue;
      const where = `${entity.name}.${relation.propertyName}`;
      const table = associationTable(relation, relation.joinTable, naming);
      const clash = associations.get(table.name) ?? (tables.some((t) => t.name === table.name) ? { where: 'an entity table' } : undefined);
      if (clash) {
        throw new MetadataError(`${where}: the association table '${table.name}' is also used by ${clash.where}; give one of them another joinTable name.`);
      }
      associations.set(table.name, { table, where });
    }
  }
  for (const { table } of associations.values()) tables.push(table);
  return Object.freeze({
    tables: Object.freeze(tables),
    enums: Object.freeze([...enums.values()].map(({ name, values }) => Object.freeze({ name, values }))),
  });
}

function entityTable(entity: EntityMetadata, naming: NamingStrategy): SchemaTable {
  const foreignKeys = entity.relations
    .filter((r) => r.owner && !r.joinTable && r.foreignKey.length > 0 && (r.kind === 'many-to-one' || r.kind === 'one-to-one'))
    .map((r) => relationForeignKey(r));
  const primaryKey = Object.freeze({ name: entity.primaryKeyName, columns: Object.freeze(entity.primaryKey.map((c) => c.columnName)) });
  const uniques = entity.uniques.map((u) => Object.freeze({ name: u.name, columns: Object.freeze([...u.columns]) }));
  const indexes: SchemaIndex[] = entity.indexes.map((i) => Object.freeze({ name: i.name, columns: Object.freeze([...i.columns]), unique: i.unique, where: i.where }));
  addForeignKeyIndexes(entity.tableName, foreignKeys, primaryKey.columns, uniques, indexes, naming);
  return Object.freeze({
    name: entity.tableName,
    comment: entity.comment,
    columns: Object.freeze(entity.columns.map(schemaColumn)),
    primaryKey,
    foreignKeys: Object.freeze(foreignKeys),
    indexes: Object.freeze(indexes),
    uniques: Object.freeze(uniques),
    checks: Object.freeze(entity.checks.map((c) => Object.freeze({ name: c.name, expression: c.expression }))),
  });
}

function schemaColumn(column: ColumnMetadata): SchemaColumn {
  let value: ColumnDefault | undefined;
  const given = column.serverDefault;
  if (given !== undefined) {
    // The metadata builder refuses bound values in a serverDefault, so the text is the whole expression.
    value = 'sql' in given ? { kind: 'expression', sql: given.sql.strings.join('') } : { kind: 'literal', value: given.value };
  }
  return Object.freeze({
    name: column.columnName,
    type: baseType(column.type),
    nullable: column.nullable,
    default: value === undefined ? undefined : Object.freeze(value),
    autoIncrement: column.generated === 'increment',
    comment: column.comment,
  });
}

function relationForeignKey(relation: RelationMetadata): SchemaForeignKey {
  const columns = relation.foreignKey.map((fk) => fk.column.columnName);
  return Object.freeze({
    // Named by the metadata (set for every owning to-one), so a violation maps back to this key.
    name: relation.foreignKeyName!,
    columns: Object.freeze(columns),
    referencedTable: relation.target.tableName,
    referencedColumns: Object.freeze(relation.foreignKey.map((fk) => fk.referenced.columnName)),
    onDelete: relation.onDelete ?? DEFAULT_ACTION,
    onUpdate: relation.onUpdate ?? DEFAULT_ACTION,
  });
}

/** An implicit association table: both key sets, a composite primary key, and cascading foreign keys to both sides. */
function associationTable(relation: RelationMetadata, joinTable: JoinTableMetadata, naming: NamingStrategy): SchemaTable {
  const name = joinTable.tableName;
  const side = (pairs: JoinTableMetadata['ownerColumns'], target: EntityMetadata, constraintName: string): SchemaForeignKey => {
    const columns = pairs.map((p) => p.name);
    return Object.freeze({
      name: constraintName,
      columns: Object.freeze(columns),
      referencedTable: target.tableName,
      referencedColumns: Object.freeze(pairs.map((p) => p.referenced.columnName)),
      onDelete: 'CASCADE',
      onUpdate: DEFAULT_ACTION,
    });
  };
  const foreignKeys = [side(joinTable.ownerColumns, relation.entity, joinTable.ownerForeignKeyName), side(joinTable.targetColumns, relation.target, joinTable.targetForeignKeyName)];
  const columns = [...joinTable.ownerColumns, ...joinTable.targetColumns].map((p) =>
    Object.freeze({ name: p.name, type: baseType(p.referenced.type), nullable: false, default: undefined, autoIncrement: false, comment: undefined }),
  );
  const primaryKey = Object.freeze({ name: joinTable.primaryKeyName, columns: Object.freeze(columns.map((c) => c.name)) });
  const indexes: SchemaIndex[] = [];
  addForeignKeyIndexes(name, foreignKeys, primaryKey.columns, [], indexes, naming);
  return Object.freeze({
    name,
    comment: undefined,
    columns: Object.freeze(columns),
    primaryKey,
    foreignKeys: Object.freeze(foreignKeys),
    indexes: Object.freeze(indexes),
    uniques: Object.freeze([]),
    checks: Object.freeze([]),
  });
}

function addForeignKeyIndexes(
  table: string,
  foreignKeys: readonly SchemaForeignKey[],
  primaryKey: readonly string[],
  uniques: readonly { readonly columns: readonly string[] }[],
  indexes: SchemaIndex[],
  naming: NamingStrategy,
): void {
  const leads = (columns: readonly string[], prefix: readonly string[]) => prefix.length <= columns.length && prefix.every((c, i) => columns[i] === c);
  for (const fk of foreignKeys) {
    const covered = [primaryKey, ...uniques.map((u) => u.columns), ...indexes.filter((i) => i.where === undefined).map((i) => i.columns)];
    if (covered.some((columns) => leads(columns, fk.columns))) continue;
    const name = naming.indexName(table, fk.columns);
    if (indexes.some((i) => i.name === name)) continue;
    indexes.push(Object.freeze({ name, columns: Object.freeze([...fk.columns]), unique: false, where: undefined }));
  }
}

function collectEnum(enums: Map<string, SchemaEnum & { owner: string }>, entity: EntityMetadata, column: ColumnMetadata): void {
  const { type } = column;
  if (type.name !== 'enum' || type.enumName === undefined) return;
  const values = Object.freeze([...(type.enumValues ?? [])]);
  const where = `${entity.name}.${column.propertyName ?? column.columnName}`;
  const known = enums.get(type.enumName);
  if (!known) {
    enums.set(type.enumName, { name: type.enumName, values, owner: where });
  } else if (known.values.join('\u0000') !== values.join('\u0000')) {
    throw new MetadataError(
      `${where} and ${known.owner} both use the enum type '${type.enumName}' with different values; give one of them another enumName.`,
    );
  }
}

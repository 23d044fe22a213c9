/*
 * The association table of a many-to-many relationship as an entity the statement compiler
 * can write: the explicit association entity when there is one, else columns shaped like
 * the keys they hold.
 */
import { MetadataError } from '../../errors/errors';
import type { ColumnMetadata, EntityMetadata, JoinTableMetadata } from '../../metadata/entity-metadata';

const entities = new WeakMap<JoinTableMetadata, EntityMetadata>();

/**
 * The association table as an entity the statement compiler can write: the explicit
 * association entity when there is one, else columns shaped like the keys they hold.
 */
export function associationEntity(joinTable: JoinTableMetadata): EntityMetadata {
  if (joinTable.entity) return joinTable.entity;
  let entity = entities.get(joinTable);
  if (entity) return entity;
  const columns: ColumnMetadata[] = [...joinTable.ownerColumns, ...joinTable.targetColumns].map((c) =>
    Object.freeze({
      ...c.referenced,
      entityName: joinTable.tableName,
      propertyName: c.name,
      columnName: c.name,
      primary: true,
      generated: undefined,
      default: undefined,
      serverDefault: undefined,
      unique: false,
      role: undefined,
      relationProperty: undefined,
    }),
  );
  entity = Object.freeze({
    target: Object,
    name: joinTable.tableName,
    tableName: joinTable.tableName,
    comment: undefined,
    columns: Object.freeze(columns),
    primaryKey: Object.freeze(columns),
    primaryKeyName: joinTable.primaryKeyName,
    relations: Object.freeze([]),
    indexes: Object.freeze([]),
    uniques: Object.freeze([]),
    checks: Object.freeze([]),
    versionColumn: undefined,
    column: (property: string) => columns.find((c) => c.propertyName === property),
    relation: () => undefined,
  });
  entities.set(joinTable, entity);
  return entity;
}

export function columnOf(entity: EntityMetadata, name: string): ColumnMetadata {
  const column = entity.columns.find((c) => c.columnName === name);
  if (!column) {
    // The join table's columns are built from the same metadata: a missing one is a bug in Strata, not in the entities.
    throw new MetadataError(`The association table ${entity.tableName} has no column ${name}, though its relationship names it; please report this with the two entities' declarations.`);
  }
  return column;
}

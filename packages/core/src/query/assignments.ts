/*
 * Turns `{ property: value }` objects of insert, update and upsert into column
 * assignments: values become parameters tagged with their column (for its codec), a
 * relationship property assigns its foreign-key columns from the related object or key.
 */
import { ArgumentError } from '../errors/errors';
import type { ColumnMetadata, EntityMetadata } from '../metadata/entity-metadata';
import { SqlFragment } from '../sql/sql-fragment';
import { describe, Expr } from './expression';
import { node, type ExprNode } from './query-nodes';

/** Column assignments in the order the properties were given. */
export type AssignmentMap = Map<ColumnMetadata, ExprNode>;

/** Resolves property values to column assignments; undefined properties are left out. */
export function assignmentsOf(entity: EntityMetadata, values: unknown, where: string): AssignmentMap {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new ArgumentError(`${where} takes an object of property values for ${entity.name}; got ${describe(values)}.`);
  }
  const out: AssignmentMap = new Map();
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (value === undefined) continue;
    const column = entity.column(key);
    if (column) {
      out.set(column, valueNode(value, column));
      continue;
    }
    const relation = entity.relation(key);
    if (!relation) {
      throw new ArgumentError(`${where}: ${entity.name} has no property '${key}'. Columns: ${entity.columns.flatMap((c) => c.propertyName ?? []).join(', ')}.`);
    }
    if (!relation.owner || relation.joinTable || relation.foreignKey.length === 0) {
      throw new ArgumentError(`${where}: ${entity.name}.${key} does not hold a foreign key in ${entity.tableName}; set the relationship from the side that does.`);
    }
    for (const fk of relation.foreignKey) out.set(fk.column, valueNode(relatedKey(value, fk.referenced, relation.foreignKey.length, `${where}: ${entity.name}.${key}`), fk.column));
  }
  return out;
}

/** A value for a column: expressions and fragments as they are, anything else bound with the column's codec. */
export function valueNode(value: unknown, column: ColumnMetadata): ExprNode {
  if (value instanceof Expr) return value.node;
  if (value instanceof SqlFragment) return node({ kind: 'fragment', fragment: value });
  return node({ kind: 'param', value, column });
}

function relatedKey(value: unknown, referenced: ColumnMetadata, width: number, where: string): unknown {
  if (value === null || value instanceof Expr || value instanceof SqlFragment) return value;
  if (typeof value !== 'object' || value instanceof Date) {
    if (width > 1) throw new ArgumentError(`${where} has a composite key; pass the related object (or an object with its key properties).`);
    return value;
  }
  const property = referenced.propertyName ?? referenced.columnName;
  const key = (value as Record<string, unknown>)[property];
  if (key === undefined) throw new ArgumentError(`${where}: the related object has no '${property}' yet; save it first or pass its key.`);
  return key;
}

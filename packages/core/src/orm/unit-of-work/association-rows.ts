/*
 * Many-to-many association rows: inserted after every entity INSERT of the flush (both
 * keys exist by then), deleted before every entity DELETE. A change seen on both sides of
 * a bidirectional pair is written once; an add and a remove of the same pair cancel out.
 */
import { MetadataError } from '../../errors/errors';
import type { ColumnMetadata, EntityMetadata, JoinTableMetadata } from '../../metadata/entity-metadata';
import { node, type EntitySource, type ExprNode } from '../../query/query-nodes';
import type { InstanceState } from '../state/instance-state';
import { keyText } from '../state/key-text';
import { allOf, anyOf, columnIn, NodeStatement, param } from './node-statement';
import { flushError, type PersistTarget } from './persister';
import type { AssociationPair } from './relationship-changes';
import { keyBatches, orTermsPerStatement, rowsPerStatement } from '../statement-batches';

/** Rows per INSERT or DELETE at most (fewer where the server's parameter limit says so). */
const ROWS_PER_STATEMENT = 500;

/** One association row: its table and its cells, by column name. */
interface AssociationRow {
  readonly joinTable: JoinTableMetadata;
  readonly cells: readonly { readonly name: string; readonly referenced: ColumnMetadata; readonly value: unknown }[];
  readonly key: string;
}

/** Inserts the rows of pairs added (and not also removed) in this flush. */
export async function insertAssociations(target: PersistTarget, added: readonly AssociationPair[], removed: readonly AssociationPair[]): Promise<void> {
  if (added.length === 0) return;
  const removedKeys = new Set(removed.map((p) => rowOf(p).key));
  const rows = uniqueRows(added.map(rowOf).filter((row) => !removedKeys.has(row.key)));
  for (const [joinTable, list] of byTable(rows)) {
    const entity = associationEntity(joinTable);
    const names = list[0]!.cells.map((c) => c.name);
    const columns = names.map((name) => columnOf(entity, name));
    const perStatement = rowsPerStatement(target.connection.dialect.capabilities, columns.length, ROWS_PER_STATEMENT);
    for (let at = 0; at < list.length; at += perStatement) {
      const chunk = list.slice(at, at + perStatement);
      const statement = new NodeStatement(
        node({
          kind: 'insert' as const,
          source: sourceOf(entity),
          columns: Object.freeze(columns),
          rows: Object.freeze(chunk.map((row) => Object.freeze(row.cells.map((cell, i) => param(columns[i]!, cell.value))))),
          conflict: undefined,
          returning: undefined,
        }),
      );
      await run(target, joinTable, 'INSERT', statement);
    }
  }
}

/** Deletes the rows of pairs removed (and not re-added), and every row of deleted objects. */
export async function deleteAssociations(
  target: PersistTarget,
  removed: readonly AssociationPair[],
  added: readonly AssociationPair[],
  cleared: readonly { readonly relation: AssociationPair['relation']; readonly state: InstanceState }[],
): Promise<void> {
  if (removed.length > 0) {
    const addedKeys = new Set(added.map((p) => rowOf(p).key));
    const rows = uniqueRows(removed.map(rowOf).filter((row) => !addedKeys.has(row.key)));
    for (const [joinTable, list] of byTable(rows)) {
      const entity = associationEntity(joinTable);
      const source = sourceOf(entity);
      const perStatement = orTermsPerStatement(target.connection.dialect.capabilities, list[0]!.cells.length, ROWS_PER_STATEMENT);
      for (let at = 0; at < list.length; at += perStatement) {
        const chunk = list.slice(at, at + perStatement);
        const where = anyOf(chunk.map((row) => allOf(row.cells.map((cell) => equals(source, columnOf(entity, cell.name), cell.value)))));
        await run(target, joinTable, 'DELETE', new NodeStatement(node({ kind: 'delete' as const, source, where, returning: undefined })));
      }
    }
  }
  // Every association row of a deleted object, loaded or not.
  const groups = new Map<string, { joinTable: JoinTableMetadata; keys: Map<string, unknown[]> }>();
  for (const { relation, state } of cleared) {
    const joinTable = relation.joinTable!;
    const group = `${joinTable.tableName}\u0001${joinTable.ownerColumns.map((c) => c.name).join(',')}`;
    let entry = groups.get(group);
    if (!entry) groups.set(group, (entry = { joinTable, keys: new Map() }));
    const values = joinTable.ownerColumns.map((c) => (state.committed ?? state.values)[state.mapper.columns.indexOf(c.referenced)]);
    entry.keys.set(keyText(values), values);
  }
  for (const { joinTable, keys } of groups.values()) {
    const entity = associationEntity(joinTable);
    const source = sourceOf(entity);
    const list = [...keys.values()];
    const owners = joinTable.ownerColumns.map((c) => columnOf(entity, c.name));
    // One owner column: an IN list (one array where the server binds arrays); several: ORed conditions.
    const { perStatement } = keyBatches(target.connection.dialect.capabilities, owners.length, ROWS_PER_STATEMENT);
    for (let at = 0; at < list.length; at += perStatement) {
      const chunk = list.slice(at, at + perStatement);
      const where =
        owners.length === 1
          ? columnIn(source, owners[0]!, chunk.map((values) => values[0]))
          : anyOf(chunk.map((values) => allOf(owners.map((column, i) => equals(source, column, values[i])))));
      await run(target, joinTable, 'DELETE', new NodeStatement(node({ kind: 'delete' as const, source, where, returning: undefined })));
    }
  }
}

function rowOf(pair: AssociationPair): AssociationRow {
  const joinTable = pair.relation.joinTable!;
  const cell = (state: InstanceState, c: JoinTableMetadata['ownerColumns'][number]) => ({
    name: c.name,
    referenced: c.referenced,
    value: state.values[state.mapper.columns.indexOf(c.referenced)],
  });
  const cells = [...joinTable.ownerColumns.map((c) => cell(pair.owner, c)), ...joinTable.targetColumns.map((c) => cell(pair.target, c))].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const key = `${joinTable.tableName}\u0002${cells.map((c) => c.name).join(',')}\u0002${keyText(cells.map((c) => c.value))}`;
  return { joinTable, cells, key };
}

function uniqueRows(rows: readonly AssociationRow[]): AssociationRow[] {
  const seen = new Map<string, AssociationRow>();
  for (const row of rows) if (!seen.has(row.key)) seen.set(row.key, row);
  return [...seen.values()];
}

/** Rows grouped by table (both sides of a pair describe the same table, with the same column names). */
function byTable(rows: readonly AssociationRow[]): Map<JoinTableMetadata, AssociationRow[]> {
  const byName = new Map<string, { joinTable: JoinTableMetadata; rows: AssociationRow[] }>();
  for (const row of rows) {
    let entry = byName.get(row.joinTable.tableName);
    if (!entry) byName.set(row.joinTable.tableName, (entry = { joinTable: row.joinTable, rows: [] }));
    entry.rows.push(row);
  }
  return new Map([...byName.values()].map((e) => [e.joinTable, e.rows]));
}

const entities = new WeakMap<JoinTableMetadata, EntityMetadata>();

/**
 * The association table as an entity the statement compiler can write: the explicit
 * association entity when there is one, else columns shaped like the keys they hold.
 */
function associationEntity(joinTable: JoinTableMetadata): EntityMetadata {
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
  }) as EntityMetadata;
  entities.set(joinTable, entity);
  return entity;
}

function columnOf(entity: EntityMetadata, name: string): ColumnMetadata {
  const column = entity.columns.find((c) => c.columnName === name);
  if (!column) {
    // The join table's columns are built from the same metadata: a missing one is a bug in Strata, not in the entities.
    throw new MetadataError(`The association table ${entity.tableName} has no column ${name}, though its relationship names it; please report this with the two entities' declarations.`);
  }
  return column;
}

function sourceOf(entity: EntityMetadata): EntitySource {
  return node({ kind: 'entity' as const, entity, alias: undefined });
}

function equals(source: EntitySource, column: ColumnMetadata, value: unknown): ExprNode {
  return node({
    kind: 'binary' as const,
    op: 'eq' as const,
    left: node({ kind: 'column' as const, source, name: column.columnName, column }),
    right: param(column, value),
  });
}

async function run(target: PersistTarget, joinTable: JoinTableMetadata, what: string, statement: NodeStatement): Promise<void> {
  try {
    await target.connection.execute(statement);
  } catch (error) {
    throw flushError(error, target, `the association table ${joinTable.tableName} (${what})`, statement);
  }
}

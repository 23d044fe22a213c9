/*
 * Turns one table's share of a flush into statements: multi-row INSERTs (reading back
 * generated keys and server defaults with RETURNING, or the insert id row by row where
 * the server has no RETURNING), UPDATEs of changed columns with optimistic version checks,
 * and batched DELETEs. Values stay bound and go through the column codecs.
 */
import { StaleDataError, StrataError } from '../../errors/errors';
import type { Connection } from '../../engine/connection';
import type { ColumnMetadata, EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { EntityMapper } from '../state/entity-mapper';
import { sql } from '../../sql/sql-fragment';
import type { SchemaColumn, SchemaTable } from '../../schema/schema-model';
import { node, type ExprNode } from '../../query/query-nodes';
import { returningSelection } from '../../query/returning';
import { ParamSlot } from '../../query/query-compiler';
import type { InstanceState } from '../state/instance-state';
import { allOf, anyOf, columnEquals, columnIn, NodeStatement, param, sourceOf } from './node-statement';

/** How many bound values one statement may carry, under every supported server's limit. */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

/** The statement runner the persister uses. */
export interface PersistTarget {
  readonly connection: Connection;
  /** Read generated values back with RETURNING. */
  readonly returning: boolean;
}

/**
 * Runs one flush statement. A database error keeps its class (IntegrityError stays
 * catchable as such) and gains the entity and the kind of statement in its message.
 */
async function run(target: PersistTarget, mapper: EntityMapper, what: string, statement: NodeStatement, slots?: readonly unknown[]) {
  try {
    return slots ? await target.connection.executeWith(statement, slots) : await target.connection.execute(statement);
  } catch (error) {
    if (error instanceof StrataError && !error.message.startsWith('Flushing ')) {
      error.message = `Flushing ${mapper.metadata.name} (${what} ${mapper.metadata.tableName}) failed: ${error.message}`;
    }
    throw error;
  }
}

/** Inserts rows of one entity; fills generated keys and server defaults into the states. */
export async function insertRows(target: PersistTarget, mapper: EntityMapper, states: readonly InstanceState[]): Promise<void> {
  const groups = new Map<string, InstanceState[]>();
  for (const state of states) {
    // Rows providing the same columns share a statement; the others use the column's DEFAULT.
    let signature = '';
    for (const value of state.values) signature += value === undefined ? '0' : '1';
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = []));
    group.push(state);
  }
  for (const [signature, group] of groups) {
    const indexes = [...signature].flatMap((bit, i) => (bit === '1' ? [i] : []));
    if (!target.returning) {
      for (const state of group) await insertOne(target, mapper, state, indexes);
      continue;
    }
    const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, indexes.length))));
    for (let at = 0; at < group.length; at += perStatement) {
      const chunk = group.slice(at, at + perStatement);
      const result = await run(target, mapper, 'INSERT', insertStatement(mapper, chunk.length, indexes, true), insertValues(chunk, indexes));
      const keys = mapper.bagKeys;
      // RETURNING of a multi-row VALUES insert comes back in VALUES order.
      chunk.forEach((state, row) => {
        const returned = result.rows[row] as Record<string, unknown> | undefined;
        if (!returned) return;
        for (let i = 0; i < keys.length; i++) if (state.values[i] === undefined) state.values[i] = returned[keys[i]!];
      });
    }
  }
}

async function insertOne(target: PersistTarget, mapper: EntityMapper, state: InstanceState, indexes: number[]): Promise<void> {
  const result = await run(target, mapper, 'INSERT', insertStatement(mapper, 1, indexes, false), insertValues([state], indexes));
  const [key] = mapper.keyIndexes;
  const generated = key !== undefined && mapper.keyIndexes.length === 1 && mapper.columns[key]!.generated === 'increment';
  if (generated && state.values[key] === undefined && result.insertId !== undefined) {
    const id = result.insertId;
    const type = mapper.columns[key]!.type.name;
    state.values[key] = type === 'bigint' ? (mapper.columns[key]!.bigintMode === 'string' ? String(id) : BigInt(id)) : Number(id);
  }
  // Server defaults cannot be read back without RETURNING: the next load refreshes them.
  if (mapper.columns.some((c, i) => state.values[i] === undefined && c.serverDefault !== undefined)) state.expired = true;
}

const insertStatements = new WeakMap<EntityMapper, Map<string, NodeStatement>>();

/**
 * A multi-row INSERT of `count` rows over the columns at `indexes`, its values as slots:
 * one statement shape per column set and row count, built and compiled once.
 */
function insertStatement(mapper: EntityMapper, count: number, indexes: readonly number[], returning: boolean): NodeStatement {
  let byShape = insertStatements.get(mapper);
  if (!byShape) insertStatements.set(mapper, (byShape = new Map()));
  const shape = `${indexes.join(',')}|${count}|${returning ? 'r' : ''}`;
  let statement = byShape.get(shape);
  if (statement) return statement;
  const entity = mapper.metadata;
  const source = sourceOf(entity);
  const columns = indexes.map((i) => mapper.columns[i]!);
  const width = indexes.length;
  const rows = Array.from({ length: count }, (_, r) => Object.freeze(columns.map((column, c) => param(column, new ParamSlot(r * width + c)))));
  statement = new NodeStatement(
    node({
      kind: 'insert' as const,
      source,
      columns: Object.freeze(columns),
      rows: Object.freeze(rows),
      conflict: undefined,
      returning: returning ? returningSelection(source, undefined) : undefined,
    }),
  );
  // Row counts vary from flush to flush: keep the most recent shapes only.
  if (byShape.size >= 64) byShape.delete(byShape.keys().next().value!);
  byShape.set(shape, statement);
  return statement;
}

/** The slot values of an INSERT: each state's values at `indexes`, row after row (null for SQL NULL). */
function insertValues(states: readonly InstanceState[], indexes: readonly number[]): unknown[] {
  const values = new Array<unknown>(states.length * indexes.length);
  let at = 0;
  for (const state of states) for (const i of indexes) values[at++] = state.values[i] ?? null;
  return values;
}

/** The WHERE that finds a state's row: its key as loaded, and its version when versioned. */
function rowCondition(mapper: EntityMapper, state: InstanceState, before: readonly unknown[]): ExprNode {
  const source = sourceOf(mapper.metadata);
  const parts = mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, before[i]));
  const version = mapper.metadata.versionColumn;
  if (version) {
    const vi = mapper.columns.indexOf(version);
    parts.push(columnEquals(source, version, before[vi]));
  }
  return allOf(parts);
}

/** Updates one row's changed columns; a versioned row must still have the version it was loaded with. */
export async function updateRow(target: PersistTarget, mapper: EntityMapper, state: InstanceState, changed: readonly number[], before: readonly unknown[]): Promise<void> {
  const entity = mapper.metadata;
  const version = entity.versionColumn;
  const loadedVersion = version ? before[mapper.columns.indexOf(version)] : undefined;
  if (version && (loadedVersion === null || loadedVersion === undefined)) {
    // A row written elsewhere without a version: match it with IS NULL.
    const source = sourceOf(entity);
    const assignments = changed.map((i) => node({ column: mapper.columns[i]!, value: param(mapper.columns[i]!, state.values[i]) }));
    const statement = new NodeStatement(node({ kind: 'update' as const, source, assignments: Object.freeze(assignments), where: rowCondition(mapper, state, before), returning: undefined }));
    const result = await run(target, mapper, 'UPDATE', statement);
    if (result.rowCount !== 1) throw stale(entity, before, mapper, 'UPDATE', result.rowCount);
    return;
  }
  const statement = updateStatement(mapper, changed);
  // Slots: the changed values, then the key as loaded, then the version as loaded.
  const values: unknown[] = changed.map((i) => state.values[i] ?? null);
  for (const i of mapper.keyIndexes) values.push(before[i]);
  if (version) values.push(loadedVersion);
  const result = await run(target, mapper, 'UPDATE', statement, values);
  if (result.rowCount !== 1) throw stale(entity, before, mapper, 'UPDATE', result.rowCount);
}

/** One row's UPDATE waiting to be sent: its state, changed column indexes and values as loaded. */
export interface QueuedUpdate {
  readonly state: InstanceState;
  readonly changed: readonly number[];
  readonly before: readonly unknown[];
}

/**
 * Updates many rows of one entity whose changed columns are the same, 500 to a statement:
 * `UPDATE t SET c = CASE key WHEN ? THEN ? ... END WHERE key IN (...)`. For entities with
 * one key column and no version column (a version is checked row by row).
 */
export async function updateRows(target: PersistTarget, mapper: EntityMapper, rows: readonly QueuedUpdate[]): Promise<void> {
  const entity = mapper.metadata;
  const dialect = target.connection.dialect;
  const keyIndex = mapper.keyIndexes[0]!;
  const key = mapper.columns[keyIndex]!;
  const changed = rows[0]!.changed;
  const toDriver = (column: ColumnMetadata, value: unknown) => (value === null || value === undefined ? null : dialect.types.codec(column).toDriver(value));
  // PostgreSQL cannot infer the type of a parameter in a CASE result: say it.
  const cast = (column: ColumnMetadata, value: unknown): unknown => {
    const bound = toDriver(column, value);
    if (dialect.name !== 'postgresql') return bound;
    return sql`CAST(${bound} AS ${sql.raw(dialect.ddl.columnType(castColumn(column), CAST_TABLE))})`;
  };
  for (let at = 0; at < rows.length; at += 500) {
    const chunk = rows.slice(at, at + 500);
    const keys = chunk.map((row) => toDriver(key, row.before[keyIndex]));
    const sets = changed.map((i) => {
      const column = mapper.columns[i]!;
      const whens = chunk.map((row, r) => sql`WHEN ${keys[r]} THEN ${cast(column, row.state.values[i])}`);
      return sql`${sql.id(column.columnName)} = CASE ${sql.id(key.columnName)} ${sql.join(whens, ' ')} END`;
    });
    const statement = sql`UPDATE ${sql.id(entity.tableName)} SET ${sql.join(sets, ', ')} WHERE ${sql.id(key.columnName)} IN (${sql.join(keys)})`;
    let result;
    try {
      result = await target.connection.execute(statement);
    } catch (error) {
      if (error instanceof StrataError && !error.message.startsWith('Flushing ')) {
        error.message = `Flushing ${entity.name} (UPDATE ${entity.tableName}) failed: ${error.message}`;
      }
      throw error;
    }
    if (result.rowCount !== chunk.length) {
      throw new StaleDataError(
        `UPDATE of ${chunk.length} ${entity.name} row(s) matched ${result.rowCount}: a row was deleted by someone else since it was loaded. Reload the objects and apply the changes again.`,
      );
    }
  }
}

const CAST_TABLE: SchemaTable = { name: 'cast', comment: undefined, columns: [], primaryKey: undefined, foreignKeys: [], indexes: [], uniques: [], checks: [] };

/** A column as the DDL compiler names its type, for a CAST. */
function castColumn(column: ColumnMetadata): SchemaColumn {
  const type = column.type.custom ? column.type.custom.storage : column.type;
  return { name: column.columnName, type, nullable: true, default: undefined, autoIncrement: false, comment: undefined };
}

const updateStatements = new WeakMap<EntityMapper, Map<string, NodeStatement>>();

/** UPDATE ... SET changed columns WHERE key (and version): one statement shape per set of changed columns, compiled once. */
function updateStatement(mapper: EntityMapper, changed: readonly number[]): NodeStatement {
  let byShape = updateStatements.get(mapper);
  if (!byShape) updateStatements.set(mapper, (byShape = new Map()));
  const shape = changed.join(',');
  let statement = byShape.get(shape);
  if (statement) return statement;
  const entity = mapper.metadata;
  const source = sourceOf(entity);
  let slot = 0;
  const assignments = changed.map((i) => node({ column: mapper.columns[i]!, value: param(mapper.columns[i]!, new ParamSlot(slot++)) }));
  const parts = mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, new ParamSlot(slot++)));
  const version = entity.versionColumn;
  if (version) parts.push(columnEquals(source, version, new ParamSlot(slot++)));
  statement = new NodeStatement(node({ kind: 'update' as const, source, assignments: Object.freeze(assignments), where: allOf(parts), returning: undefined }));
  byShape.set(shape, statement);
  return statement;
}

/** Deletes the children of deleted parents by their foreign key (a delete cascade to rows nobody loaded). */
export async function deleteByParents(target: PersistTarget, relation: RelationMetadata, parents: readonly InstanceState[]): Promise<void> {
  const child = relation.target;
  const source = sourceOf(child);
  const keyOf = (parent: InstanceState) => relation.foreignKey.map((fk) => (parent.committed ?? parent.values)[parent.mapper.columns.indexOf(fk.referenced)]);
  for (let at = 0; at < parents.length; at += MAX_ROWS) {
    const chunk = parents.slice(at, at + MAX_ROWS);
    const where =
      relation.foreignKey.length === 1
        ? columnIn(source, relation.foreignKey[0]!.column, chunk.map((p) => keyOf(p)[0]))
        : anyOf(chunk.map((p) => allOf(relation.foreignKey.map((fk, i) => columnEquals(source, fk.column, keyOf(p)[i])))));
    await run(target, EntityMapper.for(child), 'DELETE', new NodeStatement(node({ kind: 'delete' as const, source, where, returning: undefined })));
  }
}

/** Deletes rows of one entity, batched where no version needs checking. */
export async function deleteRows(target: PersistTarget, mapper: EntityMapper, states: readonly InstanceState[], before: (s: InstanceState) => readonly unknown[]): Promise<void> {
  const entity = mapper.metadata;
  const source = sourceOf(entity);
  const single = mapper.keyIndexes.length === 1 && !entity.versionColumn;
  for (let at = 0; at < states.length; at += MAX_ROWS) {
    const chunk = states.slice(at, at + MAX_ROWS);
    const where = single
      ? columnIn(source, mapper.columns[mapper.keyIndexes[0]!]!, chunk.map((s) => before(s)[mapper.keyIndexes[0]!]))
      : anyOf(chunk.map((s) => rowCondition(mapper, s, before(s))));
    const result = await run(target, mapper, 'DELETE', new NodeStatement(node({ kind: 'delete' as const, source, where, returning: undefined })));
    if (result.rowCount !== chunk.length) {
      throw new StaleDataError(
        `DELETE from ${entity.tableName} (${entity.name}) expected to remove ${chunk.length} row(s) but removed ${result.rowCount}: ` +
          `${entity.versionColumn ? 'a row changed version or ' : ''}a row was already deleted by someone else. Reload the objects and try again.`,
      );
    }
  }
}

function stale(entity: EntityMetadata, before: readonly unknown[], mapper: EntityMapper, what: string, count: number): StaleDataError {
  const key = mapper.keyIndexes.map((i) => `${mapper.columns[i]!.propertyName ?? mapper.columns[i]!.columnName}=${String(before[i])}`).join(', ');
  const versioned = entity.versionColumn !== undefined;
  return new StaleDataError(
    `${what} of ${entity.name} (${key}) matched ${count} rows instead of 1: ` +
      (versioned ? 'the row was changed by someone else since it was loaded (its version moved on), or deleted. ' : 'the row was deleted by someone else. ') +
      'Reload it (session.refresh(obj)) and apply the change again.',
  );
}

/*
 * Turns one table's share of a flush into statements: multi-row INSERTs (reading back
 * generated keys and server defaults with RETURNING, or the insert id row by row where
 * the server has no RETURNING), UPDATEs of changed columns with optimistic version checks,
 * and batched DELETEs. Values stay bound and go through the column codecs.
 */
import { IntegrityError, StaleDataError, StrataError } from '../../errors/errors';
import type { Connection } from '../../engine/connection';
import { describeViolation } from '../../engine/describe-violation';
import type { ColumnMetadata, EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { EntityMapper } from '../state/entity-mapper';
import { sql } from '../../sql/sql-fragment';
import { node, type ExprNode } from '../../query/query-nodes';
import { exprOf } from '../../query/expression';
import { columnNode } from '../../query/result-columns';
import { decodersOf, type Decoders } from '../state/row-values';
import { ListSlot, ParamSlot } from '../../query/query-compiler';
import { keyBatches, orTermsPerStatement, rowsPerStatement } from '../statement-batches';
import type { InstanceState } from '../state/instance-state';
import { allOf, anyOf, columnEquals, columnIn, NodeStatement, param, selectWhere, sourceOf } from './node-statement';

/** Rows one INSERT, batched UPDATE or DELETE writes at most (fewer where the server's parameter limit says so). */
const MAX_ROWS = 1_000;

/** The statement runner the persister uses. */
export interface PersistTarget {
  readonly connection: Connection;
  /** Read generated values back with RETURNING. */
  readonly returning: boolean;
  /** Every entity of the session's registry: names the foreign key a DELETE broke where the server does not. */
  readonly entities: readonly EntityMetadata[];
}

/**
 * Runs one flush statement. A database error keeps its class (IntegrityError stays
 * catchable as such) and gains the entity and the kind of statement in its message.
 */
async function run(target: PersistTarget, mapper: EntityMapper, what: string, statement: NodeStatement, slots?: readonly unknown[]) {
  try {
    return slots ? await target.connection.executeWith(statement, slots) : await target.connection.execute(statement);
  } catch (error) {
    throw flushError(error, target, `${mapper.metadata.name} (${what} ${mapper.metadata.tableName})`, statement, slots);
  }
}

/**
 * A database error of a flush statement, its message saying what was being flushed
 * (`where`); a constraint violation described with the whole model (the connection knew
 * only the entities linked to the statement's).
 */
export function flushError(error: unknown, target: PersistTarget, where: string, statement: NodeStatement, slots?: readonly unknown[]): unknown {
  const described = error instanceof IntegrityError ? describeViolation(error, { node: statement.node, values: slots, entities: target.entities }) : error;
  if (described instanceof StrataError && !described.message.startsWith('Flushing ')) described.message = `Flushing ${where} failed: ${described.message}`;
  return described;
}

/** Inserts rows of one entity; fills generated keys and server defaults into the states. */
export async function insertRows(target: PersistTarget, mapper: EntityMapper, states: readonly InstanceState[]): Promise<void> {
  // Rows providing the same columns share a statement; the others use the column's DEFAULT.
  const groups = new Map<string, InstanceState[]>();
  for (const state of states) {
    const signature = providedSignature(state.values);
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = []));
    group.push(state);
  }
  for (const group of groups.values()) {
    const values = group[0]!.values;
    const indexes: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < values.length; i++) (values[i] === undefined ? missing : indexes).push(i);
    if (!target.returning) {
      for (const state of group) await insertOne(target, mapper, state, indexes);
      continue;
    }
    // Rows giving no value at all share a statement only where the server takes several such rows.
    const oneByOne = indexes.length === 0 && target.connection.dialect.capabilities.multiRowDefaultInsert !== true;
    const perStatement = oneByOne ? 1 : rowsPerStatement(target.connection.dialect.capabilities, indexes.length, MAX_ROWS);
    for (let at = 0; at < group.length; at += perStatement) {
      const chunk = at === 0 && group.length <= perStatement ? group : group.slice(at, at + perStatement);
      const statement = insertStatement(mapper, chunk.length, indexes, missing);
      const slots = insertValues(chunk, indexes);
      if (missing.length === 0) {
        await run(target, mapper, 'INSERT', statement, slots);
        continue;
      }
      // RETURNING only what the rows did not provide, in VALUES order (a multi-row VALUES insert keeps it).
      const { rows, decoders } = await returning(target, mapper, statement, slots);
      for (let row = 0; row < chunk.length; row++) {
        const returned = rows[row];
        if (!returned) continue;
        const state = chunk[row]!;
        for (let j = 0; j < missing.length; j++) {
          const value = returned[j];
          const decode = decoders.decode[j];
          state.values[missing[j]!] = value === null || value === undefined ? null : decode === undefined || typeof value === decoders.passes[j] ? value : decode(value);
        }
      }
    }
  }
}

/** Which columns a row provides, as a key: rows with the same one share an INSERT. */
function providedSignature(values: readonly unknown[]): string {
  let signature = '';
  for (let i = 0; i < values.length; i++) signature += values[i] === undefined ? '0' : '1';
  return signature;
}

/** Runs an INSERT ... RETURNING and hands back its rows as value arrays with their decoders. */
async function returning(target: PersistTarget, mapper: EntityMapper, statement: NodeStatement, slots: readonly unknown[]): Promise<{ rows: unknown[][]; decoders: Decoders }> {
  try {
    const { rows, compiled } = await target.connection.queryArrays(statement, slots);
    return { rows, decoders: decodersOf(compiled) };
  } catch (error) {
    throw flushError(error, target, `${mapper.metadata.name} (INSERT ${mapper.metadata.tableName})`, statement, slots);
  }
}

async function insertOne(target: PersistTarget, mapper: EntityMapper, state: InstanceState, indexes: number[]): Promise<void> {
  const result = await run(target, mapper, 'INSERT', insertStatement(mapper, 1, indexes, []), insertValues([state], indexes));
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
 * A multi-row INSERT of `count` rows over the columns at `indexes`, its values as slots,
 * returning the columns at `returned` (none: no RETURNING): one statement shape per column
 * set and row count, built and compiled once.
 */
function insertStatement(mapper: EntityMapper, count: number, indexes: readonly number[], returned: readonly number[]): NodeStatement {
  let byShape = insertStatements.get(mapper);
  if (!byShape) insertStatements.set(mapper, (byShape = new Map()));
  const shape = `${indexes.join(',')}|${count}|${returned.join(',')}`;
  let statement = byShape.get(shape);
  if (statement) return statement;
  const entity = mapper.metadata;
  const source = sourceOf(entity);
  const columns = indexes.map((i) => mapper.columns[i]!);
  const width = indexes.length;
  const rows = Array.from({ length: count }, (_, r) => Object.freeze(columns.map((column, c) => param(column, new ParamSlot(r * width + c)))));
  const returning =
    returned.length === 0
      ? undefined
      : node({
          shape: 'record' as const,
          items: Object.freeze(returned.map((i) => node({ kind: 'expr' as const, key: mapper.columns[i]!.columnName, expr: columnNode(source, mapper.columns[i]!) }))),
        });
  statement = new NodeStatement(node({ kind: 'insert' as const, source, columns: Object.freeze(columns), rows: Object.freeze(rows), conflict: undefined, returning }));
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

/**
 * Updates one row's changed columns to their `values` (by default the state's own); the row is
 * found by its key in `before` and, when versioned, must still have the version `before` holds.
 */
export async function updateRow(
  target: PersistTarget,
  mapper: EntityMapper,
  state: InstanceState,
  changed: readonly number[],
  before: readonly unknown[],
  values: readonly unknown[] = state.values,
): Promise<void> {
  const entity = mapper.metadata;
  const version = entity.versionColumn;
  const loadedVersion = version ? before[mapper.columns.indexOf(version)] : undefined;
  if (version && (loadedVersion === null || loadedVersion === undefined)) {
    // A row written elsewhere without a version: match it with IS NULL.
    const source = sourceOf(entity);
    const assignments = changed.map((i) => node({ column: mapper.columns[i]!, value: param(mapper.columns[i]!, values[i]) }));
    const statement = new NodeStatement(node({ kind: 'update' as const, source, assignments: Object.freeze(assignments), where: rowCondition(mapper, state, before), returning: undefined }));
    const result = await run(target, mapper, 'UPDATE', statement);
    if (result.rowCount !== 1) throw await staleRow(target, mapper, before, 'UPDATE', result.rowCount);
    return;
  }
  const statement = updateStatement(mapper, changed);
  // Slots: the changed values, then the key as loaded, then the version as loaded.
  const slots: unknown[] = changed.map((i) => values[i] ?? null);
  for (const i of mapper.keyIndexes) slots.push(before[i]);
  if (version) slots.push(loadedVersion);
  const result = await run(target, mapper, 'UPDATE', statement, slots);
  if (result.rowCount !== 1) throw await staleRow(target, mapper, before, 'UPDATE', result.rowCount);
}

/** One row's UPDATE waiting to be sent: its state, changed column indexes and values as loaded. */
export interface QueuedUpdate {
  readonly state: InstanceState;
  readonly changed: readonly number[];
  readonly before: readonly unknown[];
}

/**
 * Updates many rows of one entity whose changed columns are the same, in batches:
 * `UPDATE t SET c = v.c FROM (VALUES (key, value), ...) AS v WHERE t.key = v.key` where the
 * server has it, else `UPDATE t SET c = CASE key WHEN ? THEN ? ... END WHERE key IN (...)`.
 * For entities with one key column and no version column (a version is checked row by row).
 * The statement is built with slots and compiled once per changed-column set and row count.
 */
export async function updateRows(target: PersistTarget, mapper: EntityMapper, rows: readonly QueuedUpdate[]): Promise<void> {
  const entity = mapper.metadata;
  const keyIndex = mapper.keyIndexes[0]!;
  const changed = rows[0]!.changed;
  const capabilities = target.connection.dialect.capabilities;
  const fromValues = capabilities.updateFromValues === true;
  // A CASE is searched row by row, so its lists stay short; a VALUES join takes as many rows as an INSERT.
  const perStatement = fromValues ? rowsPerStatement(capabilities, changed.length + 1, MAX_ROWS) : rowsPerStatement(capabilities, 2 * changed.length + 1, 500);
  for (let at = 0; at < rows.length; at += perStatement) {
    const chunk = at === 0 && rows.length <= perStatement ? rows : rows.slice(at, at + perStatement);
    const values: unknown[] = [];
    if (fromValues) {
      // Slots: row by row, the key and then each new value.
      for (const row of chunk) {
        values.push(row.before[keyIndex]);
        for (const i of changed) values.push(row.state.values[i] ?? null);
      }
    } else {
      // Slots: per changed column, each row's key and new value; then the keys again for the IN list.
      for (const i of changed) for (const row of chunk) values.push(row.before[keyIndex], row.state.values[i] ?? null);
      for (const row of chunk) values.push(row.before[keyIndex]);
    }
    const statement = batchUpdateStatement(mapper, changed, chunk.length, fromValues);
    const result = await run(target, mapper, 'UPDATE', statement, values);
    if (result.rowCount !== chunk.length) {
      throw new StaleDataError(
        `UPDATE of ${chunk.length} ${entity.name} row(s) matched ${result.rowCount}: a row was deleted by someone else since it was loaded. Reload the objects and apply the changes again.`,
      );
    }
  }
}

const batchUpdates = new WeakMap<EntityMapper, Map<string, NodeStatement>>();

/** The batched UPDATE of `count` rows over the `changed` columns, its keys and values as slots. */
function batchUpdateStatement(mapper: EntityMapper, changed: readonly number[], count: number, fromValues: boolean): NodeStatement {
  let byShape = batchUpdates.get(mapper);
  if (!byShape) batchUpdates.set(mapper, (byShape = new Map()));
  const shape = `${changed.join(',')}|${count}|${fromValues ? 'v' : 'c'}`;
  let statement = byShape.get(shape);
  if (!statement) {
    statement = fromValues ? valuesUpdate(mapper, changed, count) : caseUpdate(mapper, changed, count);
    // Row counts vary from flush to flush: keep the most recent shapes only.
    if (byShape.size >= 64) byShape.delete(byShape.keys().next().value!);
    byShape.set(shape, statement);
  }
  return statement;
}

/** UPDATE t SET c = v.c1 FROM (VALUES (key, value...), ...) AS v (k, c1...) WHERE t.key = v.k. */
function valuesUpdate(mapper: EntityMapper, changed: readonly number[], count: number): NodeStatement {
  const source = sourceOf(mapper.metadata);
  const key = mapper.columns[mapper.keyIndexes[0]!]!;
  const columns = [key, ...changed.map((i) => mapper.columns[i]!)];
  // Names no column of the table can clash with: the table's own columns stay unambiguous.
  const names = columns.map((_, i) => `_strata_v${i}`);
  const alias = '_strata_rows';
  const rowsTable = node({ kind: 'table' as const, table: alias, alias: undefined });
  let slot = 0;
  const rows = Array.from({ length: count }, () => Object.freeze(columns.map((column) => param(column, new ParamSlot(slot++)))));
  const from = node({ kind: 'values' as const, alias, names: Object.freeze(names), columns: Object.freeze(columns), rows: Object.freeze(rows) });
  const valueOf = (i: number): ExprNode => node({ kind: 'column' as const, source: rowsTable, name: names[i]!, column: columns[i] });
  const assignments = changed.map((index, k) => node({ column: mapper.columns[index]!, value: valueOf(k + 1) }));
  const where = node({ kind: 'binary' as const, op: 'eq' as const, left: node({ kind: 'column' as const, source, name: key.columnName, column: key }), right: valueOf(0) });
  return new NodeStatement(node({ kind: 'update' as const, source, assignments: Object.freeze(assignments), from, where, returning: undefined }));
}

/** UPDATE t SET c = CASE key WHEN ? THEN ? ... END WHERE key IN (...). */
function caseUpdate(mapper: EntityMapper, changed: readonly number[], count: number): NodeStatement {
  const source = sourceOf(mapper.metadata);
  const key = mapper.columns[mapper.keyIndexes[0]!]!;
  const keyExpr = exprOf(node({ kind: 'column' as const, source, name: key.columnName, column: key }));
  let slot = 0;
  const slotParam = (column: ColumnMetadata) => exprOf(param(column, new ParamSlot(slot++)));
  const assignments = changed.map((i) => {
    const column = mapper.columns[i]!;
    const whens = Array.from({ length: count }, () => sql`WHEN ${slotParam(key)} THEN ${slotParam(column)}`);
    return node({ column, value: node({ kind: 'fragment' as const, fragment: sql`CASE ${keyExpr} ${sql.join(whens, ' ')} END` }) });
  });
  const keys = Array.from({ length: count }, () => param(key, new ParamSlot(slot++)));
  const where = node({ kind: 'in' as const, item: keyExpr.node, list: Object.freeze(keys), negated: false });
  return new NodeStatement(node({ kind: 'update' as const, source, assignments: Object.freeze(assignments), where, returning: undefined }));
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
  const childMapper = EntityMapper.for(child);
  const capabilities = target.connection.dialect.capabilities;
  if (relation.foreignKey.length === 1) {
    const column = relation.foreignKey[0]!.column;
    const batches = keyBatches(capabilities, 1, MAX_ROWS);
    for (let at = 0; at < parents.length; at += batches.perStatement) {
      const chunk = at === 0 && parents.length <= batches.perStatement ? parents : parents.slice(at, at + batches.perStatement);
      const keys = chunk.map((p) => keyOf(p)[0]);
      await run(target, childMapper, 'DELETE', deleteInStatement(childMapper, column, batches.array ? ARRAY : chunk.length), batches.array ? [keys] : keys);
    }
    return;
  }
  const perStatement = orTermsPerStatement(capabilities, relation.foreignKey.length, MAX_ROWS);
  for (let at = 0; at < parents.length; at += perStatement) {
    const chunk = parents.slice(at, at + perStatement);
    const where = anyOf(chunk.map((p) => allOf(relation.foreignKey.map((fk, i) => columnEquals(source, fk.column, keyOf(p)[i])))));
    await run(target, childMapper, 'DELETE', new NodeStatement(node({ kind: 'delete' as const, source, where, returning: undefined })));
  }
}

const deleteInStatements = new WeakMap<EntityMapper, Map<string, NodeStatement>>();

/** The key count of a DELETE whose keys are one array (a ListSlot), whatever their number. */
const ARRAY = 0;

/**
 * DELETE FROM t WHERE column IN (count slots), or for ARRAY the keys as one ListSlot: one
 * statement shape per row count, or one for every count where the server binds arrays.
 */
function deleteInStatement(mapper: EntityMapper, column: ColumnMetadata, count: number): NodeStatement {
  let byShape = deleteInStatements.get(mapper);
  if (!byShape) deleteInStatements.set(mapper, (byShape = new Map()));
  const shape = `${column.columnName}|${count}`;
  let statement = byShape.get(shape);
  if (!statement) {
    const source = sourceOf(mapper.metadata);
    const where = columnIn(source, column, count === ARRAY ? [new ListSlot(0)] : Array.from({ length: count }, (_, i) => new ParamSlot(i)));
    statement = new NodeStatement(node({ kind: 'delete' as const, source, where, returning: undefined }));
    // Row counts vary from flush to flush: keep the most recent shapes only.
    if (byShape.size >= 64) byShape.delete(byShape.keys().next().value!);
    byShape.set(shape, statement);
  }
  return statement;
}

/** Deletes rows of one entity, batched where no version needs checking. */
export async function deleteRows(target: PersistTarget, mapper: EntityMapper, states: readonly InstanceState[], before: (s: InstanceState) => readonly unknown[]): Promise<void> {
  const entity = mapper.metadata;
  const source = sourceOf(entity);
  const single = mapper.keyIndexes.length === 1 && !entity.versionColumn;
  const capabilities = target.connection.dialect.capabilities;
  // One key column: an IN list (or one array); else each row's key and version ORed.
  const batches = single
    ? keyBatches(capabilities, 1, MAX_ROWS)
    : { array: false, perStatement: orTermsPerStatement(capabilities, mapper.keyIndexes.length + (entity.versionColumn ? 1 : 0), MAX_ROWS) };
  const keyIndex = mapper.keyIndexes[0]!;
  for (let at = 0; at < states.length; at += batches.perStatement) {
    const chunk = at === 0 && states.length <= batches.perStatement ? states : states.slice(at, at + batches.perStatement);
    const keys = single ? chunk.map((s) => before(s)[keyIndex]) : [];
    const result = single
      ? await run(target, mapper, 'DELETE', deleteInStatement(mapper, mapper.columns[keyIndex]!, batches.array ? ARRAY : chunk.length), batches.array ? [keys] : keys)
      : await run(target, mapper, 'DELETE', new NodeStatement(node({ kind: 'delete' as const, source, where: anyOf(chunk.map((s) => rowCondition(mapper, s, before(s)))), returning: undefined })));
    if (result.rowCount !== chunk.length && chunk.length === 1) throw await staleRow(target, mapper, before(chunk[0]!), 'DELETE', result.rowCount);
    if (result.rowCount !== chunk.length) {
      throw new StaleDataError(
        `DELETE from ${entity.tableName} (${entity.name}) expected to remove ${chunk.length} row(s) but removed ${result.rowCount}: ` +
          `${entity.versionColumn ? 'a row changed version or ' : ''}a row was already deleted by someone else. Reload the objects and try again.`,
      );
    }
  }
}

/**
 * The StaleDataError of one row's UPDATE or DELETE: names the entity, the key, the version
 * expected and, read back on the same connection, the version the row has now.
 */
async function staleRow(target: PersistTarget, mapper: EntityMapper, before: readonly unknown[], what: string, count: number): Promise<StaleDataError> {
  const entity = mapper.metadata;
  const identity = mapper.keyIndexes.map((i) => before[i]);
  const key = mapper.keyIndexes.map((i, k) => `${mapper.columns[i]!.propertyName ?? mapper.columns[i]!.columnName}=${String(identity[k])}`).join(', ');
  const version = entity.versionColumn;
  if (!version) {
    return new StaleDataError(
      `${what} of ${entity.name} (${key}) matched ${count} rows instead of 1: the row was deleted by someone else. Reload it (session.refresh(obj)) and apply the change again.`,
      { entity: entity.name, identity },
    );
  }
  const expectedVersion = before[mapper.columns.indexOf(version)];
  const currentVersion = await currentVersionOf(target, mapper, before);
  const now = currentVersion === undefined ? 'the row no longer exists' : `the row is at version ${String(currentVersion)}`;
  return new StaleDataError(
    `${what} of ${entity.name} (${key}) expected version ${String(expectedVersion)}, but ${now}: someone else changed or deleted it since that version was read. ` +
      'Reload it (session.refresh(obj), or read it again in a new transaction) and apply the change again; session.transaction(fn, { retry }) re-runs fn for you.',
    { entity: entity.name, identity, expectedVersion, currentVersion },
  );
}

/** The version a row has now, read by its key; undefined when the row is gone or the read fails. */
async function currentVersionOf(target: PersistTarget, mapper: EntityMapper, before: readonly unknown[]): Promise<unknown> {
  const version = mapper.metadata.versionColumn!;
  const source = sourceOf(mapper.metadata);
  const where = allOf(mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, before[i])));
  try {
    const result = await target.connection.execute(new NodeStatement(selectWhere(source, where, [version])));
    const value = result.rows[0]?.[version.columnName];
    return value === null || value === undefined ? undefined : Number(value);
  } catch {
    // The conflict is what the caller needs to hear about; a failed read only leaves the current version unknown.
    return undefined;
  }
}

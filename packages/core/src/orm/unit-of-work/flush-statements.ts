/*
 * The statements of one flush command, within the server's limits: multi-row INSERTs,
 * UPDATEs of changed columns (one row, or many rows sharing their changed columns through
 * a VALUES join or a CASE), DELETEs by key lists or ORed key conditions, association rows.
 * Pure: the same statements whether the executor runs them or a preview prints them.
 * Statement shapes are built with slots and compiled once; values stay bound.
 */
import type { Capabilities } from '../../engine/dialect';
import type { ColumnMetadata, EntityMetadata, JoinTableMetadata } from '../../metadata/entity-metadata';
import { assignment, caseNode, columnRef, deleteNode, equals, exprItem, inList, insertNode, namedColumn, selection, tableSource, updateNode, valuesSource, type ExprNode } from '../../query/internal';
import { ListSlot, ParamSlot } from '../../query/query-compiler';
import { ShapeCache } from '../statement-shapes';
import type { EntityMapper } from '../state/entity-mapper';
import { keyBatches, orTermsPerStatement, rowsPerStatement } from '../statement-batches';
import { associationEntity, columnOf } from './association-table';
import type { AssociationCommand, DeleteChildrenCommand, DeleteCommand, FlushCommand, InsertCommand, UnlinkAllCommand, UpdateCommand, UpdateRow } from './flush-plan';
import { allOf, anyOf, columnEquals, columnIn, NodeStatement, param, sourceOf } from './node-statement';

/** Rows one INSERT, batched UPDATE or DELETE writes at most (fewer where the server's parameter limit says so). */
const MAX_ROWS = 1_000;

/** Rows per association-table INSERT or DELETE at most. */
const ASSOCIATION_ROWS = 500;

/** What the statements may use of the server. */
export interface StatementTarget {
  readonly capabilities: Capabilities;
  /** Read generated values back with RETURNING (else the insert id, row by row). */
  readonly returning: boolean;
}

/** One statement of a command: the command's rows `from`..`to` (exclusive), and what it reads back. */
export interface FlushStatement {
  readonly statement: NodeStatement;
  /** Values of the statement's slots (none: its values are in the statement). */
  readonly slots: readonly unknown[] | undefined;
  readonly from: number;
  readonly to: number;
  /** An INSERT's generated columns it reads back with RETURNING, in order (empty: none). */
  readonly returned: readonly number[];
}

/** The statements of one command, in order. */
export function statementsOf(command: FlushCommand, target: StatementTarget): FlushStatement[] {
  switch (command.kind) {
    case 'insert':
      return insertStatements(command, target);
    case 'update':
    case 'post-update':
      return command.batched ? batchUpdateStatements(command, target.capabilities) : command.rows.map((row, i) => ({ ...updateRowStatement(command.mapper, row), from: i, to: i + 1, returned: NONE }));
    case 'delete':
      return deleteStatements(command, target.capabilities);
    case 'delete-children':
      return deleteChildrenStatements(command, target.capabilities);
    case 'link':
    case 'unlink':
      return command.kind === 'link' ? linkStatements(command, target.capabilities) : unlinkStatements(command, target.capabilities);
    case 'unlink-all':
      return unlinkAllStatements(command, target.capabilities);
  }
}

const NONE: readonly number[] = Object.freeze([]);

/** Chunks of `count` items, `per` at a time. */
function* chunks(count: number, per: number): Generator<[number, number]> {
  for (let at = 0; at < count; at += per) yield [at, Math.min(count, at + per)];
}

/** Statement shapes per entity (or association table), each a bounded ShapeCache: row counts vary from flush to flush. */
function shapes(): (owner: object, shape: string, build: () => NodeStatement) => NodeStatement {
  const byOwner = new WeakMap<object, ShapeCache<string, NodeStatement>>();
  return (owner, shape, build) => {
    let cache = byOwner.get(owner);
    if (!cache) byOwner.set(owner, (cache = new ShapeCache<string, NodeStatement>()));
    return cache.get(shape, build);
  };
}

const insertShapes = shapes();

function insertStatements(command: InsertCommand, target: StatementTarget): FlushStatement[] {
  const { mapper, columns, generated, rows } = command;
  const out: FlushStatement[] = [];
  if (!target.returning) {
    // Without RETURNING, the insert id comes back for one row at a time.
    for (let r = 0; r < rows.length; r++) out.push({ statement: insertStatement(mapper, 1, columns, NONE), slots: rows[r], from: r, to: r + 1, returned: NONE });
    return out;
  }
  // Rows giving no value at all share a statement only where the server takes several such rows.
  const oneByOne = columns.length === 0 && target.capabilities.multiRowDefaultInsert !== true;
  const perStatement = oneByOne ? 1 : rowsPerStatement(target.capabilities, columns.length, MAX_ROWS);
  for (const [from, to] of chunks(rows.length, perStatement)) {
    const slots = new Array<unknown>((to - from) * columns.length);
    let at = 0;
    for (let r = from; r < to; r++) for (const value of rows[r]!) slots[at++] = value;
    // RETURNING only what the rows did not provide, in VALUES order (a multi-row VALUES insert keeps it).
    out.push({ statement: insertStatement(mapper, to - from, columns, generated), slots, from, to, returned: generated });
  }
  return out;
}

/** A multi-row INSERT of `count` rows over the columns at `indexes`, values as slots, returning the columns at `returned`. */
function insertStatement(mapper: EntityMapper, count: number, indexes: readonly number[], returned: readonly number[]): NodeStatement {
  return insertShapes(mapper, `${indexes.join(',')}|${count}|${returned.join(',')}`, () => {
    const source = sourceOf(mapper.metadata);
    const columns = indexes.map((i) => mapper.columns[i]!);
    const width = indexes.length;
    const rows = Array.from({ length: count }, (_, r) => columns.map((column, c) => param(column, new ParamSlot(r * width + c))));
    const returning = returned.length === 0 ? undefined : selection('record', returned.map((i) => exprItem(mapper.columns[i]!.columnName, columnRef(source, mapper.columns[i]!))));
    return new NodeStatement(insertNode({ source, columns, rows, returning }));
  });
}

/** The WHERE that finds a row: its key as loaded, and its version when versioned. */
function rowCondition(mapper: EntityMapper, match: readonly unknown[]): ExprNode {
  const source = sourceOf(mapper.metadata);
  const parts = mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, match[i]));
  const version = mapper.metadata.versionColumn;
  if (version) parts.push(columnEquals(source, version, match[mapper.columns.indexOf(version)]));
  return allOf(parts);
}

const updateShapes = shapes();

/**
 * One row's UPDATE of its changed columns, the row found by its key as loaded and, when
 * versioned, the version it must still have. Slots: the new values, the key, the version.
 */
export function updateRowStatement(mapper: EntityMapper, row: UpdateRow): { statement: NodeStatement; slots: readonly unknown[] | undefined } {
  const version = mapper.metadata.versionColumn;
  const loadedVersion = version ? row.match[mapper.columns.indexOf(version)] : undefined;
  if (version && (loadedVersion === null || loadedVersion === undefined)) {
    // A row written elsewhere without a version: match it with IS NULL.
    const source = sourceOf(mapper.metadata);
    const assignments = row.changed.map((i, k) => assignment(mapper.columns[i]!, param(mapper.columns[i]!, row.values[k])));
    return { statement: new NodeStatement(updateNode({ source, assignments, where: rowCondition(mapper, row.match) })), slots: undefined };
  }
  const statement = updateShapes(mapper, row.changed.join(','), () => {
    const source = sourceOf(mapper.metadata);
    let slot = 0;
    const assignments = row.changed.map((i) => assignment(mapper.columns[i]!, param(mapper.columns[i]!, new ParamSlot(slot++))));
    const parts = mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, new ParamSlot(slot++)));
    if (version) parts.push(columnEquals(source, version, new ParamSlot(slot++)));
    return new NodeStatement(updateNode({ source, assignments, where: allOf(parts) }));
  });
  const slots: unknown[] = row.values.slice();
  for (const i of mapper.keyIndexes) slots.push(row.match[i]);
  if (version) slots.push(loadedVersion);
  return { statement, slots };
}

const batchShapes = shapes();

/**
 * Many rows of one entity with the same changed columns, in batches:
 * `UPDATE t SET c = v.c FROM (VALUES (key, value), ...) AS v WHERE t.key = v.key` where the
 * server has it, else `UPDATE t SET c = CASE key WHEN ? THEN ? ... END WHERE key IN (...)`.
 * For entities with one key column and no version column (a version is checked row by row).
 */
function batchUpdateStatements(command: UpdateCommand, capabilities: Capabilities): FlushStatement[] {
  const { mapper, rows } = command;
  const keyIndex = mapper.keyIndexes[0]!;
  const changed = rows[0]!.changed;
  const fromValues = capabilities.updateFromValues === true;
  // A CASE is searched row by row, so its lists stay short; a VALUES join takes as many rows as an INSERT.
  const perStatement = fromValues ? rowsPerStatement(capabilities, changed.length + 1, MAX_ROWS) : rowsPerStatement(capabilities, 2 * changed.length + 1, 500);
  const out: FlushStatement[] = [];
  for (const [from, to] of chunks(rows.length, perStatement)) {
    const slots: unknown[] = [];
    if (fromValues) {
      // Slots: row by row, the key and then each new value.
      for (let r = from; r < to; r++) slots.push(rows[r]!.match[keyIndex], ...rows[r]!.values);
    } else {
      // Slots: per changed column, each row's key and new value; then the keys again for the IN list.
      for (let c = 0; c < changed.length; c++) for (let r = from; r < to; r++) slots.push(rows[r]!.match[keyIndex], rows[r]!.values[c]);
      for (let r = from; r < to; r++) slots.push(rows[r]!.match[keyIndex]);
    }
    const count = to - from;
    const statement = batchShapes(mapper, `${changed.join(',')}|${count}|${fromValues ? 'v' : 'c'}`, () =>
      fromValues ? valuesUpdate(mapper, changed, count) : caseUpdate(mapper, changed, count),
    );
    out.push({ statement, slots, from, to, returned: NONE });
  }
  return out;
}

/** UPDATE t SET c = v.c1 FROM (VALUES (key, value...), ...) AS v (k, c1...) WHERE t.key = v.k. */
function valuesUpdate(mapper: EntityMapper, changed: readonly number[], count: number): NodeStatement {
  const source = sourceOf(mapper.metadata);
  const key = mapper.columns[mapper.keyIndexes[0]!]!;
  const columns = [key, ...changed.map((i) => mapper.columns[i]!)];
  // Names no column of the table can clash with: the table's own columns stay unambiguous.
  const names = columns.map((_, i) => `_strata_v${i}`);
  const alias = '_strata_rows';
  const rowsTable = tableSource(alias);
  let slot = 0;
  const rows = Array.from({ length: count }, () => columns.map((column) => param(column, new ParamSlot(slot++))));
  const from = valuesSource({ alias, names, columns, rows });
  const valueOf = (i: number): ExprNode => namedColumn(rowsTable, names[i]!, columns[i]);
  const assignments = changed.map((index, k) => assignment(mapper.columns[index]!, valueOf(k + 1)));
  return new NodeStatement(updateNode({ source, assignments, from, where: equals(columnRef(source, key), valueOf(0)) }));
}

/** UPDATE t SET c = CASE key WHEN ? THEN ? ... END WHERE key IN (...). */
function caseUpdate(mapper: EntityMapper, changed: readonly number[], count: number): NodeStatement {
  const source = sourceOf(mapper.metadata);
  const key = mapper.columns[mapper.keyIndexes[0]!]!;
  const keyExpr = columnRef(source, key);
  let slot = 0;
  const slotParam = (column: ColumnMetadata) => param(column, new ParamSlot(slot++));
  const assignments = changed.map((i) => {
    const column = mapper.columns[i]!;
    const arms = Array.from({ length: count }, () => ({ when: slotParam(key), then: slotParam(column) }));
    return assignment(column, caseNode({ subject: keyExpr, arms, column }));
  });
  const keys = Array.from({ length: count }, () => slotParam(key));
  return new NodeStatement(updateNode({ source, assignments, where: inList(keyExpr, keys) }));
}

/** The key count of a DELETE whose keys are one array (a ListSlot), whatever their number. */
const ARRAY = 0;

const deleteInShapes = shapes();

/**
 * DELETE FROM t WHERE column IN (count slots), or for ARRAY the keys as one ListSlot: one
 * statement shape per row count, or one for every count where the server binds arrays.
 */
function deleteInStatement(entity: EntityMetadata, column: ColumnMetadata, count: number): NodeStatement {
  return deleteInShapes(entity, `${column.columnName}|${count}`, () => {
    const source = sourceOf(entity);
    const where = columnIn(source, column, count === ARRAY ? [new ListSlot(0)] : Array.from({ length: count }, (_, i) => new ParamSlot(i)));
    return new NodeStatement(deleteNode({ source, where }));
  });
}

/** Rows of one entity by key: an IN list (or one array) where one key column and no version; else each row's key and version ORed. */
function deleteStatements(command: DeleteCommand, capabilities: Capabilities): FlushStatement[] {
  const { mapper, rows } = command;
  const entity = mapper.metadata;
  const single = mapper.keyIndexes.length === 1 && !entity.versionColumn;
  const batches = single
    ? keyBatches(capabilities, 1, MAX_ROWS)
    : { array: false, perStatement: orTermsPerStatement(capabilities, mapper.keyIndexes.length + (entity.versionColumn ? 1 : 0), MAX_ROWS) };
  const keyIndex = mapper.keyIndexes[0]!;
  const out: FlushStatement[] = [];
  for (const [from, to] of chunks(rows.length, batches.perStatement)) {
    if (single) {
      const keys = rows.slice(from, to).map((row) => row.match[keyIndex]);
      out.push({ statement: deleteInStatement(entity, mapper.columns[keyIndex]!, batches.array ? ARRAY : keys.length), slots: batches.array ? [keys] : keys, from, to, returned: NONE });
    } else {
      const where = anyOf(rows.slice(from, to).map((row) => rowCondition(mapper, row.match)));
      out.push({ statement: new NodeStatement(deleteNode({ source: sourceOf(entity), where })), slots: undefined, from, to, returned: NONE });
    }
  }
  return out;
}

/** The children of deleted parents by their foreign key (a delete cascade to rows nobody loaded). */
function deleteChildrenStatements(command: DeleteChildrenCommand, capabilities: Capabilities): FlushStatement[] {
  const { relation, keys } = command;
  const child = relation.target;
  const out: FlushStatement[] = [];
  if (relation.foreignKey.length === 1) {
    const column = relation.foreignKey[0]!.column;
    const batches = keyBatches(capabilities, 1, MAX_ROWS);
    for (const [from, to] of chunks(keys.length, batches.perStatement)) {
      const values = keys.slice(from, to).map((k) => k[0]);
      out.push({ statement: deleteInStatement(child, column, batches.array ? ARRAY : values.length), slots: batches.array ? [values] : values, from, to, returned: NONE });
    }
    return out;
  }
  const source = sourceOf(child);
  for (const [from, to] of chunks(keys.length, orTermsPerStatement(capabilities, relation.foreignKey.length, MAX_ROWS))) {
    const where = anyOf(keys.slice(from, to).map((key) => allOf(relation.foreignKey.map((fk, i) => columnEquals(source, fk.column, key[i])))));
    out.push({ statement: new NodeStatement(deleteNode({ source, where })), slots: undefined, from, to, returned: NONE });
  }
  return out;
}

const linkShapes = shapes();

/** Association rows inserted, values as slots. */
function linkStatements(command: AssociationCommand, capabilities: Capabilities): FlushStatement[] {
  const entity = associationEntity(command.joinTable);
  const names = command.rows[0]?.names ?? [];
  const columns = names.map((name) => columnOf(entity, name));
  const out: FlushStatement[] = [];
  for (const [from, to] of chunks(command.rows.length, rowsPerStatement(capabilities, columns.length, ASSOCIATION_ROWS))) {
    const count = to - from;
    const statement = linkShapes(entity, `${names.join(',')}|${count}`, () => {
      let slot = 0;
      const rows = Array.from({ length: count }, () => columns.map((column) => param(column, new ParamSlot(slot++))));
      return new NodeStatement(insertNode({ source: sourceOf(entity), columns, rows }));
    });
    out.push({ statement, slots: command.rows.slice(from, to).flatMap((row) => row.values), from, to, returned: NONE });
  }
  return out;
}

/** Association rows removed, each by all its cells. */
function unlinkStatements(command: AssociationCommand, capabilities: Capabilities): FlushStatement[] {
  const entity = associationEntity(command.joinTable);
  const source = sourceOf(entity);
  const out: FlushStatement[] = [];
  for (const [from, to] of chunks(command.rows.length, orTermsPerStatement(capabilities, command.rows[0]?.names.length ?? 1, ASSOCIATION_ROWS))) {
    const where = anyOf(command.rows.slice(from, to).map((row) => allOf(row.names.map((name, i) => columnEquals(source, columnOf(entity, name), row.values[i])))));
    out.push({ statement: new NodeStatement(deleteNode({ source, where })), slots: undefined, from, to, returned: NONE });
  }
  return out;
}

/** Every association row of deleted objects, by owner key: an IN list with one owner column, else ORed conditions. */
function unlinkAllStatements(command: UnlinkAllCommand, capabilities: Capabilities): FlushStatement[] {
  const entity = associationEntity(command.joinTable);
  const source = sourceOf(entity);
  const owners = command.joinTable.ownerColumns.map((c) => columnOf(entity, c.name));
  const { perStatement } = keyBatches(capabilities, owners.length, ASSOCIATION_ROWS);
  const out: FlushStatement[] = [];
  for (const [from, to] of chunks(command.keys.length, perStatement)) {
    const chunk = command.keys.slice(from, to);
    const where =
      owners.length === 1
        ? columnIn(source, owners[0]!, chunk.map((values) => values[0]))
        : anyOf(chunk.map((values) => allOf(owners.map((column, i) => columnEquals(source, column, values[i])))));
    out.push({ statement: new NodeStatement(deleteNode({ source, where })), slots: undefined, from, to, returned: NONE });
  }
  return out;
}

/** The table a command writes, for messages. */
export function joinTableOf(command: FlushCommand): JoinTableMetadata | undefined {
  return command.kind === 'link' || command.kind === 'unlink' || command.kind === 'unlink-all' ? command.joinTable : undefined;
}

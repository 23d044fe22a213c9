/*
 * The writing half of a flush: runs a plan's commands in order on the session's connection.
 * Before each command its placeholders are filled from the rows inserted earlier (their
 * generated keys, read back with RETURNING or the insert id) and written into the objects;
 * after each statement the rows it matched are checked (a versioned row that changed
 * raises StaleDataError naming the versions). Database errors keep their class and gain
 * the entity and statement in their message.
 */
import { FlushError, IntegrityError, StaleDataError, StrataError } from '../../errors/errors';
import type { Connection } from '../../engine/connection';
import { describeViolation } from '../../engine/describe-violation';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { EntityMapper } from '../state/entity-mapper';
import { decodersOf } from '../state/row-values';
import type { InstanceState } from '../state/instance-state';
import { GeneratedValue, type FlushCommand, type FlushPlan, type InsertCommand, type UpdateCommand, type UpdateRow } from './flush-plan';
import { statementsOf, type FlushStatement, type StatementTarget } from './flush-statements';
import { allOf, columnEquals, NodeStatement, selectWhere, sourceOf } from './node-statement';

/** Where a plan runs. */
export interface FlushTarget extends StatementTarget {
  readonly connection: Connection;
  /** Every entity of the session's registry: names the foreign key a DELETE broke where the server does not. */
  readonly entities: readonly EntityMetadata[];
}

/** Runs every command of the plan, in order. */
export async function executePlan(plan: FlushPlan, target: FlushTarget): Promise<void> {
  for (const command of plan.commands) await executeCommand(fill(command), target);
}

async function executeCommand(command: FlushCommand, target: FlushTarget): Promise<void> {
  const statements = statementsOf(command, target);
  switch (command.kind) {
    case 'insert':
      for (const statement of statements) await insert(command, statement, target);
      return;
    case 'update':
    case 'post-update':
      for (const statement of statements) await update(command, statement, target);
      return;
    case 'delete':
      for (const statement of statements) {
        const result = await run(target, entityLabel(command.mapper, 'DELETE'), statement);
        const count = statement.to - statement.from;
        if (result.rowCount === count) continue;
        const entity = command.mapper.metadata;
        if (count === 1) throw await staleRow(target, command.mapper, command.rows[statement.from]!.match, 'DELETE', result.rowCount);
        throw new StaleDataError(
          `DELETE from ${entity.tableName} (${entity.name}) expected to remove ${count} row(s) but removed ${result.rowCount}: ` +
            `${entity.versionColumn ? 'a row changed version or ' : ''}a row was already deleted by someone else. Reload the objects and try again.`,
        );
      }
      return;
    case 'delete-children':
      for (const statement of statements) await run(target, entityLabel(command.mapper, 'DELETE'), statement);
      return;
    case 'link':
    case 'unlink':
    case 'unlink-all':
      for (const statement of statements) await run(target, `the association table ${command.joinTable.tableName} (${command.kind === 'link' ? 'INSERT' : 'DELETE'})`, statement);
  }
}

async function insert(command: InsertCommand, { statement, slots, from, returned }: FlushStatement, target: FlushTarget): Promise<void> {
  const { mapper } = command;
  if (!target.returning) {
    const result = await run(target, entityLabel(mapper, 'INSERT'), { statement, slots, from, to: from + 1, returned });
    const state = command.states[from]!;
    const [key] = mapper.keyIndexes;
    const column = key === undefined ? undefined : mapper.columns[key]!;
    if (column && mapper.keyIndexes.length === 1 && column.generated === 'increment' && state.values[key!] === undefined && result.insertId !== undefined) {
      const id = result.insertId;
      state.write(key!, column.type.name === 'bigint' ? (column.bigintMode === 'string' ? String(id) : BigInt(id)) : Number(id));
    }
    // Server defaults cannot be read back without RETURNING: the next load refreshes them.
    if (mapper.columns.some((c, i) => state.values[i] === undefined && c.serverDefault !== undefined)) state.expireValues();
    return;
  }
  if (returned.length === 0) {
    await run(target, entityLabel(mapper, 'INSERT'), { statement, slots, from, to: from, returned });
    return;
  }
  let rows: unknown[][];
  let decoders;
  try {
    const result = await target.connection.queryArrays(statement, slots);
    rows = result.rows;
    decoders = decodersOf(result.compiled);
  } catch (error) {
    throw flushError(error, target, entityLabel(mapper, 'INSERT'), statement, slots);
  }
  // RETURNING gives the rows in VALUES order.
  for (let row = 0; row < rows.length; row++) {
    const values = rows[row]!;
    const state = command.states[from + row]!;
    for (let j = 0; j < returned.length; j++) {
      const value = values[j];
      const decode = decoders.decode[j];
      state.write(returned[j]!, value === null || value === undefined ? null : decode === undefined || typeof value === decoders.passes[j] ? value : decode(value));
    }
  }
}

async function update(command: UpdateCommand, flushStatement: FlushStatement, target: FlushTarget): Promise<void> {
  const { mapper } = command;
  const result = await run(target, entityLabel(mapper, 'UPDATE'), flushStatement);
  const count = flushStatement.to - flushStatement.from;
  if (result.rowCount === count) return;
  if (!command.batched) throw await staleRow(target, mapper, command.rows[flushStatement.from]!.match, 'UPDATE', result.rowCount);
  throw new StaleDataError(
    `UPDATE of ${count} ${mapper.metadata.name} row(s) matched ${result.rowCount}: a row was deleted by someone else since it was loaded. Reload the objects and apply the changes again.`,
  );
}

/**
 * The command with its placeholders replaced by the values the rows inserted before it
 * were given, those values written into the objects too (a new child's foreign key).
 * The command itself when it has none.
 */
function fill(command: FlushCommand): FlushCommand {
  switch (command.kind) {
    case 'insert':
      // The plan is run once: its rows take the filled values in place.
      for (let r = 0; r < command.rows.length; r++) {
        const row = command.rows[r] as unknown[];
        for (let c = 0; c < row.length; c++) if (row[c] instanceof GeneratedValue) row[c] = written(command.states[r]!, command.columns[c]!, row[c]);
      }
      return command;
    case 'update':
    case 'post-update': {
      if (!command.rows.some((row) => hasPlaceholder(row.values) || hasPlaceholder(row.match))) return command;
      const rows = command.rows.map(
        (row): UpdateRow => ({
          ...row,
          values: row.values.map((value, k) => written(row.state, row.changed[k]!, value)),
          match: row.match.map((value) => (value instanceof GeneratedValue ? value.value : value)),
        }),
      );
      return { ...command, rows };
    }
    case 'link':
    case 'unlink': {
      if (!command.rows.some((row) => hasPlaceholder(row.values))) return command;
      const rows = command.rows.map((row) => ({ ...row, values: row.values.map((value) => known(value, row.names.join(', '))) }));
      return { ...command, rows };
    }
    default:
      return command;
  }
}

function hasPlaceholder(values: readonly unknown[]): boolean {
  for (const value of values) if (value instanceof GeneratedValue) return true;
  return false;
}

/** A placeholder's value, written into column `i` of `state`; other values as they are. */
function written(state: InstanceState, i: number, value: unknown): unknown {
  if (!(value instanceof GeneratedValue)) return value;
  const column = state.mapper.columns[i]!;
  const filled = known(value, `${state.mapper.metadata.name}.${column.relationProperty ?? column.propertyName ?? column.columnName}`);
  state.write(i, filled);
  return filled;
}

/** The generated value a placeholder stands for; a FlushError naming `what` when the row it belongs to has none. */
function known(value: unknown, what: string): unknown {
  if (!(value instanceof GeneratedValue)) return value;
  const filled = value.value;
  if (filled !== undefined && filled !== null) return filled;
  const target = value.state.mapper;
  const column = target.columns[value.column]!;
  throw new FlushError(
    `${what} points at a ${target.metadata.name} that has no ${column.propertyName ?? column.columnName} yet ` +
      '(it is not in the session, or it is inserted later). Add the related object to the session (cascade save-update does this) before flushing.',
  );
}

function entityLabel(mapper: EntityMapper, what: string): string {
  return `${mapper.metadata.name} (${what} ${mapper.metadata.tableName})`;
}

/**
 * Runs one flush statement. A database error keeps its class (IntegrityError stays
 * catchable as such) and gains what was being flushed in its message.
 */
async function run(target: FlushTarget, where: string, { statement, slots }: FlushStatement) {
  try {
    return slots ? await target.connection.executeWith(statement, slots) : await target.connection.execute(statement);
  } catch (error) {
    throw flushError(error, target, where, statement, slots);
  }
}

/**
 * A database error of a flush statement, its message saying what was being flushed
 * (`where`); a constraint violation described with the whole model (the connection knew
 * only the entities linked to the statement's).
 */
function flushError(error: unknown, target: FlushTarget, where: string, statement: NodeStatement, slots?: readonly unknown[]): unknown {
  const described = error instanceof IntegrityError ? describeViolation(error, { node: statement.node, values: slots, entities: target.entities }) : error;
  if (described instanceof StrataError && !described.message.startsWith('Flushing ')) described.message = `Flushing ${where} failed: ${described.message}`;
  return described;
}

/**
 * The StaleDataError of one row's UPDATE or DELETE: names the entity, the key, the version
 * expected and, read back on the same connection, the version the row has now.
 */
async function staleRow(target: FlushTarget, mapper: EntityMapper, match: readonly unknown[], what: string, count: number): Promise<StaleDataError> {
  const entity = mapper.metadata;
  const identity = mapper.keyIndexes.map((i) => match[i]);
  const key = mapper.keyIndexes.map((i, k) => `${mapper.columns[i]!.propertyName ?? mapper.columns[i]!.columnName}=${String(identity[k])}`).join(', ');
  const version = entity.versionColumn;
  if (!version) {
    return new StaleDataError(
      `${what} of ${entity.name} (${key}) matched ${count} rows instead of 1: the row was deleted by someone else. Reload it (session.refresh(obj)) and apply the change again.`,
      { entity: entity.name, identity },
    );
  }
  const expectedVersion = match[mapper.columns.indexOf(version)];
  const currentVersion = await currentVersionOf(target, mapper, match);
  const now = currentVersion === undefined ? 'the row no longer exists' : `the row is at version ${String(currentVersion)}`;
  return new StaleDataError(
    `${what} of ${entity.name} (${key}) expected version ${String(expectedVersion)}, but ${now}: someone else changed or deleted it since that version was read. ` +
      'Reload it (session.refresh(obj), or read it again in a new transaction) and apply the change again; session.transaction(fn, { retry }) re-runs fn for you.',
    { entity: entity.name, identity, expectedVersion, currentVersion },
  );
}

/** The version a row has now, read by its key; undefined when the row is gone or the read fails. */
async function currentVersionOf(target: FlushTarget, mapper: EntityMapper, match: readonly unknown[]): Promise<number | undefined> {
  const version = mapper.metadata.versionColumn!;
  const source = sourceOf(mapper.metadata);
  const where = allOf(mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, match[i])));
  try {
    const result = await target.connection.execute(new NodeStatement(selectWhere(source, where, [version])));
    const value = result.rows[0]?.[version.columnName];
    return value === null || value === undefined ? undefined : Number(value);
  } catch {
    // The conflict is what the caller needs to hear about; a failed read only leaves the current version unknown.
    return undefined;
  }
}

/*
 * The flush's checks before any SQL that a row has what its NOT NULL columns need: a
 * required relationship set (its foreign key filled), and a value for every NOT NULL column
 * nothing else fills. Failing here names the entity and property instead of a server error.
 */
import { FlushError, ValidationError } from '../../errors/errors';
import type { ColumnMetadata } from '../../metadata/entity-metadata';
import { columnLabel } from '../../types/value-errors';
import type { EntityMapper } from '../state/entity-mapper';
import type { InstanceState } from '../state/instance-state';

/** A NOT NULL foreign key with nothing to fill it is the user's mistake: say which relationship. A column `linked` to a placeholder counts as filled. */
export function checkRequired(state: InstanceState, linked?: readonly unknown[]): void {
  const { columns } = state.mapper;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (column.nullable || column.generated || column.serverDefault || column.relationProperty === undefined) continue;
    const value = linked?.[i] ?? state.values[i];
    if (value === undefined || value === null) throw requiredError(state, column);
  }
}

function requiredError(state: InstanceState, column: ColumnMetadata): FlushError {
  const entity = state.mapper.metadata.name;
  return new FlushError(
    `${entity}.${column.relationProperty} is required (its foreign key ${column.columnName} is NOT NULL) but no related object is set. ` +
      `Set ${entity}.${column.relationProperty}, or add the object to its parent's collection, before flushing.`,
  );
}

const givenColumns = new WeakMap<EntityMapper, readonly number[]>();

/**
 * The columns a row must give a value: NOT NULL, and nothing else fills them (no default
 * of either kind, not generated, not maintained by the unit of work, not a foreign key,
 * which checkRequired covers).
 */
function mustBeGiven(mapper: EntityMapper): readonly number[] {
  let indexes = givenColumns.get(mapper);
  if (!indexes) {
    indexes = mapper.columns.flatMap((c, i) =>
      c.nullable || c.default || c.serverDefault || c.generated || c.role || c.relationProperty !== undefined ? [] : [i],
    );
    givenColumns.set(mapper, indexes);
  }
  return indexes;
}

/**
 * A NOT NULL column left empty is refused before any SQL, naming the property: on INSERT
 * (`changed` undefined) every such column, on UPDATE the changed ones.
 */
export function checkValuesGiven(state: InstanceState, changed: readonly number[] | undefined): void {
  for (const i of mustBeGiven(state.mapper)) {
    if (changed !== undefined && !changed.includes(i)) continue;
    const value = state.values[i];
    if (value === undefined || value === null) throw missingValue(state, state.mapper.columns[i]!, value, changed !== undefined);
  }
}

function missingValue(state: InstanceState, column: ColumnMetadata, value: null | undefined, updating: boolean): ValidationError {
  const entity = state.mapper.metadata.name;
  const property = column.propertyName ?? column.columnName;
  return new ValidationError(
    `${columnLabel(column)} is required: the column is NOT NULL and has no default, but the ${updating ? 'update sets it to' : 'new object has'} ${String(value)}. ` +
      `Set ${entity}.${property} before flushing, or declare a default (or nullable: true) on the column.`,
    { entity, column: property, property },
  );
}

/**
 * A version the application assigns is the version it expects the row to have, so it must be
 * one: `version = req.body.version` with no version in the body is refused before SQL rather
 * than reported as someone else's change.
 */
export function checkVersionGiven(state: InstanceState, changed: readonly number[]): void {
  const version = state.mapper.metadata.versionColumn;
  if (!version) return;
  const i = state.mapper.columns.indexOf(version);
  if (!changed.includes(i)) return;
  const value = state.values[i];
  if ((typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'bigint') return;
  const entity = state.mapper.metadata.name;
  const property = version.propertyName ?? version.columnName;
  throw new ValidationError(
    `${entity}.${property} was set to ${value === null || value === undefined ? String(value) : `a ${typeof value}`}, but a version column holds the version the row is expected to have. ` +
      `Set it to the whole number the client read (and sent back), or leave it alone to expect the version loaded.`,
    { entity, column: property, property },
  );
}

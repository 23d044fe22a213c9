/*
 * Putting loaded values into relationships, and reading the parent keys a load groups
 * by: shared by every loader strategy and by the reader of joined rows.
 */
import type { ColumnMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { linkOf, loadedCollection } from '../state/collection';
import { isUnloaded, stateOf, type InstanceState } from '../state/instance-state';
import { keyPart, keyText } from '../state/key-text';
import { KEEP_LOADED, type LoadMode } from './step-loader';

/**
 * Puts a loaded value into a relationship unless it is already loaded since the last commit
 * (and `mode.refresh` is off), or holds changes not yet flushed. Collection children get
 * their side of the pair set to the parent. Returns true when the value was put.
 */
export function assignLoaded(parent: InstanceState, index: number, value: object[] | object | null, mode: LoadMode = KEEP_LOADED): boolean {
  const current = parent.relations[index];
  if (!mode.refresh && parent.relationFresh(index)) return false;
  if (linkOf(current)?.snapshot !== undefined) return false;
  const relation = parent.mapper.relations[index]!;
  parent.relations[index] = relation.isCollection ? loadedCollection(parent, index, value as object[]) : value;
  parent.relationLoaded(index);
  const inverse = relation.inverse;
  if (inverse && !inverse.isCollection && value !== null) {
    for (const child of asList(value)) {
      const state = stateOf(child);
      if (!state) continue;
      const j = state.mapper.relationIndex(inverse.propertyName);
      if (j < 0 || state.relationFresh(j) || linkOf(state.relations[j])) continue;
      state.relations[j] = parent.object;
      state.relationLoaded(j);
    }
  }
  return true;
}

/** A relationship value as a list of its objects: a collection as it is, a to-one as zero or one. */
export function asList(value: object[] | object | null): object[] {
  if (value === null) return [];
  return Array.isArray(value) ? (value as object[]) : [value];
}

/** The columns of the parent entity a relationship's join reads. */
export function parentColumns(relation: RelationMetadata): ColumnMetadata[] {
  if (relation.joinTable) return relation.joinTable.ownerColumns.map((c) => c.referenced);
  return relation.owner ? relation.foreignKey.map((fk) => fk.column) : relation.foreignKey.map((fk) => fk.referenced);
}

/** A parent's key for a relationship: the values of those columns, or undefined when one is NULL. */
export function parentKey(state: InstanceState, columns: readonly ColumnMetadata[]): unknown {
  if (columns.length === 1) {
    const value = state.values[state.mapper.columns.indexOf(columns[0]!)];
    return value === null || value === undefined ? undefined : keyPart(value);
  }
  const parts = columns.map((c) => state.values[state.mapper.columns.indexOf(c)]);
  return parts.some((p) => p === null || p === undefined) ? undefined : keyText(parts);
}

/** Adds the states of a loaded relationship value's objects to `into` (nothing for an unloaded one). */
export function collect(into: InstanceState[], value: unknown): void {
  if (isUnloaded(value) || value === null || value === undefined) return;
  for (const object of Array.isArray(value) ? (value as object[]) : [value]) {
    const state = stateOf(object);
    if (state) into.push(state);
  }
}

/** The states, each once, in first-seen order. */
export function unique(states: readonly InstanceState[]): InstanceState[] {
  return [...new Set(states)];
}

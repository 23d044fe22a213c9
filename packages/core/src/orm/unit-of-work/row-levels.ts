/*
 * The order of rows within one table: self-referencing rows in levels (parents before
 * children on insert, children before parents on delete), and the cycle keys that must be
 * cleared before rows deleted together can go.
 */
import type { EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, stateOf, type InstanceState } from '../state/instance-state';
import { orderRows } from './row-order';

export function groupByEntity(states: readonly InstanceState[]): Map<EntityMetadata, InstanceState[]> {
  const out = new Map<EntityMetadata, InstanceState[]>();
  for (const state of states) {
    const entity = state.mapper.metadata;
    let list = out.get(entity);
    if (!list) out.set(entity, (list = []));
    list.push(state);
  }
  return out;
}

/**
 * Self-referencing rows being deleted, in levels by their foreign-key values as the
 * database has them: parents in earlier levels than their children.
 */
export function deleteLevels(mapper: EntityMapper, states: InstanceState[]): InstanceState[][] {
  return levelsOf(states, selfParentsOf(mapper, states));
}

/** A self-referencing row's parents among `states`, by its foreign-key values as the database has them. */
function selfParentsOf(mapper: EntityMapper, states: readonly InstanceState[]): (state: InstanceState) => InstanceState[] {
  const selfRelations = mapper.relations.filter((r) => r.owner && !r.joinTable && r.target === mapper.metadata && r.foreignKey.length > 0);
  const byKey = new Map<unknown, InstanceState>();
  for (const state of states) byKey.set(mapper.identityKey(state.snapshot ?? state.values), state);
  return (state) => {
    const values = state.snapshot ?? state.values;
    return selfRelations.flatMap((relation) => {
      const key = new Array<unknown>(mapper.columns.length);
      for (const fk of relation.foreignKey) key[mapper.columns.indexOf(fk.referenced)] = values[mapper.columns.indexOf(fk.column)];
      const parent = byKey.get(mapper.identityKey(key));
      return parent && parent !== state ? [parent] : [];
    });
  };
}

/**
 * The foreign keys to set NULL before rows being deleted go: keys written by post-update
 * (the relationship a cross-table cycle is broken at) that are set, and nullable self-references
 * of rows deleted together in a cycle (a -> b -> a), which no order of DELETEs can satisfy
 * on a server that checks keys row by row.
 */
export function cycleKeysToClear(
  deleting: readonly InstanceState[],
  postUpdate: readonly RelationMetadata[],
  selfReferencing: readonly EntityMetadata[],
): { state: InstanceState; indexes: number[] }[] {
  const out: { state: InstanceState; indexes: number[] }[] = [];
  const setKeys = (state: InstanceState, relations: readonly RelationMetadata[]): number[] => {
    const loaded = state.snapshot ?? state.values;
    return relations.flatMap((relation) => {
      const indexes = relation.foreignKey.map((fk) => state.mapper.columns.indexOf(fk.column));
      return indexes.every((i) => state.mapper.columns[i]!.nullable) && indexes.some((i) => loaded[i] !== null && loaded[i] !== undefined) ? indexes : [];
    });
  };
  if (postUpdate.length > 0) {
    for (const state of deleting) {
      const indexes = setKeys(state, postUpdate.filter((r) => r.entity === state.mapper.metadata));
      if (indexes.length > 0) out.push({ state, indexes });
    }
  }
  for (const [entity, states] of groupByEntity(deleting.filter((s) => selfReferencing.includes(s.mapper.metadata)))) {
    const mapper = EntityMapper.for(entity);
    const selfRelations = mapper.relations.filter((r) => r.owner && !r.joinTable && r.target === entity && r.foreignKey.length > 0);
    const { cyclic } = orderRows(states, selfParentsOf(mapper, states));
    for (const state of cyclic) {
      const indexes = setKeys(state, selfRelations);
      if (indexes.length > 0) out.push({ state, indexes });
    }
  }
  return out;
}

/** Rows in levels by `parentsOf`: each row one level below its deepest parent in the batch. */
function levelsOf(states: InstanceState[], parentsOf: (state: InstanceState) => InstanceState[]): InstanceState[][] {
  const { ordered, cyclic } = orderRows(states, parentsOf);
  const depth = new Map<InstanceState, number>();
  const levels: InstanceState[][] = [];
  for (const state of [...cyclic, ...ordered]) {
    const d = Math.max(-1, ...parentsOf(state).map((p) => depth.get(p) ?? -1)) + 1;
    depth.set(state, d);
    (levels[d] ??= []).push(state);
  }
  return levels.filter(Boolean);
}

/** Self-referencing rows in levels: parents in earlier levels than their children. */
export function selfLevels(mapper: EntityMapper, states: InstanceState[]): InstanceState[][] {
  const inBatch = new Set(states);
  const selfRelations = mapper.relations.flatMap((r, i) => (r.owner && !r.joinTable && r.target === mapper.metadata ? [i] : []));
  const parentsOf = (state: InstanceState): InstanceState[] =>
    selfRelations.flatMap((i) => {
      const value = state.relations[i];
      const parent = value && !isUnloaded(value) ? stateOf(value) : undefined;
      return parent && inBatch.has(parent) ? [parent] : [];
    });
  return levelsOf(states, parentsOf);
}

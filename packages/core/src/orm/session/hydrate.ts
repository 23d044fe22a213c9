/*
 * Turns rows the engine decoded (property bags) into session objects through the
 * identity map: a known key gives the same object (refreshed if it was expired, local
 * changes kept), an unknown key a new persistent object built without its constructor.
 */
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { SelectNode, StatementNode } from '../../query/query-nodes';
import type { CompiledStatement } from '../../query/query-compiler';
import type { IdentityMap } from '../identity/identity-map';
import { EntityMapper } from '../state/entity-mapper';
import { sameValue, type InstanceState, type StateOwner } from '../state/instance-state';

/** Where a session's hydrated objects go. */
export interface HydrationTarget {
  readonly identity: IdentityMap;
  readonly owner: StateOwner;
  /** Hold clean objects weakly (streaming). */
  readonly weak?: boolean;
}

/** The object for one row of an entity. */
export function hydrate(target: HydrationTarget, mapper: EntityMapper, bag: Record<string, unknown>): object {
  const keys = mapper.bagKeys;
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = bag[keys[i]!];
  return hydrateValues(target, mapper, values).object;
}

/** The state for one row given as column values in the mapper's order (the array is kept). */
export function hydrateValues(target: HydrationTarget, mapper: EntityMapper, values: unknown[]): InstanceState {
  const key = mapper.identityKey(values);
  const existing = target.identity.get(mapper.metadata, key);
  if (existing) {
    if (existing.expired) refreshInPlace(existing, values);
    return existing;
  }
  const state = mapper.materialize(values, 'persistent');
  state.owner = target.owner;
  state.key = key;
  // A streamed object joins the identity map only once it changes (markDirty pins it): clean
  // ones are garbage as soon as the loop lets go of them, so memory stays flat.
  if (target.weak !== true) target.identity.add(state);
  return state;
}

/** How a compiled entity selection reads one row into column values, in the mapper's order. */
type ValuesReader = (row: Record<string, unknown>) => unknown[];

const readers = new WeakMap<CompiledStatement, ValuesReader>();

/**
 * The objects for driver rows of an entity selection: each row read straight into a
 * column-value array by the statement's decoders (built once per compiled statement).
 */
export function hydrateRows(target: HydrationTarget, mapper: EntityMapper, rows: readonly Record<string, unknown>[], compiled: CompiledStatement): object[] {
  let read = readers.get(compiled);
  if (!read) {
    const labels = compiled.columns.map((c) => c.label);
    const decoders = compiled.columns.map((c) => c.decode);
    const n = labels.length;
    read = (row) => {
      const values = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const value = row[labels[i]!];
        const decode = decoders[i];
        values[i] = value === null || value === undefined ? null : decode ? decode(value) : value;
      }
      return values;
    };
    readers.set(compiled, read);
  }
  const out = new Array<object>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const state = hydrateValues(target, mapper, read(rows[r]!));
    out[r] = state.object;
  }
  return out;
}

/** Loads fresh values into an expired object, keeping attributes changed since. */
export function refreshInPlace(state: InstanceState, fresh: readonly unknown[]): void {
  const { committed, values } = state;
  for (let i = 0; i < values.length; i++) {
    if (committed !== undefined && !sameValue(values[i], committed[i])) continue;
    values[i] = fresh[i];
    if (committed !== undefined) committed[i] = fresh[i];
  }
  state.expired = false;
}

/** How a statement's rows map to entities: the whole row, some tuple positions or record keys, or none. */
export type EntityPlacement =
  | { readonly kind: 'row'; readonly entity: EntityMetadata }
  | { readonly kind: 'items'; readonly items: readonly { readonly at: string | number; readonly entity: EntityMetadata }[] }
  | { readonly kind: 'none' };

/** Finds where the entities sit in a statement's result rows. */
export function placementOf(node: StatementNode): EntityPlacement {
  const selection = node.kind === 'select' ? (node as SelectNode) : node.kind === 'compound' ? firstSelect(node) : node.returning;
  if (!selection) return { kind: 'none' };
  if (selection.shape === 'entity') {
    const item = selection.items[0]!;
    return item.kind === 'entity' ? { kind: 'row', entity: item.source.entity } : { kind: 'none' };
  }
  const items = selection.items.flatMap((item, index) =>
    item.kind === 'entity' ? [{ at: selection.shape === 'tuple' ? index : item.key, entity: item.source.entity }] : [],
  );
  return items.length > 0 ? { kind: 'items', items } : { kind: 'none' };
}

function firstSelect(node: StatementNode): SelectNode {
  let current: StatementNode = node;
  while (current.kind === 'compound') current = current.members[0]!;
  return current as SelectNode;
}

/*
 * Turns rows the engine decoded (property bags) into session objects through the
 * identity map: a known key gives the same object (refreshed if it was expired, local
 * changes kept), an unknown key a new persistent object built without its constructor.
 */
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { SelectNode, StatementNode } from '../../query/query-nodes';
import type { CompiledStatement } from '../../query/query-compiler';
import type { IdentityMap } from '../identity/identity-map';
import type { EntityMapper } from '../state/entity-mapper';
import type { InstanceState, StateSession } from '../state/instance-state';
import { decodersOf, readSlice, type Decoders } from '../state/row-values';

/** Where a session's hydrated objects go. */
export interface HydrationTarget {
  readonly identity: IdentityMap;
  readonly session: StateSession;
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
    if (existing.expired) existing.refresh(values);
    return existing;
  }
  const state = mapper.materialize(values, 'persistent');
  state.toPersistent(key, target.session);
  // A streamed object joins the identity map only once it changes (markDirty pins it): clean
  // ones are garbage as soon as the loop lets go of them, so memory stays flat.
  if (target.weak !== true) target.identity.add(state);
  return state;
}

/** How an entity selection's rows become a mapper's column values: worked out once per compiled statement. */
interface ArrayPlan {
  readonly mapper: EntityMapper;
  /** True when a row holds exactly the mapper's columns in its order: it is decoded in place and kept. */
  readonly inPlace: boolean;
  /** Positions with a decoder, their decoders, and the driver value types each keeps. */
  readonly positions: readonly number[];
  readonly decode: readonly ((value: unknown) => unknown)[];
  readonly passes: readonly (string | undefined)[];
  readonly decoders: Decoders;
}

const arrayPlans = new WeakMap<CompiledStatement, ArrayPlan>();

function arrayPlan(compiled: CompiledStatement, mapper: EntityMapper): ArrayPlan {
  const known = arrayPlans.get(compiled);
  if (known && known.mapper === mapper) return known;
  const decoders = decodersOf(compiled);
  const positions: number[] = [];
  const decode: ((value: unknown) => unknown)[] = [];
  const passes: (string | undefined)[] = [];
  decoders.decode.forEach((read, i) => {
    if (!read) return;
    positions.push(i);
    decode.push(read);
    passes.push(decoders.passes[i]);
  });
  const plan = { mapper, inPlace: sameLayout(compiled, mapper), positions, decode, passes, decoders };
  arrayPlans.set(compiled, plan);
  return plan;
}

/** Decodes an entity row in place (see ArrayPlan) and gives its object. */
function hydrateInPlace(target: HydrationTarget, plan: ArrayPlan, row: unknown[]): object {
  const { positions, decode, passes } = plan;
  for (let d = 0; d < positions.length; d++) {
    const i = positions[d]!;
    const value = row[i];
    if (value === null || typeof value === passes[d]) continue;
    row[i] = value === undefined ? null : decode[d]!(value);
  }
  return hydrateValues(target, plan.mapper, row).object;
}

/**
 * The objects for the value-array rows of an entity selection (`select(Entity)`). When a
 * row holds exactly the mapper's columns, as those rows do, it is decoded in place and
 * becomes the object's value array (no copy); otherwise its columns are copied out.
 */
export function hydrateArrays(target: HydrationTarget, mapper: EntityMapper, rows: readonly unknown[][], compiled: CompiledStatement): object[] {
  const plan = arrayPlan(compiled, mapper);
  const out = new Array<object>(rows.length);
  if (plan.inPlace) {
    for (let r = 0; r < rows.length; r++) out[r] = hydrateInPlace(target, plan, rows[r]!);
  } else {
    const count = mapper.columns.length;
    for (let r = 0; r < rows.length; r++) out[r] = hydrateValues(target, mapper, readSlice(rows[r]!, 0, count, plan.decoders)).object;
  }
  return out;
}

/** The row mapper of an entity selection for rows that come one at a time (streams); see hydrateArrays. */
export function arrayHydrator(target: HydrationTarget, mapper: EntityMapper, compiled: CompiledStatement): (row: unknown[]) => object {
  const plan = arrayPlan(compiled, mapper);
  if (plan.inPlace) return (row) => hydrateInPlace(target, plan, row);
  const count = mapper.columns.length;
  return (row) => hydrateValues(target, mapper, readSlice(row, 0, count, plan.decoders)).object;
}

/** True when the compiled selection's columns are the mapper's, in its order. */
function sameLayout(compiled: CompiledStatement, mapper: EntityMapper): boolean {
  const columns = compiled.columns;
  if (columns.length !== mapper.columns.length) return false;
  for (let i = 0; i < columns.length; i++) if (columns[i]!.label !== mapper.columns[i]!.columnName) return false;
  return true;
}

/** How a statement's rows map to entities: the whole row, some tuple positions or record keys, or none. */
export type EntityPlacement =
  | { readonly kind: 'row'; readonly entity: EntityMetadata }
  | { readonly kind: 'items'; readonly items: readonly { readonly at: string | number; readonly entity: EntityMetadata }[] }
  | { readonly kind: 'none' };

/** Finds where the entities sit in a statement's result rows. */
export function placementOf(node: StatementNode): EntityPlacement {
  const selection = node.kind === 'select' ? node : node.kind === 'compound' ? firstSelect(node) : node.returning;
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

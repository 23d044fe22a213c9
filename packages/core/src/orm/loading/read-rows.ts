/*
 * Reads the rows of an entity query into session objects: the query's own objects, and
 * the objects of its joined steps put into their parents' relationships as it goes.
 */
import { hydrateValues } from './hydrate';
import { readSlice, type Decoders } from '../state/row-values';
import { keyPart, keyText } from '../state/key-text';
import { stateOf, type InstanceState } from '../state/instance-state';
import type { EntityQuery } from './entity-query';
import { assignLoaded } from './relation-values';
import type { LoadContext, LoadedRows, ReadResult } from './step-loader';

/**
 * Reads an entity query's rows into objects and puts joined relationships in place; `into`
 * continues an earlier read (the next batch of one load).
 */
export function readRows(ctx: LoadContext, query: EntityQuery, loaded: LoadedRows, into?: ReadResult): ReadResult {
  const { slots, keyPositions } = query;
  const { rows, decoders } = loaded;
  const result: ReadResult = into ?? { roots: [], keys: [], rowRoots: [], byNode: new Map() };
  // A row that is one entity's columns and nothing else is decoded in place and kept as its values.
  const whole = slots.length === 1 && slots[0]!.start === 0 && decoders.decode.length === slots[0]!.mapper.columns.length;
  // From one table without joins, each row is another object: only joins (or several FROM items) repeat one.
  const seen = slots.length > 1 || query.node.joins.length > 0 || query.node.from.length > 1 ? new Set<InstanceState>(into?.roots) : undefined;
  // Per joined slot: what each parent collected.
  const collected = slots.map(() => new Map<InstanceState, { items: object[]; seen: Set<object> }>());
  const current = new Array<InstanceState | undefined>(slots.length);
  for (const row of rows) {
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      let parent: InstanceState | undefined;
      if (s > 0) {
        parent = current[slot.parent];
        if (parent === undefined) {
          current[s] = undefined;
          continue;
        }
      }
      let state: InstanceState | undefined;
      if (s === 0 || !allNull(row, slot.keyPositions)) {
        // Keys are read before an in-place decode replaces the row's values.
        if (s === 0 && keyPositions.length > 0) result.keys.push(keyAt(row, keyPositions, decoders));
        const values = whole ? decodeInPlace(row, decoders) : readSlice(row, slot.start, slot.mapper.columns.length, decoders);
        state = hydrateValues(ctx.target, slot.mapper, values);
      }
      current[s] = state;
      if (s === 0) {
        if (seen === undefined) result.roots.push(state!);
        else if (!seen.has(state!)) {
          seen.add(state!);
          result.roots.push(state!);
        }
        result.rowRoots.push(state!);
        continue;
      }
      let entry = collected[s]!.get(parent!);
      if (!entry) collected[s]!.set(parent!, (entry = { items: [], seen: new Set() }));
      if (state && !entry.seen.has(state.object)) {
        entry.seen.add(state.object);
        entry.items.push(state.object);
      }
    }
  }
  for (let s = 1; s < slots.length; s++) {
    const step = slots[s]!.node!;
    let children = result.byNode.get(step);
    if (!children) result.byNode.set(step, (children = []));
    for (const [parent, entry] of collected[s]!) {
      assignLoaded(parent, step.index, step.relation.isCollection ? entry.items : (entry.items[0] ?? null));
      for (const object of entry.items) children.push(stateOf(object)!);
    }
  }
  return result;
}

/** The grouping key of a row: the decoded value at one position, or the key text of several. */
function keyAt(row: readonly unknown[], positions: readonly number[], decoders: Decoders): unknown {
  if (positions.length === 1) return keyPart(decodeAt(row, positions[0]!, decoders));
  return keyText(positions.map((p) => decodeAt(row, p, decoders)));
}

function decodeAt(row: readonly unknown[], at: number, decoders: Decoders): unknown {
  const value = row[at];
  const read = decoders.decode[at];
  return value === null || value === undefined ? null : read === undefined || typeof value === decoders.passes[at] ? value : read(value);
}

/** Decodes every value of a row in place and returns it. */
function decodeInPlace(row: unknown[], decoders: Decoders): unknown[] {
  for (let i = 0; i < row.length; i++) row[i] = decodeAt(row, i, decoders);
  return row;
}

function allNull(row: readonly unknown[], positions: readonly number[]): boolean {
  for (const i of positions) if (row[i] !== null && row[i] !== undefined) return false;
  return true;
}

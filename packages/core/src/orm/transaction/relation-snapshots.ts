/*
 * What a rollback needs to put relationships back: the value each relationship slot held
 * (a collection with its members, a to-one, or nothing loaded) when it first changed at a
 * transaction level. Column values have their snapshots in TransactionLevel; these are the
 * relationship half, restored without running the inverse-side sync (every side that
 * changed has an saved of its own).
 */
import { linkOf } from '../state/collection';
import type { InstanceState, StateSession } from '../state/instance-state';

/** One relationship slot as it was. */
interface RelationSnapshot {
  /** The slot's value: the collection object, a related object, null, or an unloaded marker. */
  readonly value: unknown;
  /** A collection's members, copied. */
  readonly members: readonly object[] | undefined;
  readonly snapshot: readonly object[] | undefined;
  readonly unknownBase: boolean;
  readonly partial: boolean;
  readonly stale: boolean;
}

const arrayPush = Array.prototype.push;

/** Relationship slots of persistent objects as they were when they first changed at one level. */
export class RelationSnapshots {
  readonly #snapshots = new Map<InstanceState, Map<number, RelationSnapshot>>();

  get size(): number {
    return this.#snapshots.size;
  }

  /** Remembers slot `index` of `state` unless it already has an saved here. */
  record(state: InstanceState, index: number): void {
    let byIndex = this.#snapshots.get(state);
    if (!byIndex) this.#snapshots.set(state, (byIndex = new Map<number, RelationSnapshot>()));
    if (byIndex.has(index)) return;
    const value = state.relations[index];
    const link = linkOf(value);
    byIndex.set(index, {
      value,
      members: Array.isArray(value) ? Array.prototype.slice.call(value) : undefined,
      snapshot: link?.snapshot,
      unknownBase: link?.unknownBase ?? false,
      partial: link?.partial ?? false,
      stale: state.relationStale(index),
    });
  }

  /** Hands the snapshots to an enclosing level, which keeps its own older ones (a savepoint released). */
  mergeInto(parent: RelationSnapshots): void {
    for (const [state, byIndex] of this.#snapshots) {
      let into = parent.#snapshots.get(state);
      if (!into) parent.#snapshots.set(state, (into = new Map<number, RelationSnapshot>()));
      for (const [index, saved] of byIndex) if (!into.has(index)) into.set(index, saved);
    }
  }

  /** Puts every remembered slot of the objects `session` still holds back as it was, then forgets them. */
  restore(session: StateSession): void {
    for (const [state, byIndex] of this.#snapshots) {
      if (state.session !== session) continue;
      for (const [index, saved] of byIndex) restoreSlot(state, index, saved);
    }
    this.#snapshots.clear();
  }

  /** Forgets every snapshot (the changes were committed). */
  clear(): void {
    this.#snapshots.clear();
  }
}

function restoreSlot(state: InstanceState, index: number, saved: RelationSnapshot): void {
  const { value, members } = saved;
  const link = linkOf(value);
  if (link && members) {
    // The same array object comes back, so references the application holds see the old members again.
    const array = value as object[];
    array.length = 0;
    for (const member of members) arrayPush.call(array, member);
    link.snapshot = saved.snapshot;
    link.unknownBase = saved.unknownBase;
    link.partial = saved.partial;
  }
  state.relations[index] = value;
  if (saved.stale) state.expireRelation(index);
  else state.relationLoaded(index);
}

/*
 * What a rollback needs to put relationships back: the value each relationship slot held
 * (a collection with its members, a to-one, or nothing loaded) when it first changed at a
 * transaction level. Column values have their images in TransactionLevel; these are the
 * relationship half, restored without running the inverse-side sync (every side that
 * changed has an image of its own).
 */
import { linkOf } from '../state/collection';
import type { InstanceState, StateSession } from '../state/instance-state';

/** One relationship slot as it was. */
interface RelationImage {
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
export class RelationImages {
  readonly #images = new Map<InstanceState, Map<number, RelationImage>>();

  get size(): number {
    return this.#images.size;
  }

  /** Remembers slot `index` of `state` unless it already has an image here. */
  record(state: InstanceState, index: number): void {
    let byIndex = this.#images.get(state);
    if (!byIndex) this.#images.set(state, (byIndex = new Map<number, RelationImage>()));
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

  /** Hands the images to an enclosing level, which keeps its own older ones (a savepoint released). */
  mergeInto(parent: RelationImages): void {
    for (const [state, byIndex] of this.#images) {
      let into = parent.#images.get(state);
      if (!into) parent.#images.set(state, (into = new Map<number, RelationImage>()));
      for (const [index, image] of byIndex) if (!into.has(index)) into.set(index, image);
    }
  }

  /** Puts every remembered slot of the objects `session` still holds back as it was, then forgets them. */
  restore(session: StateSession): void {
    for (const [state, byIndex] of this.#images) {
      if (state.session !== session) continue;
      for (const [index, image] of byIndex) restoreSlot(state, index, image);
    }
    this.#images.clear();
  }

  /** Forgets every image (the changes were committed). */
  clear(): void {
    this.#images.clear();
  }
}

function restoreSlot(state: InstanceState, index: number, image: RelationImage): void {
  const { value, members } = image;
  const link = linkOf(value);
  if (link && members) {
    // The same array object comes back, so references the application holds see the old members again.
    const array = value as object[];
    array.length = 0;
    for (const member of members) arrayPush.call(array, member);
    link.snapshot = image.snapshot;
    link.unknownBase = image.unknownBase;
    link.partial = image.partial;
  }
  state.relations[index] = value;
  if (image.stale) state.expireRelation(index);
  else state.relationLoaded(index);
}

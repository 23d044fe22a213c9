/*
 * One object per (entity, primary key) per session. Objects are held strongly, except
 * clean objects a stream produced, which are held through WeakRefs so that iterating a
 * million rows does not pin them; a changed object is always held until it is flushed.
 * Slots of collected objects are swept as weak ones are added, so the keys go too.
 */
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { InstanceState } from '../state/instance-state';

type Slot = InstanceState | WeakRef<InstanceState>;

/** Weak adds between sweeps, at the least. */
const MIN_SWEEP_INTERVAL = 16_384;

/** A session's identity map. */
export class IdentityMap {
  readonly #byEntity: Map<EntityMetadata, Map<unknown, Slot>>;
  /** The entity looked up last and its map: rows of one entity come in runs. */
  #lastEntity: EntityMetadata | undefined;
  #lastMap: Map<unknown, Slot> | undefined;
  #weakAdds: number;
  #sweepAfter: number;

  constructor() {
    this.#byEntity = new Map();
    this.#lastEntity = undefined;
    this.#lastMap = undefined;
    this.#weakAdds = 0;
    this.#sweepAfter = MIN_SWEEP_INTERVAL;
  }

  /** The state held for an entity's key, if any (and still alive). */
  get(entity: EntityMetadata, key: unknown): InstanceState | undefined {
    const slot = (entity === this.#lastEntity ? this.#lastMap : this.#byEntity.get(entity))?.get(key);
    if (slot === undefined) return undefined;
    if (!(slot instanceof WeakRef)) return slot;
    const state = slot.deref();
    if (state === undefined) this.#delete(entity, key);
    return state;
  }

  /** Holds a state under its key; `weak` for clean streamed objects. */
  add(state: InstanceState, weak = false): void {
    const entity = state.mapper.metadata;
    let map = entity === this.#lastEntity ? this.#lastMap : this.#byEntity.get(entity);
    if (!map) this.#byEntity.set(entity, (map = new Map<unknown, Slot>()));
    this.#lastEntity = entity;
    this.#lastMap = map;
    map.set(state.key, weak ? new WeakRef(state) : state);
    if (weak && ++this.#weakAdds >= this.#sweepAfter) this.#sweep();
  }

  /** Holds a state strongly from now on (it changed): a weakly held or not yet held (streamed) one is taken in. */
  pin(state: InstanceState): void {
    if (state.key === undefined) return;
    const map = this.#byEntity.get(state.mapper.metadata);
    const slot = map?.get(state.key);
    if (slot instanceof WeakRef) map!.set(state.key, state);
    else if (slot === undefined) this.add(state);
  }

  /** Forgets a state. */
  remove(state: InstanceState): void {
    const slot = this.#byEntity.get(state.mapper.metadata)?.get(state.key);
    const held = slot instanceof WeakRef ? slot.deref() : slot;
    if (held === state) this.#delete(state.mapper.metadata, state.key);
  }

  /** Every live state, entity by entity. */
  *states(): IterableIterator<InstanceState> {
    for (const [entity, map] of this.#byEntity) {
      for (const [key, slot] of map) {
        const state = slot instanceof WeakRef ? slot.deref() : slot;
        if (state) yield state;
        else this.#delete(entity, key);
      }
    }
  }

  /** Calls `visit` with every live state (no iterator objects: for passes over the whole map). */
  forEach(visit: (state: InstanceState) => void): void {
    for (const map of this.#byEntity.values()) {
      for (const slot of map.values()) {
        if (!(slot instanceof WeakRef)) {
          visit(slot);
          continue;
        }
        const state = slot.deref();
        if (state) visit(state);
      }
    }
  }

  /** The live states of one entity. */
  *statesOf(entity: EntityMetadata): IterableIterator<InstanceState> {
    const map = this.#byEntity.get(entity);
    if (!map) return;
    for (const [key, slot] of map) {
      const state = slot instanceof WeakRef ? slot.deref() : slot;
      if (state) yield state;
      else this.#delete(entity, key);
    }
  }

  /** How many keys are held (weak ones that died may still count until visited). */
  get size(): number {
    let size = 0;
    for (const map of this.#byEntity.values()) size += map.size;
    return size;
  }

  /** Forgets everything. */
  clear(): void {
    this.#byEntity.clear();
    this.#lastEntity = undefined;
    this.#lastMap = undefined;
  }

  /**
   * Drops the slots of collected objects. It runs after as many weak adds as slots were
   * left by the last sweep, so its cost per add stays constant. (A FinalizationRegistry
   * alone was not enough: its callbacks can lag hundreds of thousands of rows behind.)
   */
  #sweep(): void {
    for (const map of this.#byEntity.values()) {
      for (const [key, slot] of map) {
        if (slot instanceof WeakRef && slot.deref() === undefined) map.delete(key);
      }
    }
    this.#weakAdds = 0;
    this.#sweepAfter = Math.max(MIN_SWEEP_INTERVAL, this.size);
  }

  #delete(entity: EntityMetadata, key: unknown): void {
    this.#byEntity.get(entity)?.delete(key);
  }
}

/*
 * session.merge(): copies a detached or transient object's column values onto the session's
 * object with the same key (loaded if needed), or adds a copy as new, and follows `merge`
 * cascades through the source's loaded relationships. A version carried in is an
 * expectation the flush checks, like any assigned version.
 */
import { InvalidStateError } from '../../errors/errors';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { EntityClass } from '../../query/query-types';
import type { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, stateOf, type InstanceState, type StateSession } from '../state/instance-state';

/** What merging needs from the session. */
export interface MergeContext {
  mapper(entity: EntityClass<unknown>): EntityMapper;
  lookup(entity: EntityMetadata, key: unknown): InstanceState | undefined;
  isDeleted(state: InstanceState): boolean;
  get(entity: EntityClass<object>, key: unknown): Promise<object | undefined>;
  add(object: object): void;
  /** The session merged into, as object states know it. */
  readonly session: StateSession;
}

/** Merges `object` (and what its merge cascades reach) into the session; `merged` maps sources to results. */
export async function mergeObject(ctx: MergeContext, object: object, merged: Map<object, object>): Promise<object> {
  const done = merged.get(object);
  if (done) return done;
  const entity = object.constructor as EntityClass<object>;
  const mapper = ctx.mapper(entity);
  const source = stateOf(object);
  if (source?.session === ctx.session) return object;
  const values = mapper.bagKeys.map((key, i) => (source ? source.values[i] : (object as Record<string, unknown>)[key]));
  let result: object | undefined;
  if (mapper.hasIdentity(values)) {
    const held = ctx.lookup(mapper.metadata, mapper.identityKey(values));
    if (held && ctx.isDeleted(held)) {
      throw new InvalidStateError(`merge(): the ${mapper.metadata.name} with this key is marked for deletion in this session; flush or undo the delete first.`);
    }
    const keys = mapper.keyIndexes.map((i) => values[i]);
    const current = await ctx.get(entity, keys.length === 1 ? keys[0] : keys);
    if (current) {
      const state = stateOf(current)!;
      values.forEach((value, i) => value !== undefined && state.write(i, value));
      result = current;
    }
  }
  if (!result) {
    const copy = Object.create(Object.getPrototypeOf(object) as object | null) as object;
    const state = mapper.attach(copy);
    // A transient copy: write() only fills the value in (no snapshot, no dirty mark).
    values.forEach((value, i) => state.write(i, value));
    ctx.add(copy);
    result = copy;
  }
  merged.set(object, result);
  if (source) await mergeRelations(ctx, mapper, source, result, merged);
  return result;
}

/** merge cascade: loaded relationships of the source are merged too, and set on the result. */
async function mergeRelations(ctx: MergeContext, mapper: EntityMapper, source: InstanceState, result: object, merged: Map<object, object>): Promise<void> {
  const relations = mapper.relations;
  const target = result as Record<string, unknown>;
  for (let i = 0; i < relations.length; i++) {
    const relation = relations[i]!;
    const value = source.relations[i];
    if (!relation.cascade.has('merge') || isUnloaded(value)) continue;
    if (relation.isCollection) {
      const items: object[] = [];
      for (const item of (value as object[] | null) ?? []) items.push(await mergeObject(ctx, item, merged));
      target[relation.propertyName] = items;
    } else {
      target[relation.propertyName] = value === null || value === undefined ? null : await mergeObject(ctx, value, merged);
    }
  }
}

/*
 * Puts accessors on an entity class's prototype for every mapped column and relationship,
 * so reads and writes go through the instance state: writes record what changed, reads
 * of expired values can be refused in strict mode, and unloaded relationships say so.
 * Values a constructor set as own properties are adopted when the session first sees them.
 */
import { DetachedInstanceError, UnloadedRelationError } from '../../errors/errors';
import type { EntityMapper } from './entity-mapper';
import { STATE, UNLOADED, type InstanceState } from './instance-state';

/** Installs the accessors of one entity (idempotent per mapper). */
export function instrument(mapper: EntityMapper): void {
  const prototype = (mapper.metadata.target as { prototype: object }).prototype;
  mapper.columns.forEach((column, index) => {
    const property = column.propertyName;
    if (property === undefined) return;
    Object.defineProperty(prototype, property, {
      configurable: true,
      enumerable: true,
      get(this: { [STATE]?: InstanceState }) {
        const state = this[STATE];
        if (state === undefined) return undefined;
        if (state.expired && state.owner?.strict) state.expiredRead(property);
        return state.values[index];
      },
      set(this: object, value: unknown) {
        const state = (this as { [STATE]?: InstanceState })[STATE] ?? mapper.attach(this);
        state.write(index, value);
      },
    });
  });
  mapper.relations.forEach((relation, index) => {
    const property = relation.propertyName;
    Object.defineProperty(prototype, property, {
      configurable: true,
      // Not enumerable: printing or comparing an object must not trip over an unloaded relationship.
      enumerable: false,
      get(this: object) {
        const state = (this as { [STATE]?: InstanceState })[STATE] ?? mapper.attach(this);
        const value = state.relations[index];
        if (value !== UNLOADED) return value;
        // Nothing in the database belongs to an object that was never saved.
        if (state.status === 'transient' || state.status === 'pending') {
          const empty = relation.isCollection ? [] : null;
          state.relations[index] = empty;
          return empty;
        }
        const where = `${mapper.metadata.name}.${property}`;
        if (state.status === 'detached' || state.owner === undefined) {
          throw new DetachedInstanceError(
            `${where} was never loaded, and the object belongs to no session, so it cannot be loaded now. ` +
              'Load it while the session is open (a loader option such as selectinLoad, or session.load(obj, ...)), or merge the object into a session first.',
          );
        }
        throw new UnloadedRelationError(
          `${where} is not loaded. Load it with the query (e.g. .options(selectinLoad(${mapper.metadata.name}, '${property}'))) ` +
            `or explicitly with await session.load(obj, '${property}'); an unloaded relationship is never shown as empty.`,
        );
      },
      set(this: object, value: unknown) {
        const state = (this as { [STATE]?: InstanceState })[STATE] ?? mapper.attach(this);
        state.relations[index] = value;
        // A new related object or a new parent is a change the next flush must visit.
        if (state.status === 'persistent') state.owner?.markDirty(state);
      },
    });
  });
  if (!Object.prototype.hasOwnProperty.call(prototype, 'toJSON')) {
    // Accessors live on the prototype, so JSON.stringify needs help to see the column values.
    Object.defineProperty(prototype, 'toJSON', {
      configurable: true,
      enumerable: false,
      writable: true,
      value(this: { [STATE]?: InstanceState }) {
        const out: Record<string, unknown> = {};
        const state = this[STATE];
        for (const [key, value] of Object.entries(this)) out[key] = value;
        if (!state) return out;
        mapper.columns.forEach((column, i) => {
          if (column.propertyName !== undefined) out[column.propertyName] = state.values[i];
        });
        return out;
      },
    });
  }
}

/**
 * Moves values that a constructor stored as own properties (class fields compiled with
 * useDefineForClassFields) behind the accessors, so the state sees them.
 */
export function adoptOwnProperties(mapper: EntityMapper, object: object): InstanceState {
  const state = mapper.attach(object);
  const own = object as Record<string, unknown>;
  for (const column of mapper.columns) {
    const property = column.propertyName;
    if (property === undefined || !Object.prototype.hasOwnProperty.call(own, property)) continue;
    const value = own[property];
    delete own[property];
    if (value !== undefined) own[property] = value;
  }
  for (const relation of mapper.relations) {
    const property = relation.propertyName;
    if (!Object.prototype.hasOwnProperty.call(own, property)) continue;
    const value = own[property];
    delete own[property];
    if (value !== undefined) own[property] = value;
  }
  return state;
}

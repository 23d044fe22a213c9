/*
 * Puts accessors on an entity class's prototype for every mapped column and relationship,
 * so reads and writes go through the instance state: writes record what changed, reads
 * of expired values can be refused in strict mode, and unloaded relationships say so.
 * Values a constructor set as own properties are adopted when the session first sees them.
 * Also installs what printing an object shows (entity-inspect.ts) and toJSON.
 */
import { inspect, types } from 'node:util';
import type { InspectStyling } from '../../engine/inspect-view';
import { ArgumentError, DetachedInstanceError, UnloadedRelationError } from '../../errors/errors';
import { assignCollection, assignToOne, emptyRelation } from './backref';
import { findDeclaration } from '../../metadata/declarations';
import { classChain } from '../../metadata/metadata-builder';
import type { EntityMapper } from './entity-mapper';
import { inspectEntity } from './entity-inspect';
import { isUnloaded, RAISE, stateOf, UNLOADED, type InstanceState } from './instance-state';

/** The inspect methods installed here, told apart from ones the entity class declares itself (which are kept). */
const ownInspects = new WeakSet<Function>();

/** Installs the accessors of one entity (idempotent per mapper). */
export function instrument(mapper: EntityMapper): void {
  const prototype = (mapper.metadata.target as { prototype: object }).prototype;
  mapper.columns.forEach((column, index) => {
    const property = column.propertyName;
    if (property === undefined) return;
    Object.defineProperty(prototype, property, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        const state = stateOf(this);
        if (state === undefined) {
          // A Proxy around a loaded object does not pass its state on: attach() refuses it rather than answer undefined.
          if (types.isProxy(this)) mapper.attach(this);
          return undefined;
        }
        if (state.expired && state.session?.strict) state.expiredRead(property);
        return state.values[index];
      },
      set(this: object, value: unknown) {
        const state = stateOf(this) ?? mapper.attach(this);
        state.write(index, value);
      },
    });
  });
  mapper.relations.forEach((relation, index) => {
    const property = relation.propertyName;
    const where = `${mapper.metadata.name}.${property}`;
    // Only an owning to-one can be found from the object's own foreign key.
    const byKey = !relation.isCollection && relation.owner && relation.joinTable === undefined;
    Object.defineProperty(prototype, property, {
      configurable: true,
      // Not enumerable: printing or comparing an object must not trip over an unloaded relationship.
      enumerable: false,
      get(this: object) {
        const state = stateOf(this) ?? mapper.attach(this);
        const value = state.relations[index];
        if (!isUnloaded(value)) {
          if (state.session?.strict && state.relationStale(index)) state.expiredRead(property);
          return value;
        }
        // Nothing in the database belongs to an object that was never saved.
        if (state.status === 'transient' || state.status === 'pending') return emptyRelation(state, index);
        if (state.status === 'detached' || state.session === undefined) {
          throw new DetachedInstanceError(
            `${where} was never loaded, and the object belongs to no session, so it cannot be loaded now. ` +
              'Load it while the session is open (a loader option such as selectinLoad, or session.load(obj, ...)), or merge the object into a session first.',
          );
        }
        if (byKey && value === UNLOADED) {
          // The related object may already be in the session (or the key is NULL): no SQL needed.
          const found = state.session.relatedByKey?.(state, index);
          if (found !== undefined) {
            state.relations[index] = found;
            return found;
          }
        }
        const option = relation.isCollection ? 'selectinLoad' : 'joinedLoad';
        throw new UnloadedRelationError(
          `${where} is not loaded${value === RAISE ? ' (a raiseLoad option or lazy: \'raise\' keeps it unloaded)' : ''}. ` +
            `Load it with the query (.options(${option}(${mapper.metadata.name}, '${property}')) or eagerLoad(${mapper.metadata.name}, '${property}')) ` +
            `or explicitly with await session.load(obj, '${property}'); an unloaded relationship is never shown as empty.`,
        );
      },
      set(this: object, value: unknown) {
        const state = stateOf(this) ?? mapper.attach(this);
        if (relation.isCollection) {
          if (!Array.isArray(value)) throw new ArgumentError(`${where} is a collection; assign an array (possibly empty), not ${value === null ? 'null' : typeof value}.`);
          assignCollection(state, index, value as object[]);
          return;
        }
        if (value !== null && value !== undefined && typeof value !== 'object') {
          throw new ArgumentError(`${where} takes a ${relation.target.name} object or null; got a ${typeof value}. To set the key alone, map the foreign-key column as a property.`);
        }
        assignToOne(state, index, value ?? null);
      },
    });
  });
  if (!Object.prototype.hasOwnProperty.call(prototype, 'toJSON')) {
    // Accessors live on the prototype, so JSON.stringify needs help to see the column values.
    Object.defineProperty(prototype, 'toJSON', {
      configurable: true,
      enumerable: false,
      writable: true,
      value(this: object) {
        const out: Record<string, unknown> = {};
        const state = stateOf(this);
        for (const [key, value] of Object.entries(this)) out[key] = value;
        if (!state) return out;
        mapper.columns.forEach((column, i) => {
          if (column.propertyName !== undefined) out[column.propertyName] = state.values[i];
        });
        return out;
      },
    });
  }
  const existing = (prototype as { [inspect.custom]?: unknown })[inspect.custom];
  if (existing === undefined || ownInspects.has(existing as Function)) {
    const print = function (this: object, depth: number | null, options: InspectStyling): string {
      return inspectEntity(mapper, this, depth, options);
    };
    ownInspects.add(print);
    Object.defineProperty(prototype, inspect.custom, { configurable: true, enumerable: false, writable: true, value: print });
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

/** Getters of the placeholder accessors below, to tell them from the real ones. */
const placeholders = new WeakSet<Function>();

/**
 * Puts placeholder accessors on a freshly declared entity class for every mapped property:
 * the first read or write resolves the class (in the default registry) and installs the
 * real accessors, then carries on through them. So `new User()` tracks from the start even
 * when no session or MetaData has touched the class yet.
 */
export function installPlaceholders(target: Function, resolve: (target: Function) => void): void {
  const prototype = (target as { prototype: object }).prototype;
  const properties = new Set<string>();
  for (const type of classChain(target)) {
    const declaration = findDeclaration(type);
    declaration?.columns.forEach((c) => properties.add(c.propertyName));
    declaration?.relations.forEach((r) => properties.add(r.propertyName));
  }
  const ready = (property: string): boolean => {
    resolve(target);
    const descriptor = Object.getOwnPropertyDescriptor(prototype, property);
    // The getter is looked up by identity, never called through this reference.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    return descriptor?.get !== undefined && !placeholders.has(descriptor.get);
  };
  for (const property of properties) {
    const existing = Object.getOwnPropertyDescriptor(prototype, property);
    // As in ready(): the getter is looked up by identity, never called.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    if (existing?.get && !placeholders.has(existing.get)) continue;
    const get = function (this: Record<string, unknown>): unknown {
      return ready(property) ? this[property] : undefined;
    };
    placeholders.add(get);
    Object.defineProperty(prototype, property, {
      configurable: true,
      enumerable: true,
      get,
      set(this: Record<string, unknown>, value: unknown) {
        if (ready(property)) this[property] = value;
        else Object.defineProperty(this, property, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
}

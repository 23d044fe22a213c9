/*
 * `inspect(obj)`: the public view of an object's ORM state, for debugging and tests.
 */
import { ArgumentError } from '../../errors/errors';
import { stateOf, type ObjectStatus } from './instance-state';

/** What `inspect` tells about a mapped object. */
export interface InstanceInspection {
  /** transient, pending, persistent, deleted or detached. */
  readonly status: ObjectStatus;
  /** The primary-key values, once known. */
  readonly identity: readonly unknown[] | undefined;
  /** Properties changed since the object was loaded or last flushed. */
  readonly modified: readonly string[];
  /** True after commit / expire until the object is refreshed. */
  readonly expired: boolean;
}

/**
 * Tells an object's state: status, identity, changed attributes, expiry.
 * @example
 * inspect(user).status     // 'persistent'
 * inspect(user).modified   // ['name']
 */
export function inspect(object: object): InstanceInspection {
  if (object === null || typeof object !== 'object') throw new ArgumentError('inspect() takes an entity object.');
  const state = stateOf(object);
  if (!state) return { status: 'transient', identity: undefined, modified: [], expired: false };
  const { mapper, values } = state;
  const identity = mapper.hasIdentity(values) ? mapper.keyIndexes.map((i) => values[i]) : undefined;
  const modified = state
    .changedColumns()
    .map((i) => mapper.columns[i]!.propertyName ?? mapper.columns[i]!.relationProperty ?? mapper.columns[i]!.columnName);
  return { status: state.status, identity, modified, expired: state.expired };
}

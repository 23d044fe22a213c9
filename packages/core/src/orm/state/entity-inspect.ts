/*
 * What `console.log(entity)` shows: the class name, the column values and each
 * relationship (`<unloaded>` when nobody loaded it), as `User { id: 1, name: 'ann',
 * posts: <unloaded> }`. Reads the instance state directly, so printing never throws
 * (expired values in strict mode, unloaded relationships) and never shows the session.
 */
import { inspect } from 'node:util';
import type { InspectStyling } from '../../engine/inspect-view';
import type { EntityMapper } from './entity-mapper';
import { isUnloaded, stateOf } from './instance-state';

/** Stands for a relationship nobody loaded. */
const UNLOADED_MARK = Object.freeze({
  [inspect.custom]: (_depth: number, options: InspectStyling) => options.stylize('<unloaded>', 'special'),
});

/** Entities being printed now, to print a cycle (user -> posts -> author) as `[Circular User]`. */
const printing = new Set<object>();

/** Builds the `[util.inspect.custom]` text of one entity object. */
export function inspectEntity(mapper: EntityMapper, object: object, depth: number | null, options: InspectStyling): string {
  const name = mapper.metadata.name;
  if (printing.has(object)) return options.stylize(`[Circular ${name}]`, 'special');
  if (depth !== null && depth < 0) return options.stylize(`[${name}]`, 'special');
  const fields: Record<string, unknown> = { ...object };
  const state = stateOf(object);
  mapper.columns.forEach((column, i) => {
    if (column.propertyName !== undefined) fields[column.propertyName] = state ? state.values[i] : fields[column.propertyName];
  });
  // Nothing in the database belongs to an object never saved: its relationships read as empty.
  const unsaved = state === undefined || state.status === 'transient' || state.status === 'pending';
  mapper.relations.forEach((relation, i) => {
    // Without state, a value the constructor set (not yet adopted) is what there is.
    const value = state ? state.relations[i] : Object.prototype.hasOwnProperty.call(fields, relation.propertyName) ? fields[relation.propertyName] : undefined;
    if (value !== undefined && !isUnloaded(value)) fields[relation.propertyName] = value;
    else if (unsaved) fields[relation.propertyName] = relation.isCollection ? [] : null;
    else fields[relation.propertyName] = UNLOADED_MARK;
  });
  printing.add(object);
  try {
    return `${name} ${inspect(fields, { ...options, depth })}`;
  } finally {
    printing.delete(object);
  }
}

/*
 * What `console.log` and `util.inspect` show of Strata's objects (engines, pools,
 * connections, sessions, instance state): a class name and a few safe fields, never the
 * internals that lead to a URL, a password or driver objects.
 */
import { inspect, type InspectOptionsStylized } from 'node:util';

/** @internal `Name { field: value, ... }` for a `[util.inspect.custom]` method, honouring the remaining depth. */
export function inspectView(name: string, fields: Record<string, unknown>, depth: number | null, options: InspectOptionsStylized): string {
  if (depth !== null && depth < 0) return options.stylize(`[${name}]`, 'special');
  return `${name} ${inspect(fields, { ...options, depth })}`;
}

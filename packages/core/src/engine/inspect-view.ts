/*
 * What `console.log` and `util.inspect` show of Strata's objects (engines, pools,
 * connections, sessions, instance state): a class name and a few safe fields, never the
 * internals that lead to a URL, a password or driver objects.
 */
import { inspect, type InspectOptions } from 'node:util';

/**
 * The options `util.inspect` passes a `[util.inspect.custom]` method. Declared here because
 * @types/node names it differently across versions (InspectOptionsStylized before 26,
 * InspectContext from 26 on), and Strata's published types must compile with either.
 */
export interface InspectStyling extends InspectOptions {
  stylize(text: string, styleType: 'special' | 'string' | 'number' | 'undefined' | 'null' | 'name' | 'date' | 'regexp' | 'module' | 'boolean' | 'bigint' | 'symbol'): string;
}

/** @internal `Name { field: value, ... }` for a `[util.inspect.custom]` method, honouring the remaining depth. */
export function inspectView(name: string, fields: Record<string, unknown>, depth: number | null, options: InspectStyling): string {
  if (depth !== null && depth < 0) return options.stylize(`[${name}]`, 'special');
  return `${name} ${inspect(fields, { ...options, depth })}`;
}

/*
 * The two defaults of a column, resolved from its decorator options: the JavaScript
 * default the unit of work and insert() apply, and the DEFAULT the database applies. A
 * literal JavaScript default is also written as the server default, so rows written by
 * other tools get it too. Called by the metadata builder.
 */
import { MetadataError } from '../errors/errors';
import { SqlFragment } from '../sql/sql-fragment';
import type { ColumnType } from './column-type';
import type { ColumnOptions } from './declarations';
import type { ServerDefault } from './entity-metadata';

/** A column's resolved defaults. */
export interface ColumnDefaults {
  /** Called per insert for a property left undefined. */
  readonly default: (() => unknown) | undefined;
  readonly serverDefault: ServerDefault | undefined;
}

/**
 * The defaults of the column `where` names: `serverDefault` as given, otherwise the literal
 * `default` when the column stores it as it is (see `literalServerDefault`).
 */
export function columnDefaults(where: string, options: ColumnOptions, type: ColumnType): ColumnDefaults {
  const given = serverDefault(where, options.serverDefault);
  return { default: jsDefault(options.default), serverDefault: given ?? literalServerDefault(options.default, type) };
}

function jsDefault(value: unknown): (() => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as () => unknown;
  // Each insert gets its own copy, so one object's change cannot leak into another's default.
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return () => structuredClone(value);
  if (value instanceof Date) return () => new Date(value.getTime());
  return () => value;
}

function serverDefault(where: string, value: ColumnOptions['serverDefault']): ServerDefault | undefined {
  if (value === undefined) return undefined;
  if (value instanceof SqlFragment) {
    if (value.values.length > 0) throw new MetadataError(`${where}: a serverDefault expression cannot have bound values; write literals in the SQL or pass a plain value.`);
    return Object.freeze({ sql: value });
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return Object.freeze({ value });
  throw new MetadataError(`${where}: serverDefault must be an sql\`...\` expression, a string, a number or a boolean.`);
}

const INTEGERS = new Set(['integer', 'smallint']);
const FLOATS = new Set(['float', 'double']);
const TEXTS = new Set(['varchar', 'text', 'uuid']);
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/**
 * The server default a literal JavaScript default becomes: a number, string or boolean
 * (a bigint as its digits) that the column stores as it is. Functions, `null` (a column's
 * default anyway), objects, values of the wrong kind, and columns that store another form
 * of the value (json, bytes, timestamps, custom types) keep the default in JavaScript only.
 */
function literalServerDefault(value: unknown, type: ColumnType): ServerDefault | undefined {
  if (type.custom !== undefined) return undefined;
  const literal = typeof value === 'bigint' ? String(value) : value;
  const fits =
    (INTEGERS.has(type.name) && Number.isSafeInteger(literal)) ||
    (FLOATS.has(type.name) && typeof literal === 'number' && Number.isFinite(literal)) ||
    (type.name === 'bigint' && (Number.isSafeInteger(literal) || (typeof literal === 'string' && /^[+-]?\d+$/.test(literal)))) ||
    (type.name === 'numeric' && ((typeof literal === 'number' && Number.isFinite(literal)) || (typeof literal === 'string' && DECIMAL.test(literal)))) ||
    (type.name === 'boolean' && typeof literal === 'boolean') ||
    (TEXTS.has(type.name) && typeof literal === 'string') ||
    (type.name === 'date' && typeof literal === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(literal)) ||
    (type.name === 'enum' && typeof literal === 'string' && (type.enumValues ?? []).includes(literal));
  return fits ? Object.freeze({ value: literal as string | number | boolean }) : undefined;
}

/*
 * Request-body and query-string checks that answer 422 with the field's name.
 */
import { invalid } from './errors';

/** The named object of a JSON body, e.g. `user` of `{ "user": { ... } }`. */
export function section(body: unknown, name: string): Record<string, unknown> {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(name, "can't be blank");
  return value as Record<string, unknown>;
}

/** A required, non-blank string field. */
export function requiredText(fields: Record<string, unknown>, name: string): string {
  const value = optionalText(fields, name);
  if (value === undefined) throw invalid(name, "can't be blank");
  return value;
}

/** A string field that may be left out (undefined); if given it must be non-blank. */
export function optionalText(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(name, "can't be blank");
  return value;
}

/** A field that may be left out, cleared with null or "", or set to a string. */
export function nullableText(fields: Record<string, unknown>, name: string): string | null | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw invalid(name, 'must be a string');
  return value;
}

/** An optional list of strings (a tag list). */
export function textList(fields: Record<string, unknown>, name: string): string[] | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalid(name, 'must be a list of strings');
  return value as string[];
}

/** A non-negative integer from the query string, or its default. */
export function queryInteger(value: unknown, name: string, fallback: number, min = 0, max = 1000): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) throw invalid(name, `must be an integer from ${min} to ${max}`);
  return number;
}

/** An optional string from the query string. */
export function queryText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'must be given once');
  return value;
}

/*
 * Reading text out of catalog rows (information_schema, pg_catalog, sqlite_master and
 * server variables): drivers hand some of it back as Buffers or numbers, and missing
 * values as NULL.
 */

/**
 * A catalog cell as text: '' for NULL, a Buffer decoded as UTF-8, anything else as its string.
 * @example
 * const comment = catalogText(row.comment) || undefined;
 */
export function catalogText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

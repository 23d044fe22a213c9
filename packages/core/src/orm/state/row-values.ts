/*
 * Reading the value-array rows the drivers return for the ORM's own statements: the
 * decoder of each position of a compiled statement (built once per statement), and a
 * reader of one entity's columns out of a row.
 */
import type { CompiledStatement } from '../../query/query-compiler';

/** How to read each position of a compiled statement's value-array rows. */
export interface Decoders {
  /** The decoder per position (undefined: the driver value is the value). */
  readonly decode: readonly (((value: unknown) => unknown) | undefined)[];
  /** Per position, the `typeof` of driver values the decoder would return unchanged (its call is skipped). */
  readonly passes: readonly (string | undefined)[];
}

const decoderLists = new WeakMap<CompiledStatement, Decoders>();

/** The decoders of a compiled statement's columns, by position; built once per compiled statement. */
export function decodersOf(compiled: CompiledStatement): Decoders {
  let decoders = decoderLists.get(compiled);
  if (!decoders) {
    decoders = Object.freeze({ decode: Object.freeze(compiled.columns.map((c) => c.decode)), passes: Object.freeze(compiled.columns.map((c) => c.passes)) });
    decoderLists.set(compiled, decoders);
  }
  return decoders;
}

/**
 * Reads `count` columns from position `start` of a value-array row into a new array of
 * column values, decoding each. NULL (or a missing value) reads as null.
 */
export function readSlice(row: readonly unknown[], start: number, count: number, decoders: Decoders): unknown[] {
  const { decode, passes } = decoders;
  const values = new Array<unknown>(count);
  for (let c = 0; c < count; c++) {
    const i = start + c;
    const value = row[i];
    const read = decode[i];
    values[c] = value === null || value === undefined ? null : read === undefined || typeof value === passes[i] ? value : read(value);
  }
  return values;
}

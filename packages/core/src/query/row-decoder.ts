/*
 * Builds, once per compiled statement, the function that turns driver rows into result
 * rows: values read by SQL label, converted by their column's codec (or the expression's
 * decoder), and placed as the selection's shape says. No metadata is consulted per row.
 */
import { ArgumentError } from '../errors/errors';
import type { QueryBuffer } from './query-buffer';
import type { SelectionNode } from './query-nodes';
import { resultColumns, resultTypeOf } from './result-columns';

/** One output column as compiled: its label, its key in the row, and its decoder. */
export interface CompiledColumn {
  /** The label as the SQL writes it, which the driver's rows are keyed by (see QueryCompiler.resultLabel). */
  readonly label: string;
  readonly key: string;
  readonly decode: ((driverValue: unknown) => unknown) | undefined;
  /** The `typeof` of driver values `decode` returns unchanged (the column codec's `passes`), if any. */
  readonly passes: 'string' | 'number' | 'boolean' | undefined;
  /** True for a 64-bit integer column, which the driver must read exactly. */
  readonly exact: boolean;
}

/** Turns one driver row into a result row. */
export type RowDecoder = (row: Record<string, unknown>) => unknown;

/**
 * The compiled columns of a selection, with their decoders resolved against the compile's
 * codecs and their labels as `sqlLabel` writes them. Two labels written alike would read
 * one value twice: refused, naming both.
 */
export function compiledColumns(selection: SelectionNode, b: QueryBuffer, sqlLabel: (label: string) => string): CompiledColumn[] {
  const written = new Map<string, string>();
  return resultColumns(selection).map((column) => {
    const type = resultTypeOf(column.expr);
    const codec = type.column ? b.codec(type.column) : undefined;
    const label = sqlLabel(column.label);
    const other = written.get(label);
    if (other !== undefined && other !== column.label) {
      throw new ArgumentError(
        `The result labels ${JSON.stringify(other)} and ${JSON.stringify(column.label)} are both written ${JSON.stringify(label)}: the server keeps labels of at most ${b.capabilities.maxLabelBytes} bytes. Rename one of the keys.`,
      );
    }
    written.set(label, column.label);
    return Object.freeze({
      label,
      key: column.key,
      decode: codec ? (value: unknown) => codec.fromDriver(value) : type.decode,
      passes: codec?.passes,
      exact: type.column?.type.name === 'bigint',
    });
  });
}

/** Builds the row decoder of a selection. */
export function rowDecoder(selection: SelectionNode, columns: readonly CompiledColumn[]): RowDecoder {
  const flat = resultColumns(selection);
  const read = (row: Record<string, unknown>, i: number): unknown => {
    const value = row[columns[i]!.label];
    if (value === null || value === undefined) return null;
    const decode = columns[i]!.decode;
    return decode ? decode(value) : value;
  };
  if (selection.shape === 'entity') {
    const properties = flat.map((c) => c.property!);
    return (row) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < properties.length; i++) out[properties[i]!] = read(row, i);
      return out;
    };
  }
  const groups = selection.items.map((item, index) => {
    const members = flat.flatMap((c, i) => (c.item === index ? [{ i, property: c.property, primary: c.primary }] : []));
    return { key: selection.shape === 'tuple' ? index : item.key, entity: item.kind === 'entity', members };
  });
  const build = (row: Record<string, unknown>, group: (typeof groups)[number]): unknown => {
    if (!group.entity) return read(row, group.members[0]!.i);
    // A LEFT JOIN that found nothing leaves the whole primary key NULL: no object.
    if (group.members.every((m) => !m.primary || row[columns[m.i]!.label] === null || row[columns[m.i]!.label] === undefined)) return null;
    const out: Record<string, unknown> = {};
    for (const m of group.members) out[m.property!] = read(row, m.i);
    return out;
  };
  if (selection.shape === 'tuple') return (row) => groups.map((g) => build(row, g));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const g of groups) out[g.key as string] = build(row, g);
    return out;
  };
}

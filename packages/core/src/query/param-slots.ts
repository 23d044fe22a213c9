/*
 * Parameters given at execution rather than when a statement is built: the ORM builds a
 * statement shape once with slots, the compiler compiles it once, and each run fills the
 * slots with new values (through the columns' codecs) just before it is sent.
 */
import { ArgumentError } from '../errors/errors';
import type { ValueConverter } from './query-buffer';
import type { CompiledStatement } from './query-compiler';

/**
 * A parameter whose value is given at execution, not when the statement is built: a
 * statement shape built once with slots compiles once and runs with new values each time.
 */
export class ParamSlot {
  constructor(readonly index: number) {
    Object.freeze(this);
  }
}

/**
 * A slot whose value is a whole list, bound as one array parameter: the only item of an IN
 * list, on a server with `capabilities.arrayParameters` (`col = ANY($1)`). One statement
 * then serves every list length. Elsewhere it is refused when compiled.
 */
export class ListSlot extends ParamSlot {}

/** Where a slot's value goes in the parameters, and the codec it (or, for a list, each element) goes through. */
export interface CompiledSlot {
  readonly at: number;
  readonly slot: number;
  readonly codec: ValueConverter | undefined;
  /** A ListSlot: the value is an array, converted element by element. */
  readonly list?: boolean;
}

/** The compiled statement with its slots filled from `values` (converted by the columns' codecs). */
export function fillSlots(compiled: CompiledStatement, values: readonly unknown[]): CompiledStatement {
  const slots = compiled.slots;
  if (!slots || slots.length === 0) return compiled;
  // Copied by index: slice() of a frozen array takes V8's slow path.
  const source = compiled.params;
  const params = new Array<unknown>(source.length);
  for (let i = 0; i < source.length; i++) params[i] = source[i];
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    const value = values[s.slot];
    if (value === undefined) throw new ArgumentError(`Slot ${s.slot} of a prepared statement has no value.`);
    params[s.at] = s.list ? listValue(value, s) : value === null || !s.codec ? value : s.codec.toDriver(value);
  }
  // One object shape for every statement (a spread of differently shaped ones would not be).
  return {
    sql: compiled.sql,
    params,
    exactIntegers: compiled.exactIntegers,
    columns: compiled.columns,
    decodeRow: compiled.decodeRow,
    slots: compiled.slots,
  };
}

/** A ListSlot's array with each element through the codec (NULL stays NULL: it matches nothing, as in IN). */
function listValue(value: unknown, slot: CompiledSlot): unknown[] {
  if (!Array.isArray(value)) throw new ArgumentError(`Slot ${slot.slot} of a prepared statement is a list; give it an array of values.`);
  const codec = slot.codec;
  if (!codec) return value;
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    out[i] = item === null || item === undefined ? null : codec.toDriver(item);
  }
  return out;
}

/*
 * How much the ORM puts in one statement of its own (loads by parent key, multi-row
 * INSERTs, batched UPDATEs and DELETEs, association rows): under the server's bound-parameter
 * limit, under SQLite's expression depth for chains of OR, and as one array parameter where
 * the server binds arrays, so a list of keys is one statement shape whatever its length.
 */
import type { Capabilities } from '../engine/dialect';

/** Bound values the ORM puts in one statement at most, whatever the server allows: keeps statements moderate. */
const MAX_PARAMS = 30_000;

/**
 * Conditions joined by OR in one statement at most (composite keys, versioned rows): SQLite
 * nests each OR one level deeper and refuses an expression deeper than 1,000.
 */
const MAX_OR_TERMS = 500;

/** Keys in one array parameter at most: one statement per that many keys. */
const MAX_ARRAY_KEYS = 10_000;

/**
 * Rows of `perRow` bound values in one statement: at most `maxRows`, and the statement's
 * values (with `fixed` others it binds) within the server's `maxParameters`. At least 1.
 */
export function rowsPerStatement(capabilities: Capabilities, perRow: number, maxRows: number, fixed = 0): number {
  const budget = Math.min(MAX_PARAMS, capabilities.maxParameters ?? MAX_PARAMS) - fixed;
  return Math.max(1, Math.min(maxRows, Math.floor(budget / Math.max(1, perRow))));
}

/** How a list of keys goes into statements: as one array parameter or a parameter per value, and how many keys per statement. */
export interface KeyBatches {
  /** Single-column keys where `capabilities.arrayParameters`: the list is one ListSlot. */
  readonly array: boolean;
  readonly perStatement: number;
}

/**
 * How to send a list of keys of `width` columns, at most `maxKeys` per statement where each
 * value is a parameter of its own. Composite keys are ORed conditions, so fewer of them fit.
 */
export function keyBatches(capabilities: Capabilities, width: number, maxKeys: number): KeyBatches {
  if (width === 1 && capabilities.arrayParameters === true) return { array: true, perStatement: MAX_ARRAY_KEYS };
  return { array: false, perStatement: rowsPerStatement(capabilities, width, width === 1 ? maxKeys : Math.min(maxKeys, MAX_OR_TERMS)) };
}

/** Conditions of `perRow` values each joined by OR in one statement: at most `maxRows`, under the parameter limit and SQLite's depth. */
export function orTermsPerStatement(capabilities: Capabilities, perRow: number, maxRows: number): number {
  return rowsPerStatement(capabilities, perRow, Math.min(maxRows, MAX_OR_TERMS));
}

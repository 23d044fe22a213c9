/*
 * The logical type a SQLite column's declared type stands for (`NUMERIC_TEXT(10, 2)` is
 * numeric(10, 2)), for introspection. The declared type is whatever the CREATE TABLE text
 * says, so it is read in one pass, never by a pattern that can backtrack.
 */
import type { ColumnType } from '@strata/core';

/** The logical type of a declared type; undefined when it has none. */
export function logicalType(declared: string): ColumnType | undefined {
  const parsed = parseDeclaredType(declared);
  if (!parsed) return undefined;
  const { base, first, second } = parsed;
  switch (base) {
    case 'INTEGER': case 'INT': case 'MEDIUMINT':
      return { name: 'integer' };
    case 'SMALLINT': case 'TINYINT': case 'INT2':
      return { name: 'smallint' };
    case 'BIGINT': case 'INT8':
      return { name: 'bigint' };
    case 'NUMERIC_TEXT': case 'DECIMAL': case 'NUMERIC':
      return first === undefined ? { name: 'numeric' } : { name: 'numeric', precision: first, scale: second ?? 0 };
    case 'REAL': case 'FLOAT':
      return { name: 'float' };
    case 'DOUBLE': case 'DOUBLE PRECISION':
      return { name: 'double' };
    case 'BOOLEAN': case 'BOOL':
      return { name: 'boolean' };
    case 'VARCHAR': case 'CHARACTER VARYING': case 'NVARCHAR': case 'VARYING CHARACTER':
      return first === undefined ? { name: 'text' } : { name: 'varchar', length: first };
    case 'CHAR': case 'CHARACTER':
      return first === 36 ? { name: 'uuid' } : undefined;
    case 'UUID':
      return { name: 'uuid' };
    case 'TEXT': case 'CLOB':
      return { name: 'text' };
    case 'JSON':
      return { name: 'json' };
    case 'BLOB': case 'BYTEA':
      return { name: 'bytes' };
    case 'DATE':
      return { name: 'date' };
    case 'TIMESTAMPTZ':
      return { name: 'timestamptz' };
    case 'TIMESTAMP': case 'DATETIME':
      return { name: 'timestamp' };
    default:
      return undefined;
  }
}

/** A declared type read as a name and up to two numbers: `NUMERIC (10, 2)` is NUMERIC, 10, 2. */
export interface DeclaredType {
  /** The name upper-cased, its words one space apart. */
  readonly base: string;
  readonly first: number | undefined;
  readonly second: number | undefined;
}

/**
 * Reads `name [(digits [, digits])]` in one pass: the name is letters, '_' and spaces, and
 * whitespace may surround each part. Undefined for any other shape. A regular expression
 * for this has a name and the whitespace after it competing for the same spaces, which
 * the database's text (a type name of 4,000 spaces) turns into cubic time.
 */
export function parseDeclaredType(declared: string): DeclaredType | undefined {
  let at = 0;
  const skipSpace = () => {
    while (at < declared.length && isSpace(declared[at]!)) at++;
  };
  const digits = (): number | undefined => {
    const start = at;
    while (at < declared.length && isDigit(declared[at]!)) at++;
    return at === start ? undefined : Number(declared.slice(start, at));
  };
  skipSpace();
  const nameStart = at;
  if (!isNameStart(declared[at])) return undefined;
  while (at < declared.length && (isNameStart(declared[at]) || declared[at] === ' ')) at++;
  const base = declared.slice(nameStart, at).split(' ').filter((word) => word !== '').join(' ').toUpperCase();
  skipSpace();
  let first: number | undefined;
  let second: number | undefined;
  if (declared[at] === '(') {
    at++;
    skipSpace();
    first = digits();
    if (first === undefined) return undefined;
    skipSpace();
    if (declared[at] === ',') {
      at++;
      skipSpace();
      second = digits();
      if (second === undefined) return undefined;
      skipSpace();
    }
    if (declared[at] !== ')') return undefined;
    at++;
    skipSpace();
  }
  return at === declared.length ? { base, first, second } : undefined;
}

function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '_');
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/** One character of whitespace, as `\s` reads it. */
function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

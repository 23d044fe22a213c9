/*
 * The compiler base: turns SQL fragments (and, later, statement nodes) into dialect text
 * plus a parameter list. Dialects subclass it and override the hooks below (identifier
 * quoting, placeholder style); SQL text is produced here and in those overrides only.
 */
import { ArgumentError } from '../errors/errors';
import { Identifier, RawSql, SqlFragment } from './sql-fragment';

/** SQL text ready for the driver, with its bound parameters in order. */
export interface CompiledSql {
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Result labels holding 64-bit integers that the driver must read exactly. */
  readonly exactIntegers?: readonly string[];
}

/** Accumulates text and parameters while compiling. */
export class SqlBuffer {
  text = '';
  readonly params: unknown[] = [];
}

/**
 * Compiles fragments to dialect SQL. The default hooks produce standard SQL with `?`
 * placeholders and double-quoted identifiers.
 */
export class SqlCompiler {
  /** Quotes one identifier part; doubles embedded quote characters. */
  quoteIdentifier(name: string): string {
    return `"${checkIdentifier(name).replace(/"/g, '""')}"`;
  }

  /** The placeholder for the parameter at 1-based `index`. */
  placeholder(_index: number): string {
    return '?';
  }

  /** Compiles a fragment, or passes raw SQL text through with its parameters. */
  compile(input: SqlFragment | string, params: readonly unknown[] = []): CompiledSql {
    if (typeof input === 'string') return { sql: input, params };
    const buffer = new SqlBuffer();
    this.appendFragment(input, buffer);
    return { sql: buffer.text, params: buffer.params };
  }

  /** Appends a fragment's text and binds its values. */
  appendFragment(fragment: SqlFragment, buffer: SqlBuffer): void {
    const { strings, values } = fragment;
    buffer.text += strings[0];
    for (let i = 0; i < values.length; i++) {
      this.appendValue(values[i], buffer);
      buffer.text += strings[i + 1];
    }
  }

  /** Appends one interpolated value: a nested fragment, an identifier, raw text, or a bound parameter. */
  appendValue(value: unknown, buffer: SqlBuffer): void {
    if (value instanceof SqlFragment) this.appendFragment(value, buffer);
    else if (value instanceof Identifier) buffer.text += value.parts.map((p) => this.quoteIdentifier(p)).join('.');
    else if (value instanceof RawSql) buffer.text += value.text;
    else this.bind(value, buffer);
  }

  /** Adds a bound parameter and its placeholder. */
  bind(value: unknown, buffer: SqlBuffer): void {
    if (value === undefined) {
      throw new ArgumentError(
        `SQL parameter ${buffer.params.length + 1} is undefined (after: ${JSON.stringify(buffer.text.slice(-60))}). ` +
          'Pass null for SQL NULL; undefined is refused because it usually hides a missing value.',
      );
    }
    buffer.params.push(value);
    buffer.text += this.placeholder(buffer.params.length);
  }
}

/** Refuses identifiers that no server accepts, so a bad name fails before it reaches SQL. */
export function checkIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\u0000')) {
    throw new ArgumentError(`Invalid SQL identifier ${JSON.stringify(name)}: identifiers must be non-empty strings without NUL characters.`);
  }
  return name;
}

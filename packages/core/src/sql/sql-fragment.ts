/*
 * The `sql` tagged template: the one way text and values meet. Literal text stays text,
 * every interpolated value becomes a bound parameter, and nested fragments, identifiers
 * and raw text compose. Compilers (sql-compiler.ts) turn a fragment into dialect SQL.
 */

/** A name to be quoted by the dialect (table, column, savepoint). */
export class Identifier {
  /** The dotted parts, e.g. `['public', 'users']`. */
  readonly parts: readonly string[];

  constructor(parts: readonly string[]) {
    this.parts = Object.freeze([...parts]);
    Object.freeze(this);
  }
}

/** Text inserted verbatim. Never build one from user input. */
export class RawSql {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
    Object.freeze(this);
  }
}

/**
 * An immutable piece of SQL: literal text with values, identifiers and other fragments
 * placed between the text parts. Made by the `sql` tag.
 */
export class SqlFragment {
  readonly strings: readonly string[];
  readonly values: readonly unknown[];

  constructor(strings: readonly string[], values: readonly unknown[]) {
    this.strings = strings;
    this.values = values;
    Object.freeze(this);
  }
}

/** What can stand in a SELECT list or a statement: a fragment, or anything that compiles to one. */
export type SqlInput = SqlFragment | string;

interface SqlTag {
  (strings: TemplateStringsArray, ...values: unknown[]): SqlFragment;
  /** A quoted identifier: `sql.id('users')`, `sql.id('public', 'users')`. */
  id(...parts: string[]): Identifier;
  /** Verbatim text; for trusted constants only (keywords, server functions). */
  raw(text: string): RawSql;
  /** Fragments or values joined by a separator, e.g. a list of bound values for IN. */
  join(items: readonly unknown[], separator?: string): SqlFragment;
}

/**
 * Builds SQL with every interpolated value bound as a parameter, never concatenated.
 *
 * @example
 * await conn.execute(sql`select * from ${sql.id('users')} where email = ${email}`);
 */
export const sql: SqlTag = Object.assign(
  (strings: TemplateStringsArray, ...values: unknown[]): SqlFragment => new SqlFragment(strings, values),
  {
    id: (...parts: string[]): Identifier => new Identifier(parts),
    raw: (text: string): RawSql => new RawSql(text),
    join: (items: readonly unknown[], separator = ', '): SqlFragment => {
      if (items.length === 0) return new SqlFragment([''], []);
      const strings = [''];
      for (let i = 1; i < items.length; i++) strings.push(separator);
      strings.push('');
      return new SqlFragment(strings, items);
    },
  },
);

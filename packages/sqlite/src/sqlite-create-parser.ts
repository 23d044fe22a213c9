/*
 * A small parser for the CREATE TABLE text SQLite keeps in sqlite_master: the one place
 * that holds constraint names, CHECK expressions and AUTOINCREMENT. It reads column
 * definitions and table constraints; expressions are kept as token text, not parsed.
 */
import { type ReferentialAction } from '@strata/core';
import { matching, renderTokens, tokenizeSql, type SqlToken } from '@strata/core/dialect';

/** A CHECK constraint, named or not. */
export interface ParsedCheck {
  readonly name: string | undefined;
  readonly expression: string;
}

/** A foreign key as written; `referencedColumns` is empty when the text leaves them to the target's primary key. */
export interface ParsedForeignKey {
  readonly name: string | undefined;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
}

/** One column definition. */
export interface ParsedColumn {
  readonly name: string;
  /** The declared type as written, e.g. `VARCHAR(100)`; empty when none. */
  readonly declaredType: string;
  readonly checks: readonly ParsedCheck[];
  readonly primaryKey: { readonly name: string | undefined; readonly autoincrement: boolean } | undefined;
  readonly unique: { readonly name: string | undefined } | undefined;
}

/** What a CREATE TABLE statement declares. */
export interface ParsedTable {
  readonly columns: readonly ParsedColumn[];
  readonly primaryKey: { readonly name: string | undefined; readonly columns: readonly string[] } | undefined;
  readonly uniques: readonly { readonly name: string | undefined; readonly columns: readonly string[] }[];
  readonly checks: readonly ParsedCheck[];
  readonly foreignKeys: readonly ParsedForeignKey[];
}

/** A ParsedTable while it is being filled. */
interface TableDraft {
  columns: ParsedColumn[];
  primaryKey: ParsedTable['primaryKey'];
  uniques: { name: string | undefined; columns: string[] }[];
  checks: ParsedCheck[];
  foreignKeys: ParsedForeignKey[];
}

const COLUMN_CONSTRAINT = new Set(['constraint', 'primary', 'not', 'null', 'unique', 'check', 'default', 'collate', 'references', 'generated', 'as']);
const TABLE_CONSTRAINT = new Set(['constraint', 'primary', 'unique', 'check', 'foreign']);

/**
 * Parses SQLite CREATE TABLE text.
 * @example
 * parseCreateTable('CREATE TABLE t (id INTEGER CONSTRAINT pk_t PRIMARY KEY AUTOINCREMENT)').columns[0].primaryKey
 * // { name: 'pk_t', autoincrement: true }
 */
export function parseCreateTable(text: string): ParsedTable {
  const tokens = tokenizeSql(text, { bracketIdentifiers: true });
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.value === '(');
  const body = open < 0 ? [] : tokens.slice(open + 1, matching(tokens, open));
  const table: TableDraft = { columns: [], primaryKey: undefined, uniques: [], checks: [], foreignKeys: [] };
  for (const item of splitTopLevel(body)) {
    if (item.length === 0) continue;
    if (item[0]!.kind === 'word' && TABLE_CONSTRAINT.has(lower(item[0]))) readTableConstraint(item, table);
    else table.columns.push(readColumn(item, table.foreignKeys));
  }
  return table;
}

function lower(token: SqlToken | undefined): string {
  return token?.kind === 'word' ? token.value.toLowerCase() : '';
}

/** Splits tokens at commas outside parentheses. */
function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const items: SqlToken[][] = [[]];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '(') {
      const close = matching(tokens, i);
      items[items.length - 1]!.push(...tokens.slice(i, close + 1));
      i = close;
    } else if (t.kind === 'punct' && t.value === ',') {
      items.push([]);
    } else {
      items[items.length - 1]!.push(t);
    }
  }
  return items;
}

/** A cursor over one definition's tokens. */
class Cursor {
  readonly #tokens: readonly SqlToken[];
  #at = 0;

  constructor(tokens: readonly SqlToken[]) {
    this.#tokens = tokens;
  }

  get done(): boolean {
    return this.#at >= this.#tokens.length;
  }

  /** The position, for slicing what was consumed. */
  get position(): number {
    return this.#at;
  }

  /** The token `ahead` places on, without consuming it. */
  peek(ahead = 0): SqlToken | undefined {
    return this.#tokens[this.#at + ahead];
  }

  /** Consumes the next word when it is `word`. */
  accept(word: string): boolean {
    if (lower(this.peek()) !== word) return false;
    this.#at++;
    return true;
  }

  next(): SqlToken | undefined {
    return this.#tokens[this.#at++];
  }

  skip(count: number): void {
    this.#at += count;
  }

  /** Consumes a parenthesised group and returns the tokens inside it. */
  group(): SqlToken[] {
    const t = this.peek();
    if (t?.kind !== 'punct' || t.value !== '(') return [];
    const close = matching(this.#tokens, this.#at);
    const inside = this.#tokens.slice(this.#at + 1, close);
    this.#at = close + 1;
    return inside;
  }
}

/** Names in a column list such as `(a COLLATE nocase ASC, b)`: the first token of each item. */
function nameList(tokens: readonly SqlToken[]): string[] {
  return splitTopLevel(tokens).filter((item) => item.length > 0).map((item) => item[0]!.value);
}

function readColumn(item: readonly SqlToken[], foreignKeys: ParsedForeignKey[]): ParsedColumn {
  const cursor = new Cursor(item);
  const name = cursor.next()!.value;
  const typeStart = cursor.position;
  while (!cursor.done && !(cursor.peek()!.kind === 'word' && COLUMN_CONSTRAINT.has(lower(cursor.peek())))) {
    if (cursor.peek()!.value === '(' && cursor.peek()!.kind === 'punct') cursor.group();
    else cursor.next();
  }
  // Tokens render one space apart; a single-space pattern cannot backtrack over a long run of spaces inside a quoted name.
  const declaredType = renderTokens(item.slice(typeStart, cursor.position)).replace(/ \(/g, '(');
  const checks: ParsedCheck[] = [];
  let primaryKey: ParsedColumn['primaryKey'];
  let unique: ParsedColumn['unique'];
  while (!cursor.done) {
    let constraintName: string | undefined;
    if (cursor.accept('constraint')) constraintName = cursor.next()?.value;
    const word = lower(cursor.next());
    if (word === 'primary') {
      cursor.accept('key');
      if (!cursor.accept('asc')) cursor.accept('desc');
      skipConflictClause(cursor);
      primaryKey = { name: constraintName, autoincrement: cursor.accept('autoincrement') };
    } else if (word === 'unique') {
      skipConflictClause(cursor);
      unique = { name: constraintName };
    } else if (word === 'check') {
      checks.push({ name: constraintName, expression: renderTokens(cursor.group()) });
    } else if (word === 'references') {
      foreignKeys.push(readReference(cursor, constraintName, [name]));
    } else if (word === 'not') {
      cursor.accept('null');
      skipConflictClause(cursor);
    } else if (word === 'default') {
      if (cursor.peek()?.value === '(') cursor.group();
      else if (cursor.peek()?.value === '-' || cursor.peek()?.value === '+') cursor.skip(2);
      else cursor.next();
    } else if (word === 'collate') {
      cursor.next();
    } else if (word === 'generated' || word === 'as') {
      while (!cursor.done && cursor.peek()?.value !== '(') cursor.next();
      cursor.group();
      if (['stored', 'virtual'].includes(lower(cursor.peek()))) cursor.next();
    }
  }
  return { name, declaredType, checks, primaryKey, unique };
}

function skipConflictClause(cursor: Cursor): void {
  if (lower(cursor.peek()) === 'on' && lower(cursor.peek(1)) === 'conflict') cursor.skip(3);
}

function readReference(cursor: Cursor, name: string | undefined, columns: string[]): ParsedForeignKey {
  const referencedTable = cursor.next()!.value;
  const referencedColumns = cursor.peek()?.value === '(' ? nameList(cursor.group()) : [];
  let onDelete: ReferentialAction = 'NO ACTION';
  let onUpdate: ReferentialAction = 'NO ACTION';
  for (;;) {
    if (cursor.accept('on')) {
      const which = lower(cursor.next());
      const action = readAction(cursor);
      if (which === 'delete') onDelete = action;
      else if (which === 'update') onUpdate = action;
    } else if (cursor.accept('match')) {
      cursor.next();
    } else if (cursor.accept('not') || lower(cursor.peek()) === 'deferrable') {
      cursor.accept('deferrable');
      if (cursor.accept('initially')) cursor.next();
    } else {
      break;
    }
  }
  return { name, columns, referencedTable, referencedColumns, onDelete, onUpdate };
}

function readAction(cursor: Cursor): ReferentialAction {
  const word = lower(cursor.next());
  if (word === 'set') return lower(cursor.next()) === 'null' ? 'SET NULL' : 'SET DEFAULT';
  if (word === 'no') {
    cursor.next();
    return 'NO ACTION';
  }
  return word === 'cascade' ? 'CASCADE' : word === 'restrict' ? 'RESTRICT' : 'NO ACTION';
}

function readTableConstraint(item: readonly SqlToken[], table: TableDraft): void {
  const cursor = new Cursor(item);
  let name: string | undefined;
  if (cursor.accept('constraint')) name = cursor.next()?.value;
  const word = lower(cursor.next());
  if (word === 'primary') {
    cursor.accept('key');
    table.primaryKey = { name, columns: nameList(cursor.group()) };
  } else if (word === 'unique') {
    table.uniques.push({ name, columns: nameList(cursor.group()) });
  } else if (word === 'check') {
    table.checks.push({ name, expression: renderTokens(cursor.group()) });
  } else if (word === 'foreign') {
    cursor.accept('key');
    const columns = nameList(cursor.group());
    cursor.accept('references');
    table.foreignKeys.push(readReference(cursor, name, columns));
  }
}

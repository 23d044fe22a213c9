/*
 * Typed expressions: the fluent face of expression nodes. `u.name.like('a%')` builds a
 * frozen node; values become bound parameters tagged with the column they are compared
 * with, so the compiler can convert them with that column's codec.
 */
import { ArgumentError } from '../errors/errors';
import { columnLabel } from '../types/value-errors';
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { SqlFragment } from '../sql/sql-fragment';
import { checkEscape, TEXT_ESCAPE, textPattern, type TextPlacement } from './like-patterns';
import { Ordering } from './ordering';
import { node, type BinaryOperator, type ExprNode, type QueryNode } from './query-nodes';
import { queryColumns } from './result-columns';

/** A value, an expression of the same type (nullable or not), or an `sql` fragment. */
export type Operand<T> = T | Expr<T | null> | SqlFragment;

/** A non-NULL value, an expression of the same type, or an `sql` fragment: what orders and computes. */
export type Comparand<T> = NonNullable<T> | Expr<T | null> | SqlFragment;

/** Options of `like`, `notLike` and `ilike`. */
export interface LikeOptions {
  /** The pattern's escape character (one character, not a quote): it makes the `%`, `_` or itself after it match literally. */
  escape?: string;
}

/** A boolean expression: WHERE, ON and HAVING conditions. */
export type Predicate = Expr<boolean>;

/** Anything holding a query: a select or a union. */
export interface QueryHolder {
  readonly node: QueryNode;
}

/**
 * A typed SQL expression. Comparisons return predicates; `asc()` / `desc()` return an
 * ordering. Immutable: every method returns a new expression.
 * @example
 * select(User).where((u) => and(u.name.like('a%'), u.age.between(18, 65), u.deletedAt.isNull()));
 */
export class Expr<T> {
  readonly node: ExprNode;
  /** The JavaScript type of the expression's value; a compile-time marker only. */
  declare readonly valueType?: T;

  constructor(exprNode: ExprNode) {
    this.node = exprNode;
    Object.freeze(this);
  }

  /** `= value`; `eq(null)` is `IS NULL`. */
  eq(value: Operand<T> | null): Predicate {
    return value === null ? this.isNull() : this.#binary('eq', value);
  }

  /** `<> value`; `ne(null)` is `IS NOT NULL`. */
  ne(value: Operand<T> | null): Predicate {
    return value === null ? this.isNotNull() : this.#binary('ne', value);
  }

  /** `< value`. */
  lt(value: Comparand<T>): Predicate {
    return this.#binary('lt', value);
  }

  /** `<= value`. */
  le(value: Comparand<T>): Predicate {
    return this.#binary('le', value);
  }

  /** `> value`. */
  gt(value: Comparand<T>): Predicate {
    return this.#binary('gt', value);
  }

  /** `>= value`. */
  ge(value: Comparand<T>): Predicate {
    return this.#binary('ge', value);
  }

  /**
   * `LIKE pattern`. The pattern is bound as given and is a pattern: `%` and `_` in it are
   * wildcards, so never pass user input as the pattern (use `contains`, `startsWith` or
   * `endsWith`, which escape it). `{ escape }` names an escape character (`ESCAPE` clause on
   * every server; without it SQLite has none and PostgreSQL / MySQL use a backslash). Case
   * follows the server: sensitive on PostgreSQL, insensitive for ASCII letters on SQLite, and
   * the column's collation on MySQL / MariaDB (insensitive with the default `_ci` collations).
   * @example
   * select(Product).where((p) => p.code.like('AB!_%', { escape: '!' }));
   */
  like(pattern: Operand<string>, options: LikeOptions = {}): Predicate {
    return this.#like(pattern, { caseInsensitive: false, negated: false }, options, 'like');
  }

  /** `NOT LIKE pattern`; options as for `like`. */
  notLike(pattern: Operand<string>, options: LikeOptions = {}): Predicate {
    return this.#like(pattern, { caseInsensitive: false, negated: true }, options, 'notLike');
  }

  /**
   * Case-insensitive LIKE: `ILIKE` where the server has it, `LOWER(x) LIKE LOWER(pattern)`
   * elsewhere. SQLite folds the case of ASCII letters only. Options as for `like`.
   */
  ilike(pattern: Operand<string>, options: LikeOptions = {}): Predicate {
    return this.#like(pattern, { caseInsensitive: true, negated: false }, options, 'ilike');
  }

  /**
   * Values containing `text` as written: `%` and `_` in it match themselves (the pattern is
   * escaped and sent with an ESCAPE clause), so it is safe for user input.
   * @example
   * select(Product).where((p) => p.name.contains(req.query.q));
   */
  contains(text: string): Predicate {
    return this.#text(text, 'contains', { caseInsensitive: false });
  }

  /** Values starting with `text` as written (wildcards in it escaped). */
  startsWith(text: string): Predicate {
    return this.#text(text, 'startsWith', { caseInsensitive: false });
  }

  /** Values ending with `text` as written (wildcards in it escaped). */
  endsWith(text: string): Predicate {
    return this.#text(text, 'endsWith', { caseInsensitive: false });
  }

  /** `contains`, ignoring case (as `ilike` does). */
  icontains(text: string): Predicate {
    return this.#text(text, 'contains', { caseInsensitive: true });
  }

  /** `startsWith`, ignoring case (as `ilike` does). */
  istartsWith(text: string): Predicate {
    return this.#text(text, 'startsWith', { caseInsensitive: true });
  }

  /** `endsWith`, ignoring case (as `ilike` does). */
  iendsWith(text: string): Predicate {
    return this.#text(text, 'endsWith', { caseInsensitive: true });
  }

  /**
   * `IN (values...)` or `IN (subquery)`. An empty list is false. Where the server binds
   * arrays (`capabilities.arrayParameters`, PostgreSQL) a list of values is one array
   * parameter, `= ANY($1)`, whatever its length; elsewhere each value is a parameter, and a
   * list past `capabilities.maxParameters` raises ArgumentError before it is sent.
   * @example
   * select(User).where((u) => u.id.in(ids));
   */
  in(values: readonly Operand<T>[] | QueryHolder): Predicate {
    return this.#in(values, { negated: false });
  }

  /** `NOT IN (values...)` or `NOT IN (subquery)` (`<> ALL($1)` where a list is one array). An empty list is true. */
  notIn(values: readonly Operand<T>[] | QueryHolder): Predicate {
    return this.#in(values, { negated: true });
  }

  /** `IS NULL`. */
  isNull(): Predicate {
    return new Expr(node({ kind: 'null-check', item: this.node, negated: false }));
  }

  /** `IS NOT NULL`. */
  isNotNull(): Predicate {
    return new Expr(node({ kind: 'null-check', item: this.node, negated: true }));
  }

  /** `BETWEEN low AND high` (inclusive). */
  between(low: Comparand<T>, high: Comparand<T>): Predicate {
    return new Expr(node({ kind: 'between', item: this.node, low: operandNode(low, this.node), high: operandNode(high, this.node), negated: false }));
  }

  /** `NOT BETWEEN low AND high`. */
  notBetween(low: Comparand<T>, high: Comparand<T>): Predicate {
    return new Expr(node({ kind: 'between', item: this.node, low: operandNode(low, this.node), high: operandNode(high, this.node), negated: true }));
  }

  /** `this + value`. */
  add(value: Comparand<T>): Expr<T> {
    return this.#binary('add', value) as Expr<T>;
  }

  /** `this - value`. */
  sub(value: Comparand<T>): Expr<T> {
    return this.#binary('sub', value) as Expr<T>;
  }

  /** `this * value`. */
  mul(value: Comparand<T>): Expr<T> {
    return this.#binary('mul', value) as Expr<T>;
  }

  /** `this / value` (integer division on integer operands, as the server does it). */
  div(value: Comparand<T>): Expr<T> {
    return this.#binary('div', value) as Expr<T>;
  }

  /** Ascending order. */
  asc(): Ordering {
    return new Ordering(this.node, 'asc');
  }

  /** Descending order. */
  desc(): Ordering {
    return new Ordering(this.node, 'desc');
  }

  /** Ascending order with NULL values first. */
  nullsFirst(): Ordering {
    return new Ordering(this.node, 'asc', 'first');
  }

  /** Ascending order with NULL values last. */
  nullsLast(): Ordering {
    return new Ordering(this.node, 'asc', 'last');
  }

  #binary(op: BinaryOperator, value: unknown): Predicate {
    return new Expr(node({ kind: 'binary', op, left: this.node, right: operandNode(value, this.node) }));
  }

  #like(pattern: unknown, form: { readonly caseInsensitive: boolean; readonly negated: boolean }, options: LikeOptions, where: string): Predicate {
    const { caseInsensitive, negated } = form;
    const escape = options.escape === undefined ? undefined : checkEscape(options.escape, where);
    // A pattern is text whatever the column's type, so it skips the column's codec.
    return new Expr(node({ kind: 'like', item: this.node, pattern: operandNode(pattern), caseInsensitive, negated, escape }));
  }

  #text(text: string, placement: TextPlacement, form: { readonly caseInsensitive: boolean }): Predicate {
    const { caseInsensitive } = form;
    const where = caseInsensitive ? `i${placement}` : placement;
    const pattern = node({ kind: 'param' as const, value: textPattern(text, placement, where) });
    return new Expr(node({ kind: 'like', item: this.node, pattern, caseInsensitive, negated: false, escape: TEXT_ESCAPE }));
  }

  #in(values: readonly unknown[] | QueryHolder, form: { readonly negated: boolean }): Predicate {
    const { negated } = form;
    if (Array.isArray(values)) {
      const list = Object.freeze(values.map((v) => operandNode(v, this.node)));
      return new Expr(node({ kind: 'in', item: this.node, list, negated }));
    }
    const query = queryNodeOf(values);
    if (!query) throw new ArgumentError('in() / notIn() take an array of values or a select(...) statement.');
    const width = queryColumns(query).length;
    if (width !== 1) throw new ArgumentError(`in() / notIn() need a subquery selecting one column; this one selects ${width}. Select it on its own, e.g. select({ id: p.authorId }).`);
    return new Expr(node({ kind: 'in', item: this.node, list: query, negated }));
  }
}

/**
 * A mapped column of an entity (or a column of a subquery): an expression that also knows
 * its column metadata, whose codec converts the values compared with it.
 */
export class ColumnExpr<T> extends Expr<T> {
  /** The mapped column, when the expression is one. */
  get column(): ColumnMetadata | undefined {
    return this.node.kind === 'column' ? this.node.column : undefined;
  }
}

/** Wraps a node in the matching expression class. */
export function exprOf<T>(exprNode: ExprNode): Expr<T> {
  return exprNode.kind === 'column' ? new ColumnExpr<T>(exprNode) : new Expr<T>(exprNode);
}

/** An operand as a node: expressions and fragments as they are, anything else a bound value. */
export function operandNode(value: unknown, against?: ExprNode): ExprNode {
  if (value instanceof Expr) return value.node;
  if (value instanceof SqlFragment) return node({ kind: 'fragment', fragment: value });
  const column = against && (against.kind === 'column' || against.kind === 'func') ? against.column : undefined;
  if (value === undefined) {
    const subject = column ? `${columnLabel(column)} was compared with undefined` : 'An expression got undefined as a value';
    throw new ArgumentError(`${subject}. Pass null for SQL NULL; undefined usually hides a missing value.`);
  }
  return node({ kind: 'param', value, column });
}

/** A condition (predicate or `sql` fragment) as a node. */
export function conditionNode(value: unknown, where: string): ExprNode {
  if (value instanceof Expr) return value.node;
  if (value instanceof SqlFragment) return node({ kind: 'fragment', fragment: value });
  throw new ArgumentError(`${where} takes a condition such as u.name.eq('x'), and(...), or an sql\`...\` fragment; got ${describe(value)}.`);
}

/** The query node held by a select or union, if the value is one. */
export function queryNodeOf(value: unknown): QueryNode | undefined {
  const held = (value as { node?: { kind?: unknown } } | null | undefined)?.node;
  return held && (held.kind === 'select' || held.kind === 'compound') ? (held as QueryNode) : undefined;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  // Only primitives are left; TypeScript does not narrow `unknown` by the checks above.
  const primitive = value as string | number | bigint | boolean | symbol | undefined;
  return `${typeof primitive} ${typeof primitive === 'string' ? JSON.stringify(primitive) : String(primitive)}`;
}

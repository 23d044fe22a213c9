/*
 * SQL function calls: `func.count()`, `func.lower(u.email)`, and any other function by
 * name (`func.coalesce(...)`). Names are checked to be plain identifiers; arguments are
 * expressions or bound values, never text.
 */
import { ArgumentError } from '../errors/errors';
import type { SqlFragment } from '../sql/sql-fragment';
import { Expr, operandNode, type Operand } from './expression';
import { node, type ExprNode, type ResultDecoder } from './query-nodes';

/** A function argument: an expression, an `sql` fragment or a value (bound). */
export type FunctionArgument = Expr<unknown> | SqlFragment | string | number | bigint | boolean | Date | null;

/** The functions with known result types. */
export interface KnownFunctions {
  /** `count(*)`, or `count(expr)` (non-NULL values). Read back as a number. */
  count(arg?: Expr<unknown> | SqlFragment): Expr<number>;
  /** `count(DISTINCT expr)`. */
  countDistinct(arg: Expr<unknown> | SqlFragment): Expr<number>;
  /** `sum(expr)`, read back as a number (NULL over no rows). Use `sql` for exact decimal sums. */
  sum(arg: Expr<unknown> | SqlFragment): Expr<number | null>;
  /** `avg(expr)`, read back as a number. */
  avg(arg: Expr<unknown> | SqlFragment): Expr<number | null>;
  /** `min(expr)`, read back through the argument's column codec. */
  min<T>(arg: Expr<T>): Expr<T | null>;
  /** `max(expr)`, read back through the argument's column codec. */
  max<T>(arg: Expr<T>): Expr<T | null>;
  /** `lower(text)`. */
  lower(arg: Operand<string | null>): Expr<string>;
  /** `upper(text)`. */
  upper(arg: Operand<string | null>): Expr<string>;
  /** `length(text)`, in characters on every dialect. */
  length(arg: Operand<string | null>): Expr<number>;
  /** `coalesce(a, b, ...)`: the first non-NULL argument. */
  coalesce<T>(...args: Operand<T>[]): Expr<NonNullable<T>>;
}

/** Any other function, by name, with the result type you give it. */
export type GenericFunction = <R = unknown>(...args: FunctionArgument[]) => Expr<R>;

/** The `func` namespace: known functions plus any function by name. */
export type FunctionBuilder = KnownFunctions & { readonly [name: string]: GenericFunction };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const toNumber: ResultDecoder = (value) => (value === null || value === undefined ? null : Number(value));

function call(name: string, args: readonly unknown[], extra: { star?: boolean; distinct?: boolean; decode?: ResultDecoder; typed?: ExprNode } = {}): Expr<never> {
  if (!NAME.test(name)) {
    throw new ArgumentError(`func.${name}: a function name must be a plain SQL identifier (letters, digits, underscores); use an sql\`...\` fragment for anything else.`);
  }
  const typed = extra.typed;
  const column = typed && (typed.kind === 'column' || typed.kind === 'func') ? typed.column : undefined;
  const decode = extra.decode ?? (typed && (typed.kind === 'column' || typed.kind === 'func') ? typed.decode : undefined);
  const nodes = Object.freeze(args.map((a) => operandNode(a)));
  return new Expr(node({ kind: 'func', name, args: nodes, star: extra.star ?? false, distinct: extra.distinct ?? false, column, decode }));
}

const known: KnownFunctions = {
  count: (arg) => (arg === undefined ? call('count', [], { star: true, decode: toNumber }) : call('count', [arg], { decode: toNumber })),
  countDistinct: (arg) => call('count', [arg], { distinct: true, decode: toNumber }),
  sum: (arg) => call('sum', [arg], { decode: toNumber }),
  avg: (arg) => call('avg', [arg], { decode: toNumber }),
  min: (arg) => call('min', [arg], { typed: operandNode(arg) }),
  max: (arg) => call('max', [arg], { typed: operandNode(arg) }),
  lower: (arg) => call('lower', [arg]),
  upper: (arg) => call('upper', [arg]),
  length: (arg) => call('length', [arg], { decode: toNumber }),
  coalesce: (...args) => call('coalesce', args, { typed: args.map((a) => operandNode(a)).find((n) => n.kind === 'column' || n.kind === 'func') }),
};

/**
 * SQL functions. Known ones have typed results; any other name makes a call to that
 * function (`func.date_trunc<string>('day', p.createdAt)`).
 * @example
 * select({ author: p.authorId, posts: func.count() }).from(Post).groupBy((p) => p.authorId);
 * select(User).where((u) => func.lower(u.email).eq(email.toLowerCase()));
 */
export const func: FunctionBuilder = new Proxy(known as FunctionBuilder, {
  get(target, property) {
    if (typeof property !== 'string') return undefined;
    if (Object.prototype.hasOwnProperty.call(target, property)) return target[property];
    return (...args: unknown[]) => call(property, args);
  },
});

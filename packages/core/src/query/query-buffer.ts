/*
 * The state of one statement compilation: the text and parameters (SqlBuffer), the
 * compile options (capabilities, codecs, target name), whether column names are
 * qualified, and the sources of enclosing queries that subqueries correlate to.
 */
import { ArgumentError } from '../errors/errors';
import type { Capabilities } from '../engine/dialect';
import type { ColumnMetadata } from '../metadata/entity-metadata';
import { SqlBuffer } from '../sql/sql-compiler';

/** Converts one column's values between JavaScript and the driver. */
export interface ValueConverter {
  toDriver(value: unknown): unknown;
  fromDriver(value: unknown): unknown;
  /** The `typeof` of driver values `fromDriver` returns unchanged, if any (see ValueCodec). */
  readonly passes?: 'string' | 'number' | 'boolean';
}

/** Where codecs come from: the dialect's type layer (`dialect.types`). */
export interface CodecSource {
  codec(column: ColumnMetadata): ValueConverter;
}

/** What compiling a statement needs to know about the target. */
export interface CompileOptions {
  /** What the server can do; statements needing more raise NotSupportedError. */
  readonly capabilities: Capabilities;
  /** Column codecs; without them values are bound and read as they are. */
  readonly types?: CodecSource;
  /** The server, for messages, e.g. `MariaDB 10.11`. Default: the name of the compiler's dialect. */
  readonly target?: string;
}

/** Text, parameters and state of one compilation. */
export class QueryBuffer extends SqlBuffer {
  readonly options: CompileOptions | undefined;
  /** Qualify column names with their source (`"users"."id"`); off in SET targets and RETURNING. */
  qualify = true;
  /** Names of the sources of each enclosing query, innermost last. */
  readonly scopes: ReadonlySet<string>[] = [];
  readonly #codecs = new Map<ColumnMetadata, ValueConverter | undefined>();
  /** Parameters left open by ParamSlot values (`list`: a ListSlot, bound as one array). */
  readonly slots: { readonly at: number; readonly slot: number; readonly codec: ValueConverter | undefined; readonly list?: boolean }[] = [];

  constructor(options: CompileOptions | undefined) {
    super();
    this.options = options;
  }

  /** The capabilities compiled for; only statements compiled with options have them. */
  get capabilities(): Capabilities {
    if (!this.options) throw new ArgumentError('This construct needs the server capabilities: compile it with compileStatement(statement, { capabilities }) or run it with conn.execute(statement).');
    return this.options.capabilities;
  }

  /** The codec of a column, looked up once per compilation. */
  codec(column: ColumnMetadata): ValueConverter | undefined {
    if (!this.options?.types) return undefined;
    if (!this.#codecs.has(column)) this.#codecs.set(column, this.options.types.codec(column));
    return this.#codecs.get(column);
  }

  /** Runs `fn` with no enclosing queries: FROM subqueries and CTE bodies never correlate. */
  isolated(fn: () => void): void {
    const saved = this.scopes.splice(0, this.scopes.length);
    try {
      fn();
    } finally {
      this.scopes.splice(0, this.scopes.length, ...saved);
    }
  }

  /** True when an enclosing query has a source of this name (so a subquery correlates to it). */
  inOuterScope(name: string): boolean {
    return this.scopes.some((scope) => scope.has(name));
  }
}

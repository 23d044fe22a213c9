/*
 * The statement compiler base: turns statement nodes into dialect SQL, bound parameters
 * and a row decoder. Dialect compilers extend it and override only the hooks below; the
 * clause structure lives in select-compiler.ts, write-compiler.ts, expression-compiler.ts.
 */
import { ArgumentError, NotSupportedError } from '../errors/errors';
import type { ColumnMetadata, EntityMetadata } from '../metadata/entity-metadata';
import { shorten } from '../metadata/naming-strategy';
import { SqlCompiler, SqlBuffer, type CompiledSql } from '../sql/sql-compiler';
import type { SqlFragment } from '../sql/sql-fragment';
import { appendExpr, appendOperand } from './expression-compiler';
import { Expr, queryNodeOf } from './expression';
import { QueryBuffer, type CompileOptions } from './query-buffer';
import { ListSlot, ParamSlot, type CompiledSlot } from './param-slots';
import { sourceName, type Assignment, type ParamNode, type ConflictNode, type ExprNode, type InsertNode, type LockNode, type OrderNode, type QueryNode, type SelectionNode, type StatementNode, type ValuesSource } from './query-nodes';
import { firstSelect } from './result-columns';
import { compiledColumns, rowDecoder, type CompiledColumn, type RowDecoder } from './row-decoder';
import { appendCompound, appendSelect, appendSelection } from './select-compiler';
import { Statement } from './statement';
import { appendAssignments, appendDelete, appendInsert, appendUpdate } from './write-compiler';

export { ListSlot, ParamSlot, fillSlots, type CompiledSlot } from './param-slots';

/** A compiled statement: SQL, parameters, and for statements yielding rows their columns and decoder. */
export interface CompiledStatement extends CompiledSql {
  /** The output columns (SELECT list or RETURNING); empty for statements without rows. */
  readonly columns: readonly CompiledColumn[];
  /** Turns a driver row into a result row; undefined for statements without rows. */
  readonly decodeRow: RowDecoder | undefined;
  /** Parameters left open by ParamSlot values, filled per execution (see `fillSlots`). */
  readonly slots?: readonly CompiledSlot[];
}

/**
 * Compiles statements (select, insert, update, delete, union) and `sql` fragments for one
 * dialect. The defaults are standard SQL; dialects override the hooks.
 */
export class QueryCompiler extends SqlCompiler {
  readonly #cache = new WeakMap<StatementNode, { options: CompileOptions; compiled: CompiledStatement }>();

  /** The dialect's name for messages when compile options name no server. */
  get dialectLabel(): string {
    return 'this database';
  }

  /**
   * Compiles a statement for a server with the given capabilities and codecs. The result
   * is cached per statement while the options stay the same objects.
   * @example
   * const { sql, params } = dialect.compiler.compileStatement(select(User).limit(5), { capabilities: dialect.capabilities });
   */
  compileStatement(statement: Statement<unknown>, options: CompileOptions): CompiledStatement {
    const cached = this.#cache.get(statement.node);
    if (cached && cached.options.capabilities === options.capabilities && cached.options.types === options.types && cached.options.target === options.target) {
      return cached.compiled;
    }
    const b = new QueryBuffer(options);
    const stmt = statement.node;
    let selection: SelectionNode | undefined;
    switch (stmt.kind) {
      case 'select':
      case 'compound':
        this.appendQuery(b, stmt);
        selection = firstSelect(stmt);
        break;
      case 'insert':
        appendInsert(this, b, stmt);
        selection = stmt.returning;
        break;
      case 'update':
        appendUpdate(this, b, stmt);
        selection = stmt.returning;
        break;
      case 'delete':
        appendDelete(this, b, stmt);
        selection = stmt.returning;
        break;
      default:
        throw new ArgumentError('compileStatement() takes a statement made by select, insert, update, deleteFrom or union.');
    }
    checkParameterCount(b.params.length, b.text, this.targetName(b), options);
    const columns = selection ? compiledColumns(selection, b, (label) => this.resultLabel(b, label)) : [];
    const exact = columns.filter((c) => c.exact).map((c) => c.label);
    const compiled: CompiledStatement = Object.freeze({
      sql: b.text,
      params: Object.freeze(b.params),
      exactIntegers: exact.length > 0 ? Object.freeze(exact) : undefined,
      columns: Object.freeze(columns),
      decodeRow: selection ? rowDecoder(selection, columns) : undefined,
      slots: b.slots.length > 0 ? Object.freeze(b.slots) : undefined,
    });
    this.#cache.set(stmt, { options, compiled });
    return compiled;
  }

  /**
   * Compiles a fragment or passes raw SQL text through. A fragment may hold expressions and
   * queries; with `options`, values compared with columns in them go through the codecs.
   */
  override compile(input: SqlFragment | string, params: readonly unknown[] = [], options?: CompileOptions): CompiledSql {
    if (typeof input === 'string') {
      checkParameterCount(params.length, input, options?.target ?? this.dialectLabel, options);
      return super.compile(input, params);
    }
    const b = new QueryBuffer(options);
    this.appendFragment(input, b);
    checkParameterCount(b.params.length, b.text, this.targetName(b), options);
    return { sql: b.text, params: b.params };
  }

  /** Fragments may hold expressions (`sql\`${u.name} || 'x'\``) and queries, compiled in place. */
  override appendValue(value: unknown, buffer: SqlBuffer): void {
    const query = value instanceof Expr ? undefined : queryNodeOf(value);
    if (!(value instanceof Expr) && !query) {
      if (value instanceof Statement) throw new ArgumentError('Only select(...) and union(...) statements can be nested in an sql`...` fragment; run writes on their own.');
      return super.appendValue(value, buffer);
    }
    const b = buffer instanceof QueryBuffer ? buffer : borrow(buffer);
    if (value instanceof Expr) appendOperand(this, b, value.node);
    else {
      b.text += '(';
      this.appendQuery(b, query!);
      b.text += ')';
    }
    if (b !== buffer) giveBack(b, buffer);
  }

  /** Appends a query (SELECT or UNION). */
  appendQuery(b: QueryBuffer, query: QueryNode): void {
    if (query.kind === 'select') appendSelect(this, b, query);
    else appendCompound(this, b, query);
  }

  /** Binds a value, converted by the column's codec when there is one. NULL is bound as it is. */
  bindParam(b: QueryBuffer, value: unknown, column: ColumnMetadata | undefined): void {
    if (value instanceof ListSlot) {
      throw new NotSupportedError(`A ListSlot binds a whole IN list as one array, which ${this.targetName(b)} cannot (capabilities.arrayParameters); give each value a slot of its own.`);
    }
    if (value instanceof ParamSlot) {
      b.slots.push(Object.freeze({ at: b.params.length, slot: value.index, codec: column ? b.codec(column) : undefined }));
      this.bind(value, b);
      return;
    }
    const codec = column && value !== null && value !== undefined ? b.codec(column) : undefined;
    this.bind(codec ? codec.toDriver(value) : value, b);
  }

  /**
   * Hook: an IN list of bound values as one array parameter, for servers with
   * `capabilities.arrayParameters`: `item = ANY(?)`, and for NOT IN `item <> ALL(?)`. The
   * semantics are those of the list, NULL elements included (they match nothing). Each
   * value goes through the column's codec; a ListSlot is filled at execution.
   */
  appendArrayIn(b: QueryBuffer, item: ExprNode, values: readonly ParamNode[], negated: boolean): void {
    appendOperand(this, b, item);
    b.text += negated ? ' <> ALL(' : ' = ANY(';
    const { value, column } = values[0]!;
    const codec = column ? b.codec(column) : undefined;
    if (value instanceof ListSlot) {
      b.slots.push(Object.freeze({ at: b.params.length, slot: value.index, codec, list: true }));
      this.bind(value, b);
    } else {
      this.bind(values.map((v) => (v.value === null || !codec ? v.value : codec.toDriver(v.value))), b);
    }
    b.text += `${this.arrayCast(column)})`;
  }

  /** Hook: the cast after an array parameter of `column`'s values (PostgreSQL: `::integer[]`). Default: none. */
  arrayCast(_column: ColumnMetadata | undefined): string {
    return '';
  }

  /** Appends `column = value, ...` (for SET and upsert clauses). */
  appendAssignments(b: QueryBuffer, assignments: readonly Assignment[]): void {
    appendAssignments(this, b, assignments);
  }

  /**
   * The name a result label (a SELECT list or RETURNING alias, a subquery's or CTE's
   * column) has in the SQL: the label itself, or, when it passes the server's
   * `maxLabelBytes`, a prefix of it and a hash of the whole. The same label is always
   * written the same way, so a subquery's column and the references to it agree, and the
   * row decoder reads each value back under the key given.
   */
  resultLabel(b: QueryBuffer, label: string): string {
    const limit = b.options?.capabilities.maxLabelBytes;
    // Three bytes of UTF-8 at most per UTF-16 unit: most labels need no counting.
    if (limit === undefined || label.length * 3 <= limit) return label;
    return shorten(label, limit);
  }

  /** The server named in messages. */
  targetName(b: QueryBuffer): string {
    return b.options?.target ?? this.dialectLabel;
  }

  /** Hook: a boolean constant (empty AND / OR, empty IN lists). */
  booleanLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  /** Hook: the SQL name of a function called through `func`. */
  functionName(name: string): string {
    return name;
  }

  /**
   * Hook: checks a LIKE / ILIKE pattern before it is bound. A server that would match some
   * pattern other than as written (SQLite stops reading one at a NUL character) refuses it
   * here, naming the column it is matched against.
   */
  checkLikePattern(_item: ExprNode, _pattern: ExprNode): void {}

  /** Hook: the string literal of a LIKE escape character (one character, never a quote). */
  likeEscapeLiteral(escape: string): string {
    return `'${escape}'`;
  }

  /** Hook: case-insensitive LIKE. Standard SQL has no ILIKE: `LOWER(x) LIKE LOWER(pattern)`. */
  appendCaseInsensitiveLike(b: QueryBuffer, item: () => void, pattern: () => void, negated: boolean): void {
    b.text += 'LOWER(';
    item();
    b.text += negated ? ') NOT LIKE LOWER(' : ') LIKE LOWER(';
    pattern();
    b.text += ')';
  }

  /** Hook: one ORDER BY item. NULLS FIRST / LAST where the server has it; `(x IS NULL) DESC, x` where not. */
  appendOrderItem(b: QueryBuffer, order: OrderNode): void {
    const direction = order.direction === 'desc' ? ' DESC' : '';
    if (order.nulls !== undefined && !b.capabilities.nullsOrdering) {
      appendOperand(this, b, { kind: 'null-check', item: order.expr, negated: false });
      b.text += order.nulls === 'first' ? ' DESC, ' : ', ';
      appendExpr(this, b, order.expr);
      b.text += direction;
      return;
    }
    appendExpr(this, b, order.expr);
    b.text += direction;
    if (order.nulls !== undefined) b.text += order.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
  }

  /** Hook: the LIMIT that means "no limit", for servers that need a LIMIT before OFFSET. Default: none needed. */
  unboundedLimit(): string | undefined {
    return undefined;
  }

  /** Hook: LIMIT / OFFSET, values bound as parameters. */
  appendLimitOffset(b: QueryBuffer, limit: number | undefined, offset: number | undefined): void {
    const unbounded = limit === undefined && offset !== undefined ? this.unboundedLimit() : undefined;
    if (limit !== undefined) {
      b.text += ' LIMIT ';
      this.bind(limit, b);
    } else if (unbounded !== undefined) {
      b.text += ` LIMIT ${unbounded}`;
    }
    if (offset !== undefined) {
      b.text += ' OFFSET ';
      this.bind(offset, b);
    }
  }

  /** Hook: FOR UPDATE [OF ...] [SKIP LOCKED | NOWAIT], refused where the server lacks a part. */
  appendLock(b: QueryBuffer, lock: LockNode): void {
    const caps = b.capabilities;
    const missing = !caps.forUpdate ? 'SELECT ... FOR UPDATE' : lock.skipLocked && !caps.skipLocked ? 'FOR UPDATE SKIP LOCKED'
      : lock.nowait && !caps.nowait ? 'FOR UPDATE NOWAIT' : lock.of.length > 0 && !caps.forUpdateOf ? 'FOR UPDATE OF' : undefined;
    if (missing) throw new NotSupportedError(`${missing} is not available on ${this.targetName(b)}; check engine.capabilities before asking for it.`);
    b.text += ' FOR UPDATE';
    if (lock.of.length > 0) b.text += ` OF ${lock.of.map((s) => this.quoteIdentifier(sourceName(s))).join(', ')}`;
    if (lock.skipLocked) b.text += ' SKIP LOCKED';
    if (lock.nowait) b.text += ' NOWAIT';
  }

  /** Hook: the upsert clause. Default: `ON CONFLICT (target) DO UPDATE SET ... | DO NOTHING`. */
  appendUpsert(b: QueryBuffer, insert: InsertNode, conflict: ConflictNode): void {
    b.text += ' ON CONFLICT';
    if (conflict.target.length > 0) b.text += ` (${conflict.target.map((c) => this.quoteIdentifier(c.columnName)).join(', ')})`;
    else if (conflict.set) {
      throw new ArgumentError(`insert(${insert.source.entity.name}).onConflict(): updating on conflict needs target: [...] (the unique key's properties) on ${this.targetName(b)}.`);
    }
    if (!conflict.set) {
      b.text += ' DO NOTHING';
      return;
    }
    b.text += ' DO UPDATE SET ';
    appendAssignments(this, b, conflict.set);
  }

  /** Hook: a column of the row an upsert proposed. */
  excludedColumn(name: string): string {
    return `EXCLUDED.${this.quoteIdentifier(name)}`;
  }

  /** Hook: RETURNING, refused where the server lacks it for this kind of statement. */
  appendReturning(b: QueryBuffer, selection: SelectionNode, kind: 'insert' | 'update' | 'delete'): void {
    const caps = b.capabilities;
    if (!(kind === 'update' ? caps.updateReturning : caps.returning)) {
      throw new NotSupportedError(`${kind.toUpperCase()} ... RETURNING is not available on ${this.targetName(b)}; run a SELECT afterwards, or check engine.capabilities.`);
    }
    b.text += ' RETURNING ';
    // RETURNING names the statement's own table: plain column names read everywhere.
    b.qualify = false;
    try {
      appendSelection(this, b, selection);
    } finally {
      b.qualify = true;
    }
  }

  /**
   * Hook: the VALUES list of an UPDATE ... FROM, as `(VALUES (...), (...)) AS alias (names)`.
   * Cells go through `appendValuesCell`.
   */
  appendValuesSource(b: QueryBuffer, source: ValuesSource): void {
    b.text += '(';
    this.appendValuesRows(b, source);
    b.text += `) AS ${this.quoteIdentifier(source.alias)} (${source.names.map((n) => this.quoteIdentifier(n)).join(', ')})`;
  }

  /** Appends `VALUES (...), (...)` of a ValuesSource. */
  appendValuesRows(b: QueryBuffer, source: ValuesSource): void {
    b.text += 'VALUES ';
    source.rows.forEach((row, r) => {
      b.text += r === 0 ? '(' : ', (';
      row.forEach((cell, i) => {
        if (i > 0) b.text += ', ';
        this.appendValuesCell(b, cell, source.columns[i]!, r);
      });
      b.text += ')';
    });
  }

  /** Hook: one cell of a VALUES list (row `row`, typed like `column`); a server that infers VALUES types from the first row may cast it. */
  appendValuesCell(b: QueryBuffer, cell: ExprNode, _column: ColumnMetadata, _row: number): void {
    appendExpr(this, b, cell);
  }

  /**
   * Hook: a value whose type the server cannot infer from where it stands (an untyped
   * parameter as the first result of a CASE), to be read as `column`'s type. Default: as it
   * is; a server that would read it as text casts it.
   */
  appendTypedValue(b: QueryBuffer, value: ExprNode, _column: ColumnMetadata): void {
    appendExpr(this, b, value);
  }

  /** Hook: an INSERT of one row with no values at all. */
  defaultValuesClause(): string {
    return ' DEFAULT VALUES';
  }

  /**
   * Hook: an INSERT of `count` rows with no values at all, where the capability
   * `multiRowDefaultInsert` says the server takes them: `(first column) VALUES (DEFAULT), ...`.
   */
  defaultRowsClause(entity: EntityMetadata, count: number): string {
    return ` (${this.quoteIdentifier(entity.columns[0]!.columnName)}) VALUES ${Array.from({ length: count }, () => '(DEFAULT)').join(', ')}`;
  }

  /** Hook: a VALUES cell a row left out, when other rows give the column. */
  defaultKeyword(_column: ColumnMetadata): string {
    return 'DEFAULT';
  }

  /** Hook: one member of a UNION; members with their own ORDER BY / LIMIT / WITH are parenthesised. */
  appendCompoundMember(b: QueryBuffer, member: QueryNode, needsOwnClauses: boolean): void {
    if (needsOwnClauses) b.text += '(';
    this.appendQuery(b, member);
    if (needsOwnClauses) b.text += ')';
  }
}

/**
 * Refuses a statement binding more parameters than the server takes in one statement
 * (`capabilities.maxParameters`) before anything is sent: past the limit the servers fail
 * with messages that do not say why (PostgreSQL's 16-bit count wraps around).
 */
function checkParameterCount(count: number, text: string, target: string, options: CompileOptions | undefined): void {
  const limit = options?.capabilities.maxParameters;
  if (limit === undefined || count <= limit) return;
  const start = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  throw new ArgumentError(
    `This statement binds ${count.toLocaleString('en-US')} parameters; ${target} takes at most ${limit.toLocaleString('en-US')} in one statement (${JSON.stringify(start)}). ` +
      `Split the values into batches of at most ${limit.toLocaleString('en-US')} and run one statement per batch, or load them into a temporary table and join it (or compare with in(select(...)) from it).`,
  );
}

/** A QueryBuffer continuing a plain SqlBuffer, so placeholders keep counting. */
function borrow(buffer: SqlBuffer): QueryBuffer {
  const b = new QueryBuffer(undefined);
  b.params.push(...buffer.params);
  return b;
}

function giveBack(b: QueryBuffer, buffer: SqlBuffer): void {
  buffer.text += b.text;
  buffer.params.push(...b.params.slice(buffer.params.length));
}

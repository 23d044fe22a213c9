/*
 * The INSERT builder: one or many rows of property values (multi-row VALUES), JavaScript
 * column defaults filled in, RETURNING, and upserts (ON CONFLICT / ON DUPLICATE KEY,
 * chosen by the dialect's compiler).
 */
import { ArgumentError } from '../errors/errors';
import type { ColumnMetadata, EntityMetadata } from '../metadata/entity-metadata';
import { insertDefault } from '../metadata/insert-defaults';
import { assignmentsOf, type AssignmentMap } from './assignments';
import { entityRefOf, excludedRef } from './entity-ref';
import { describe } from './expression';
import { node, type Assignment, type EntitySource, type ExprNode, type InsertNode } from './query-nodes';
import { slotOf, type Assignments, type DataKeys, type InsertValues, type EntityInput, type EntityRef, type EntityRow, type RecordRow, type Selection } from './query-types';
import { returningSelection } from './returning';
import { Statement } from './statement';

/** An insert node without its rows: what every method but values() changes. */
type InsertParts = Omit<InsertNode, 'columns' | 'rows'>;

/**
 * The rows of a statement as a persistent list, newest call first: values() adds a link
 * and shares the rest, so a chain of calls costs the rows added, and statements branched
 * from one another never see each other's rows.
 */
interface RowLink {
  readonly rows: readonly AssignmentMap[];
  readonly previous: RowLink | undefined;
}

/** What an upsert does when a row conflicts with an existing one. */
export interface OnConflict<E> {
  /**
   * The properties of the unique key that conflicts (ON CONFLICT (...)). Required for an
   * update on PostgreSQL and SQLite; MySQL always uses the conflicting key itself.
   */
  target?: readonly DataKeys<E>[];
  /**
   * `'nothing'` keeps the existing row; a list of properties copies them from the proposed
   * row; an object or a callback `(excluded, current) => ({ ... })` assigns values.
   */
  set: 'nothing' | readonly DataKeys<E>[] | Assignments<E> | ((excluded: EntityRef<E>, current: EntityRef<E>) => Assignments<E>);
}

/**
 * An INSERT statement. Made by `insert(Entity)`.
 * @example
 * await conn.execute(insert(User).values([{ name: 'ann', email: 'a@x.io' }, { name: 'bob', email: 'b@x.io' }]));
 * const { rows } = await conn.execute(insert(User).values({ name: 'cy', email: 'c@x.io' }).returning((u) => ({ id: u.id })));
 * await conn.execute(insert(User).values(row).onConflict({ target: ['email'], set: ['name'] }));
 */
export class InsertStatement<E, Row = never> extends Statement<Row> {
  readonly #parts: InsertParts;
  readonly #ref: EntityRef<E>;
  readonly #rows: RowLink | undefined;
  #node: InsertNode | undefined;

  /** Internal: statements are made by `insert(Entity)` and its methods. */
  constructor(parts: InsertParts, ref: EntityRef<E>, rows: RowLink | undefined) {
    super();
    this.#parts = parts;
    this.#ref = ref;
    this.#rows = rows;
    Object.freeze(this);
  }

  /** The frozen statement node the compiler reads; its column list and cells are worked out on first access. */
  get node(): InsertNode {
    // Built once, not per values() call: rebuilding on every call made chaining quadratic.
    this.#node ??= insertNode(this.#parts, this.#rows);
    return this.#node;
  }

  /**
   * Adds rows: one object of property values, or an array of them (one multi-row INSERT).
   * Properties a row leaves out get what a flush would give them, computed now: their
   * JavaScript default (`@Column({ default })`), a generated UUID key, version 1, the current
   * time for `@CreateDateColumn` / `@UpdateDateColumn`; others get the column's DEFAULT.
   */
  values(rows: InsertValues<E> | readonly InsertValues<E>[]): InsertStatement<E, Row> {
    const list = Array.isArray(rows) ? rows : [rows];
    const entity = this.#parts.source.entity;
    if (list.length === 0) throw new ArgumentError(`insert(${entity.name}).values([]) has no rows; skip the statement instead.`);
    const now = new Date();
    const added = list.map((row, i) => withDefaults(entity, assignmentsOf(entity, row, `insert(${entity.name}).values() row ${i + 1}`), now));
    return new InsertStatement(this.#parts, this.#ref, Object.freeze({ rows: Object.freeze(added), previous: this.#rows }));
  }

  /** RETURNING every column (rows shaped like `select(Entity)`), or the record the callback names. Needs a server with RETURNING. */
  returning(): InsertStatement<E, EntityRow<E>>;
  returning<S extends Selection>(selector: (ref: EntityRef<E>) => S): InsertStatement<E, RecordRow<S>>;
  returning(selector?: (ref: never) => unknown): InsertStatement<E, unknown> {
    const returning = returningSelection(this.#parts.source, this.#ref, selector);
    return new InsertStatement(node({ ...this.#parts, returning }), this.#ref, this.#rows);
  }

  /**
   * Makes the insert an upsert. When two rows of one multi-row upsert hit the same key,
   * PostgreSQL refuses the statement (ProgrammingError, SQLSTATE 21000) while MySQL and
   * SQLite keep the last row; send such rows in separate statements to get one behaviour.
   */
  onConflict(options: OnConflict<E>): InsertStatement<E, Row> {
    const entity = this.#parts.source.entity;
    const where = `insert(${entity.name}).onConflict()`;
    if (options === null || typeof options !== 'object') throw new ArgumentError(`${where} takes { target?, set }; got ${describe(options)}.`);
    const target = (options.target ?? []).map((key) => {
      const column = entity.column(key);
      if (!column) throw new ArgumentError(`${where}: target '${String(key)}' is not a column property of ${entity.name}.`);
      return column;
    });
    const set = options.set === 'nothing' ? undefined : conflictSet(entity, options.set, this.#ref, where);
    return new InsertStatement(node({ ...this.#parts, conflict: node({ target: Object.freeze(target), set }) }), this.#ref, this.#rows);
  }
}

/**
 * Starts an INSERT into an entity's table.
 * @example
 * await conn.execute(insert(Post).values({ title: 'Hello', author: user }));
 */
export function insert<E>(entity: EntityInput<E>): InsertStatement<E, never> {
  const ref = entityRefOf(entity);
  const source = slotOf(ref)!.source as EntitySource;
  if (source.alias !== undefined) throw new ArgumentError(`insert() takes the entity itself, not an alias ('${source.alias}').`);
  return new InsertStatement(node({ kind: 'insert', source, conflict: undefined, returning: undefined }), ref, undefined);
}

function conflictSet(entity: EntityMetadata, set: unknown, ref: unknown, where: string): readonly Assignment[] {
  let values: AssignmentMap;
  if (Array.isArray(set)) {
    const excluded = excludedRef<unknown>(entity) as unknown as Record<string, unknown>;
    values = assignmentsOf(entity, Object.fromEntries(set.map((key: string) => [key, excluded[key] ?? missing(entity, key, where)])), where);
  } else if (typeof set === 'function') {
    values = assignmentsOf(entity, (set as (e: unknown, c: unknown) => unknown)(excludedRef(entity), ref), where);
  } else {
    values = assignmentsOf(entity, set, where);
  }
  if (values.size === 0) throw new ArgumentError(`${where}: set assigns nothing; use set: 'nothing' to keep existing rows.`);
  return Object.freeze([...values].map(([column, value]) => node({ column, value })));
}

function missing(entity: EntityMetadata, key: string, where: string): never {
  throw new ArgumentError(`${where}: '${key}' is not a column property of ${entity.name}.`);
}

/**
 * Fills what a flush would into a row that leaves columns out: JavaScript defaults, generated
 * UUID keys, the first version, creation and update times (one `now` per values() call).
 */
function withDefaults(entity: EntityMetadata, row: AssignmentMap, now: Date): AssignmentMap {
  for (const column of entity.columns) {
    if (row.has(column)) continue;
    const value = insertDefault(column, now);
    if (value !== undefined) row.set(column, param(value, column));
  }
  return row;
}

function param(value: unknown, column: ColumnMetadata): ExprNode {
  return node({ kind: 'param', value, column });
}

/** The node: the union of the rows' columns in table order, and one cell per column and row (undefined: DEFAULT). */
function insertNode(parts: InsertParts, last: RowLink | undefined): InsertNode {
  const links: RowLink[] = [];
  for (let link = last; link; link = link.previous) links.push(link);
  const rows: AssignmentMap[] = [];
  for (let i = links.length - 1; i >= 0; i--) for (const row of links[i]!.rows) rows.push(row);
  const columns = Object.freeze(parts.source.entity.columns.filter((c) => rows.some((row) => row.has(c))));
  const cells = Object.freeze(rows.map((row) => Object.freeze(columns.map((c) => row.get(c)))));
  return node({ kind: 'insert', source: parts.source, columns, rows: cells, conflict: parts.conflict, returning: parts.returning });
}

/*
 * Horizontal sharding: one unit of work over several databases. Each shard has a Session of
 * its own; a new object goes to the shard a function picks for it (its cascades follow it
 * there), a lookup by key asks the shards its key may be on, and a query runs on one shard or
 * fans out to all of them, its results merged by the query's ORDER BY and cut by its LIMIT.
 * Commit flushes every shard, then commits them one after another: not atomic across shards.
 */
import type { Engine } from '../../engine/engine';
import { ArgumentError, PartialCommitError } from '../../errors/errors';
import type { ColumnMetadata } from '../../metadata/entity-metadata';
import type { ExprNode, SelectNode } from '../../query/query-nodes';
import { SelectStatement } from '../../query/select-statement';
import type { EntityClass, EntityRef, EntityRow } from '../../query/query-types';
import type { Statement } from '../../query/statement';
import { trimLeadingZeros, trimTrailingZeros } from '../../types/decimal-text';
import type { LoadedBy, OptionOn, OptionsIn, PathsFor } from '../../query/load-options';
import type { KeyOf, RelationPath } from '../../query/loaded';
import { Session, type EntityIn, type GetOptions, type LoadedAfter } from '../session/session';
import type { SessionOptions } from '../session/session-options';
import { runUnitOfWork } from '../session/session-maker';

/** How objects and queries find their shards. */
export interface ShardingOptions<K extends string> {
  /** The engine of each shard, by name. */
  readonly shards: Readonly<Record<K, Engine>>;
  /** The shard a new object is written to (its key must be known by then if the choice uses it: a uuid, or an assigned id). */
  shardFor(object: object): K;
  /** The shards an object with this primary key may be on; default every shard (asked in parallel). */
  shardsForKey?(entity: EntityClass<unknown>, key: unknown): K | readonly K[];
  /** The shards a query runs on when the call names none; default every shard. */
  shardsForQuery?(statement: Statement<unknown>): K | readonly K[];
  /** Options of every shard's Session (registry, expireOnCommit, ...). */
  readonly session?: Omit<SessionOptions, 'bind'>;
  /**
   * How text compares when fanned-out results are merged by an ORDER BY on a text column.
   * Default: by UTF-16 code unit, which is the order of PostgreSQL's "C" collation and of
   * MySQL's `_bin` collations. Give the servers' order when it differs, e.g.
   * `new Intl.Collator('en', { sensitivity: 'base' }).compare` for a case-insensitive one.
   * It is called on its own, not as a method of these options.
   */
  readonly compareText?: (a: string, b: string) => number;
}

/** Options of a sharded query. */
export interface ShardQueryOptions<K extends string> {
  /** Run on these shards only. */
  readonly shard?: K | readonly K[];
}

/**
 * A unit of work over several databases.
 * @example
 * const Shards = shardedSessionMaker({ shards: { eu, us }, shardFor: (o) => (o as Customer).region });
 * await Shards.run(async (s) => { s.add(customer); });
 */
export class ShardedSession<K extends string> {
  readonly #options: ShardingOptions<K>;
  readonly #sessions = new Map<K, Session>();

  constructor(options: ShardingOptions<K>) {
    if (Object.keys(options?.shards ?? {}).length === 0) throw new ArgumentError('A sharded session needs at least one shard: { shards: { name: engine, ... } }.');
    this.#options = options;
  }

  /** The names of the shards. */
  get shardNames(): K[] {
    return Object.keys(this.#options.shards) as K[];
  }

  /** The Session of one shard (made on first use), for anything this class does not route. */
  session(shard: K): Session {
    let session = this.#sessions.get(shard);
    if (!session) {
      const engine = this.#options.shards[shard];
      if (!engine) throw new ArgumentError(`There is no shard '${String(shard)}'; the shards are ${this.shardNames.join(', ')}.`);
      session = new Session({ ...this.#options.session, bind: engine });
      this.#sessions.set(shard, session);
    }
    return session;
  }

  /** The shard whose session holds the object, or undefined. */
  shardOf(object: object): K | undefined {
    for (const [shard, session] of this.#sessions) if (session.contains(object)) return shard;
    return undefined;
  }

  /** Adds a new object (and what it cascades to) to the shard `shardFor` picks; an object already held stays where it is. */
  add(object: object): void {
    const held = this.shardOf(object);
    this.session(held ?? this.#pick(this.#options.shardFor(object), 'shardFor')).add(object);
  }

  /** Adds several objects. */
  addAll(objects: Iterable<object>): void {
    for (const object of objects) this.add(object);
  }

  /** Marks an object for deletion in the shard that holds it. */
  delete(object: object): void {
    this.#holder(object, 'delete').delete(object);
  }

  /** The object with this primary key, from the first of its candidate shards that has it. */
  async get<E, const O extends readonly (OptionOn<E> | readonly OptionOn<E>[])[] = []>(
    entity: EntityClass<E>,
    key: KeyOf<E>,
    options?: GetOptions<O>,
  ): Promise<LoadedBy<E, OptionsIn<O>> | undefined> {
    const candidates = this.#list(this.#options.shardsForKey?.(entity, key) ?? this.shardNames, 'shardsForKey');
    // Held as unknown: relating Promise.all's Awaited<> of the generic result back to it costs the compiler a deep comparison.
    const found = await Promise.all(candidates.map((shard): Promise<unknown> => this.session(shard).get<E, O>(entity, key, options)));
    return found.find((object) => object !== undefined) as LoadedBy<E, OptionsIn<O>> | undefined;
  }

  /**
   * Runs a select on its shards and merges the results: objects (or values) in the query's
   * ORDER BY across shards, then its OFFSET and LIMIT over the merged list. Ordering uses
   * JavaScript comparison of the ordered columns' values; a fanned-out query with LIMIT must
   * order by columns of its own entity.
   */
  async scalars<E, O>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]], O>, options?: ShardQueryOptions<K>): Promise<LoadedBy<E, O>[]>;
  async scalars<R>(statement: Statement<R>, options?: ShardQueryOptions<K>): Promise<unknown[]>;
  async scalars(statement: Statement<unknown>, options: ShardQueryOptions<K> = {}): Promise<unknown[]> {
    const shards = this.#list(options.shard ?? this.#options.shardsForQuery?.(statement) ?? this.shardNames, 'shardsForQuery');
    if (shards.length === 1) return this.session(shards[0]!).scalars(statement);
    const node = statement.node;
    if (node.kind === 'compound' && (node.orderBy.length > 0 || node.limit !== undefined || node.offset !== undefined)) {
      throw new ArgumentError('A UNION with ORDER BY, LIMIT or OFFSET cannot be merged across shards; name one shard ({ shard }), or fan out its members one by one.');
    }
    const select = node.kind === 'select' ? node : undefined;
    const { limit, offset } = select ?? {};
    const sliced = typeof limit === 'number' || typeof offset === 'number';
    const compare = select && select.orderBy.length > 0 ? this.#comparator(select, shards[0]!) : undefined;
    if (sliced && !compare) {
      throw new ArgumentError('A query fanned out over shards with LIMIT or OFFSET must ORDER BY columns of its own entity, so the merged page is the right one; or name one shard.');
    }
    // Each shard returns the rows up to the end of the page; the page is cut from the merged list.
    let perShard = statement;
    if (sliced && statement instanceof SelectStatement) {
      perShard = statement.offset(0);
      if (typeof limit === 'number') perShard = (perShard as SelectStatement<unknown>).limit(limit + (typeof offset === 'number' ? offset : 0));
    }
    const results = await Promise.all(shards.map((shard) => this.session(shard).scalars(perShard)));
    const merged = compare ? mergeSorted(results, compare) : results.flat();
    if (!sliced) return merged;
    const from = typeof offset === 'number' ? offset : 0;
    return merged.slice(from, typeof limit === 'number' ? from + limit : undefined);
  }

  /**
   * Compares two results the way the servers ordered them, or throws when the ORDER BY
   * cannot be read back from the results (a column of another entity, an expression).
   */
  #comparator(select: SelectNode, shard: K): (a: unknown, b: unknown) => number {
    const engine = this.#options.shards[shard];
    const nullsHigh = engine.dialect.capabilities.nullsSortHigh === true;
    const enumOrder = engine.dialect.capabilities.enumsSortByDeclaration === true;
    const compareText = this.#options.compareText ?? compareCodeUnits;
    const first = select.items[0];
    const keys = select.orderBy.map((order): OrderKey => {
      const read = first ? orderedValue(first, order.expr) : undefined;
      const column = order.expr.kind === 'column' ? order.expr.column : undefined;
      if (!read || column?.type.custom) {
        throw new ArgumentError(
          `A query fanned out over shards is merged by its ORDER BY, which must name ${first?.kind === 'entity' ? 'columns of the selected entity' : 'the selected column'}` +
            `${column?.type.custom ? ' of a built-in type' : ''}; ${describeOrder(order.expr)} is not. Order by such a column, or name one shard ({ shard }).`,
        );
      }
      const descending = order.direction === 'desc';
      // Without NULLS FIRST / LAST the server puts NULL where its sort order does: high on PostgreSQL, low elsewhere.
      const nullsFirst = order.nulls === undefined ? descending === nullsHigh : order.nulls === 'first';
      return { read, descending, nullsFirst, compare: valueComparator(column, compareText, enumOrder) };
    });
    return (a, b) => {
      for (const key of keys) {
        const x = key.read(a);
        const y = key.read(b);
        const xNull = x === null || x === undefined;
        const yNull = y === null || y === undefined;
        if (xNull || yNull) {
          if (xNull && yNull) continue;
          return xNull === key.nullsFirst ? -1 : 1;
        }
        const cmp = key.compare(x, y);
        if (cmp !== 0) return key.descending ? -cmp : cmp;
      }
      return 0;
    };
  }

  /** Loads relationships of objects from several shards, each in its own shard; returns them typed with the paths loaded. */
  async load<T extends object, P extends string>(objects: readonly T[], path: RelationPath<EntityIn<T[]>, P>): Promise<LoadedAfter<T, P>[]>;
  async load<T extends object, P extends string>(objects: readonly T[], paths: readonly RelationPath<EntityIn<T[]>, P>[]): Promise<LoadedAfter<T, P>[]>;
  async load<T extends object, O extends OptionOn<EntityIn<T[]>>>(objects: readonly T[], options: O | readonly O[]): Promise<LoadedAfter<T, PathsFor<O, EntityIn<T[]>>>[]>;
  async load(objects: readonly object[], paths: unknown): Promise<unknown[]> {
    const byShard = new Map<K, object[]>();
    for (const object of objects) {
      const shard = this.shardOf(object);
      if (shard === undefined) throw new ArgumentError('load(): every object must belong to one of the shards\' sessions.');
      let list = byShard.get(shard);
      if (!list) byShard.set(shard, (list = []));
      list.push(object);
    }
    // Checked against T by this signature; each shard's session loads them as given.
    await Promise.all([...byShard].map(([shard, list]) => this.session(shard).load(list, paths as never)));
    return objects as unknown[];
  }

  /** Flushes every shard. */
  async flush(): Promise<void> {
    for (const session of this.#sessions.values()) await session.flush();
  }

  /**
   * Flushes every shard (so a failing statement stops everything before any COMMIT), then
   * commits them one after another. Shards are separate databases: when a COMMIT fails after
   * others succeeded, PartialCommitError says which committed.
   */
  async commit(): Promise<void> {
    await this.flush();
    // Shards that only read commit first: nothing of theirs can be half-committed.
    const sessions = [...this.#sessions].sort(([, a], [, b]) => Number(a.inTransaction) - Number(b.inTransaction));
    const committed: K[] = [];
    for (const [shard, session] of sessions) {
      const wrote = session.inTransaction;
      try {
        await session.commit();
        if (wrote) committed.push(shard);
      } catch (error) {
        if (committed.length === 0) throw error;
        throw new PartialCommitError(
          `Shard '${shard}' failed to commit after ${committed.map((s) => `'${s}'`).join(', ')} committed: ${(error as Error).message?.split('\n')[0]}. ` +
            'The shards are separate databases; reconcile the committed shards, or keep a unit of work on one shard.',
          { committed, cause: error },
        );
      }
    }
  }

  /** Rolls every shard back. */
  async rollback(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.rollback()));
  }

  /** Closes every shard's session. */
  async close(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.close()));
  }

  #holder(object: object, what: string): Session {
    const shard = this.shardOf(object);
    if (shard === undefined) throw new ArgumentError(`${what}(): the object is in none of the shards' sessions; add() it or load it through this sharded session first.`);
    return this.session(shard);
  }

  #pick(shard: K, source: string): K {
    if (!(shard in this.#options.shards)) throw new ArgumentError(`${source} chose '${String(shard)}', which is not a shard; the shards are ${this.shardNames.join(', ')}.`);
    return shard;
  }

  #list(shards: K | readonly K[], source: string): K[] {
    const list = (Array.isArray(shards) ? shards : [shards]) as K[];
    if (list.length === 0) throw new ArgumentError(`${source} chose no shard.`);
    return list.map((shard) => this.#pick(shard, source));
  }
}

/** A sharded session factory: call it for a ShardedSession; `run(fn)` commits, rolls back on error, and closes. */
export interface ShardedSessionFactory<K extends string> {
  (): ShardedSession<K>;
  run<T>(fn: (session: ShardedSession<K>) => Promise<T> | T): Promise<T>;
}

/**
 * Makes sharded sessions over the engines of `options.shards`.
 * @example
 * const Shards = shardedSessionMaker({
 *   shards: { a: engineA, b: engineB },
 *   shardFor: (o) => (hash((o as { id: string }).id) % 2 ? 'a' : 'b'),
 *   shardsForKey: (_entity, id) => (hash(String(id)) % 2 ? 'a' : 'b'),
 * });
 */
export function shardedSessionMaker<K extends string>(options: ShardingOptions<K>): ShardedSessionFactory<K> {
  const factory = (() => new ShardedSession(options)) as ShardedSessionFactory<K>;
  factory.run = (fn) => runUnitOfWork(new ShardedSession(options), fn);
  return factory;
}

/** One ORDER BY item: how to read its value from a result, and how values compare. */
type OrderKey = {
  readonly read: (result: unknown) => unknown;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  readonly compare: (x: unknown, y: unknown) => number;
};

/** Reads an ORDER BY expression's value from a `scalars` result, or undefined when the result does not carry it. */
function orderedValue(first: SelectNode['items'][number], expr: ExprNode): ((result: unknown) => unknown) | undefined {
  if (first.kind === 'entity') {
    // Results are objects of the selected entity: only its own mapped columns can be read back.
    if (expr.kind !== 'column' || expr.source !== first.source) return undefined;
    const property = expr.column?.propertyName;
    return property === undefined ? undefined : (result) => (result as Record<string, unknown>)[property];
  }
  // Results are the first selected value: the ORDER BY must be that value.
  const selected = first.expr;
  const same = selected === expr || (selected.kind === 'column' && expr.kind === 'column' && selected.source === expr.source && selected.name === expr.name);
  return same ? (result) => result : undefined;
}

function describeOrder(expr: ExprNode): string {
  if (expr.kind === 'column') return expr.column ? `${expr.column.entityName}.${expr.column.propertyName ?? expr.column.columnName}` : `column ${expr.name}`;
  return `an ORDER BY ${expr.kind} expression`;
}

/** How two non-NULL values of a column compare, as the servers order them. */
function valueComparator(column: ColumnMetadata | undefined, compareText: (a: string, b: string) => number, enumOrder: boolean): (x: unknown, y: unknown) => number {
  const type = column?.type;
  if (type?.name === 'enum' && enumOrder && type.enumValues) {
    // The server sorts the enum by its declaration order; where enums are stored as text, the text comparison below applies.
    const rank = new Map(type.enumValues.map((value, i) => [value, i]));
    return (x, y) => (rank.get(x as string) ?? -1) - (rank.get(y as string) ?? -1);
  }
  const numericText = type !== undefined && (type.name === 'numeric' || type.name === 'bigint' || type.name === 'integer' || type.name === 'smallint');
  return (x, y) => {
    if (typeof x === 'string' && typeof y === 'string') return numericText ? compareNumericText(x, y) : compareText(x, y);
    if (x instanceof Date && y instanceof Date) return Math.sign(x.getTime() - y.getTime());
    if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return Buffer.compare(x, y);
    return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
  };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sign, digits, point, digits: no two quantifiers take the same characters, so matching is linear. */
const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * Compares numbers written as text (numeric columns, bigints read as strings) by value,
 * exactly, whatever their length: '9.5' < '10.00'. NaN sorts above every number, as
 * PostgreSQL sorts it.
 */
export function compareNumericText(a: string, b: string): number {
  const x = DECIMAL.exec(a);
  const y = DECIMAL.exec(b);
  if (!x || !y) {
    const [p, q] = [Number(a), Number(b)];
    if (Number.isNaN(p) || Number.isNaN(q)) return Number.isNaN(p) === Number.isNaN(q) ? 0 : Number.isNaN(p) ? 1 : -1;
    return p < q ? -1 : p > q ? 1 : 0;
  }
  const [xInt, xFrac] = [trimLeadingZeros(x[2]!), trimTrailingZeros(x[3] ?? '')];
  const [yInt, yFrac] = [trimLeadingZeros(y[2]!), trimTrailingZeros(y[3] ?? '')];
  const xZero = xInt === '' && xFrac === '';
  const yZero = yInt === '' && yFrac === '';
  const xSign = xZero ? 0 : x[1] ? -1 : 1;
  const ySign = yZero ? 0 : y[1] ? -1 : 1;
  if (xSign !== ySign) return xSign < ySign ? -1 : 1;
  if (xSign === 0) return 0;
  let magnitude: number;
  if (xInt.length !== yInt.length) magnitude = xInt.length < yInt.length ? -1 : 1;
  else if (xInt !== yInt) magnitude = xInt < yInt ? -1 : 1;
  else magnitude = xFrac === yFrac ? 0 : xFrac < yFrac ? -1 : 1;
  return xSign * magnitude;
}

/**
 * Merges lists that are each in the servers' order into one. Each list keeps its own
 * order, so every shard contributes a prefix of its rows to a page even where the
 * comparison differs from a server's collation.
 */
function mergeSorted(lists: readonly unknown[][], compare: (a: unknown, b: unknown) => number): unknown[] {
  const merged: unknown[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      if (at[i]! >= lists[i]!.length) continue;
      if (best < 0 || compare(lists[i]![at[i]!], lists[best]![at[best]!]) < 0) best = i;
    }
    if (best < 0) return merged;
    merged.push(lists[best]![at[best]!++]);
  }
}

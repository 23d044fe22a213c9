/*
 * Horizontal sharding: one unit of work over several databases. Each shard has a Session of
 * its own; a new object goes to the shard a function picks for it (its cascades follow it
 * there), a lookup by key asks the shards its key may be on, and a query runs on one shard or
 * fans out to all of them, its results merged by the query's ORDER BY and cut by its LIMIT.
 * Commit flushes every shard, then commits them one after another: not atomic across shards.
 */
import type { Engine } from '../../engine/engine';
import { ArgumentError, PartialCommitError } from '../../errors/errors';
import type { OrderNode, SelectNode } from '../../query/query-nodes';
import { SelectStatement } from '../../query/select-statement';
import type { EntityRef, EntityRow } from '../../query/query-types';
import type { Statement } from '../../query/statement';
import type { LoadOption } from '../../query/load-options';
import { Session, type GetOptions } from './session';
import type { SessionOptions } from './session-options';
import { runUnitOfWork } from './session-maker';

type EntityClass<E> = abstract new (...args: any[]) => E;

/** How objects and queries find their shards. */
export interface ShardingOptions<K extends string> {
  /** The engine of each shard, by name. */
  readonly shards: Readonly<Record<K, Engine>>;
  /** The shard a new object is written to (its key must be known by then if the choice uses it: a uuid, or an assigned id). */
  shardFor(object: object): K;
  /** The shards an object with this primary key may be on; default every shard (asked in parallel). */
  shardsForKey?(entity: Function, key: unknown): K | readonly K[];
  /** The shards a query runs on when the call names none; default every shard. */
  shardsForQuery?(statement: Statement<unknown>): K | readonly K[];
  /** Options of every shard's Session (registry, expireOnCommit, ...). */
  readonly session?: Omit<SessionOptions, 'bind'>;
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
  async get<E>(entity: EntityClass<E>, key: unknown, options?: GetOptions): Promise<E | undefined> {
    const candidates = this.#list(this.#options.shardsForKey?.(entity, key) ?? this.shardNames, 'shardsForKey');
    const found = await Promise.all(candidates.map((shard) => this.session(shard).get(entity, key, options)));
    return found.find((object) => object !== undefined);
  }

  /**
   * Runs a select on its shards and merges the results: objects (or values) in the query's
   * ORDER BY across shards, then its OFFSET and LIMIT over the merged list. Ordering uses
   * JavaScript comparison of the ordered columns' values; a fanned-out query with LIMIT must
   * order by columns of its own entity.
   */
  async scalars<E>(statement: SelectStatement<EntityRow<E>, readonly [EntityRef<E>, ...unknown[]]>, options?: ShardQueryOptions<K>): Promise<E[]>;
  async scalars<R>(statement: Statement<R>, options?: ShardQueryOptions<K>): Promise<unknown[]>;
  async scalars(statement: Statement<unknown>, options: ShardQueryOptions<K> = {}): Promise<unknown[]> {
    const shards = this.#list(options.shard ?? this.#options.shardsForQuery?.(statement) ?? this.shardNames, 'shardsForQuery');
    if (shards.length === 1) return this.session(shards[0]!).scalars(statement);
    const select = statement.node.kind === 'select' ? (statement.node as SelectNode) : undefined;
    const { limit, offset } = select ?? {};
    const sliced = typeof limit === 'number' || typeof offset === 'number';
    const order = select ? orderKeys(select.orderBy) : [];
    if (sliced && (order === undefined || order.length === 0)) {
      throw new ArgumentError('A query fanned out over shards with LIMIT or OFFSET must ORDER BY columns of its own entity, so the merged page is the right one; or name one shard.');
    }
    // Each shard returns the rows up to the end of the page; the page is cut from the merged list.
    let perShard = statement;
    if (sliced && statement instanceof SelectStatement) {
      perShard = statement.offset(0);
      if (typeof limit === 'number') perShard = (perShard as SelectStatement<unknown>).limit(limit + (typeof offset === 'number' ? offset : 0));
    }
    const results = await Promise.all(shards.map((shard) => this.session(shard).scalars(perShard)));
    let merged = results.flat();
    if (order && order.length > 0) merged = merged.sort((a, b) => compareRows(a, b, order));
    if (!sliced) return merged;
    const from = typeof offset === 'number' ? offset : 0;
    return merged.slice(from, typeof limit === 'number' ? from + limit : undefined);
  }

  /** Loads relationships of objects from several shards, each in its own shard. */
  async load(objects: readonly object[], paths: string | LoadOption | readonly (string | LoadOption)[]): Promise<void> {
    const byShard = new Map<K, object[]>();
    for (const object of objects) {
      const shard = this.shardOf(object);
      if (shard === undefined) throw new ArgumentError('load(): every object must belong to one of the shards\' sessions.');
      let list = byShard.get(shard);
      if (!list) byShard.set(shard, (list = []));
      list.push(object);
    }
    await Promise.all([...byShard].map(([shard, list]) => this.session(shard).load(list, paths)));
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
    const committed: K[] = [];
    for (const [shard, session] of this.#sessions) {
      try {
        await session.commit();
        committed.push(shard);
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

/** One ORDER BY item as a property to compare and a direction; undefined when an item is not a column of the query's entity. */
type OrderKey = { readonly property: string; readonly descending: boolean; readonly nullsFirst: boolean };

function orderKeys(orderBy: readonly OrderNode[]): OrderKey[] | undefined {
  const keys: OrderKey[] = [];
  for (const order of orderBy) {
    const expr = order.expr;
    const property = expr.kind === 'column' ? expr.column?.propertyName : undefined;
    if (property === undefined) return undefined;
    const descending = order.direction === 'desc';
    keys.push({ property, descending, nullsFirst: order.nulls === undefined ? descending : order.nulls === 'first' });
  }
  return keys;
}

function compareRows(a: unknown, b: unknown, order: readonly OrderKey[]): number {
  for (const key of order) {
    const x = comparable((a as Record<string, unknown>)[key.property]);
    const y = comparable((b as Record<string, unknown>)[key.property]);
    if (x === y) continue;
    if (x === null) return key.nullsFirst ? -1 : 1;
    if (y === null) return key.nullsFirst ? 1 : -1;
    const cmp = (x as number) < (y as number) ? -1 : 1;
    return key.descending ? -cmp : cmp;
  }
  return 0;
}

/** A value as it compares: Dates by their time, NULL as null. */
function comparable(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return value instanceof Date ? value.getTime() : value;
}

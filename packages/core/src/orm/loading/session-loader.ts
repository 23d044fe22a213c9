/*
 * Loading for a session: runs statements on its connection (after its autoflush) and turns
 * the rows into session objects through hydrate; gets objects by primary key, from the
 * identity map when it can, and reloads expired or refreshed objects.
 */
import { ArgumentError, InvalidStateError, ObjectDeletedError } from '../../errors/errors';
import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import { entitySource, type SelectNode } from '../../query/internal';
import { SelectStatement } from '../../query/select-statement';
import { ParamSlot } from '../../query/query-compiler';
import { LoadOption, flattenOptions, stepsOf } from '../../query/load-options';
import { buildPlan, optionAppliesTo, optionsMustApply, planFor, type LoadPlan } from './load-plan';
import { fetchRelated, loadPlanFor, loadQuery } from './relation-loader';
import type { LoadContext } from './step-loader';
import type { RelationMetadata } from '../../metadata/entity-metadata';
import type { Statement } from '../../query/statement';
import { SqlFragment } from '../../sql/sql-fragment';
import { describe } from '../../query/expression';
import type { EntityMapper } from '../state/entity-mapper';
import { stateOf, type InstanceState } from '../state/instance-state';
import { allOf, columnEquals, NodeStatement, selectWhere, sourceOf } from '../unit-of-work/node-statement';
import { hydrate, hydrateArrays, placementOf, type EntityPlacement, type HydrationTarget } from './hydrate';
import { decodersOf } from '../state/row-values';

/** Options of `session.load`. */
export interface LoadRelationOptions {
  /** Reload relationships even when they were loaded since the last commit. */
  refresh?: boolean;
}
import type { SessionObjects } from '../session/session-objects';

/** What the loader needs from its session (its SessionContext). */
export interface LoaderHost {
  /** The connection a query runs on: autoflushes first; `read` for a plain SELECT (may run outside a transaction). */
  connectionForQuery(options?: { readonly read?: boolean }): Promise<Connection> | Connection;
  /** The session's mapper for an entity a statement selected. */
  mapperFor(entity: EntityMetadata): EntityMapper;
  /** Identity map and session for hydration; `weak` holds clean objects weakly. */
  hydrationTarget(options?: { readonly weak?: boolean }): HydrationTarget;
  /** Detaches an object whose row has gone. */
  expunge(object: object): void;
  /** The engine the session runs on: its capabilities shape the statements the loader builds. */
  readonly bind: Engine;
}

/** Runs a session's queries and loads its objects. */
export class SessionLoader {
  readonly #host: LoaderHost;
  readonly #objects: SessionObjects;

  constructor(host: LoaderHost, objects: SessionObjects) {
    this.#host = host;
    this.#objects = objects;
  }

  /**
   * Raw SQL's rows as plain records. It may write, so it runs in the session's transaction
   * (beginning it), after an autoflush like any query.
   */
  async raw(statement: SqlFragment | string, params: readonly unknown[] | undefined): Promise<Record<string, unknown>[]> {
    const connection = await this.#host.connectionForQuery({ read: false });
    const { rows } = await connection.execute(statement, params);
    return rows.map(plainRecord);
  }

  /** A statement's rows, with entities turned into session objects and relationships loaded as planned. */
  async query(statement: Statement<unknown>, options: readonly LoadOption[] = loadOptionsOf(statement)): Promise<unknown[]> {
    const placement = placementOf(builtStatement(statement).node);
    if (options.length > 0) optionsMustApply(options, entitiesOf(placement), 'this query');
    if (placement.kind === 'row') {
      const mapper = this.#host.mapperFor(placement.entity);
      const plan = planFor(mapper.metadata, options);
      if (plan.empty) {
        // The common case: driver rows straight into column-value arrays, no intermediate objects.
        const connection = await this.#host.connectionForQuery({ read: isPlainRead(statement) });
        const { rows, compiled } = await connection.queryArrays(statement);
        return hydrateArrays(this.#host.hydrationTarget(), mapper, rows, compiled);
      }
      const root = statement.node.kind === 'select' ? statement.node.items[0] : undefined;
      if (root?.kind === 'entity') {
        // The statement may have resolved the class in another registry: load as the session maps it.
        const source = root.source.entity === mapper.metadata ? root.source : entitySource(mapper.metadata, root.source.alias);
        return loadQuery(this.#context(), statement.node as SelectNode, source, plan);
      }
      // A UNION of entity rows: the rows first, then the plan's loads for them.
      const rows = await this.#rows(statement);
      await loadPlanFor(this.#context(), (rows as object[]).map((o) => stateOf(o)!), plan.nodes);
      return rows;
    }
    const rows = await this.#rows(statement);
    if (placement.kind === 'items') {
      for (const item of placement.items) {
        const plan = planFor(this.#host.mapperFor(item.entity).metadata, options);
        if (plan.empty) continue;
        const states = (rows as Record<string | number, unknown>[]).flatMap((row) => {
          const object = row[item.at];
          return object ? [stateOf(object)!] : [];
        });
        await loadPlanFor(this.#context(), states, plan.nodes);
      }
    }
    return rows;
  }

  /** A statement's rows, decoded, with entities turned into session objects. */
  async #rows(statement: Statement<unknown>): Promise<unknown[]> {
    const connection = await this.#host.connectionForQuery({ read: isPlainRead(statement) });
    const result = await connection.execute(statement);
    return this.#materialize(statement, result.rows as Record<string, unknown>[]);
  }

  /**
   * Loads relationships of persistent objects now: `paths` such as 'posts' or
   * 'posts.comments', one statement per relationship and level for all the objects.
   * Relationships loaded since the last commit are kept unless `refresh`.
   */
  async load(objects: readonly object[], paths: readonly (string | LoadOption)[], options: LoadRelationOptions = {}): Promise<void> {
    const byEntity = new Map<EntityMapper, InstanceState[]>();
    for (const object of objects) {
      const state = object && typeof object === 'object' ? stateOf(object) : undefined;
      if (!state || state.session !== this.#host.hydrationTarget().session) {
        throw new InvalidStateError('session.load(): every object must belong to this session (loaded or added through it).');
      }
      if (state.status !== 'persistent') continue;
      let list = byEntity.get(state.mapper);
      if (!list) byEntity.set(state.mapper, (list = []));
      list.push(state);
    }
    if (paths.length === 0) throw new ArgumentError("session.load(objects, paths) needs at least one relationship path, e.g. 'posts' or 'posts.comments'.");
    const entities = [...byEntity.keys()].map((mapper) => mapper.metadata);
    optionsMustApply(paths.filter((path) => path instanceof LoadOption), entities, 'session.load() of these objects');
    for (const [mapper, states] of byEntity) {
      const entity = mapper.metadata.target;
      const loadOptions = paths.map((path) => (path instanceof LoadOption ? path : new LoadOption(entity, stepsOf(path, { strategy: 'selectin', innerJoin: false }, entity))));
      // Only the named relationships at the top; below them, the targets' defaults apply as well.
      const named = new Set(loadOptions.filter((o) => optionAppliesTo(o, mapper.metadata)).map((o) => o.steps[0]!.property));
      // Objects of several entities: an option for another of them has nothing to do here.
      if (named.size === 0) continue;
      const plan = buildPlan(mapper.metadata, loadOptions);
      await loadPlanFor(this.#context(), states, plan.nodes.filter((n) => named.has(n.relation.propertyName)), { refresh: options.refresh === true });
    }
  }

  /** The database's current members of a relationship for each parent, leaving the objects untouched. */
  async related(parents: readonly InstanceState[], relation: RelationMetadata): Promise<Map<InstanceState, object[]>> {
    return fetchRelated(this.#context(), parents, relation);
  }

  /** Loads the plan's relationships for objects already in hand (session.get from the identity map with options). */
  async loadPlan(states: readonly InstanceState[], plan: LoadPlan): Promise<void> {
    if (!plan.empty) await loadPlanFor(this.#context(), states, plan.nodes);
  }

  #context(): LoadContext {
    const host = this.#host;
    return {
      run: async (select, values) => {
        const connection = await this.#host.connectionForQuery({ read: select.lock === undefined });
        const { rows, compiled } = await connection.queryArrays(new NodeStatement(select), values);
        return { rows, decoders: decodersOf(compiled) };
      },
      target: this.#host.hydrationTarget(),
      // Read when a step runs: the first query of a new engine learns the server's.
      get capabilities() {
        return host.bind.capabilities;
      },
    };
  }

  /** A statement's first column: objects for an entity selection, else the first value of each row. */
  async scalars(statement: Statement<unknown>): Promise<unknown[]> {
    const rows = await this.query(statement);
    if (rows.length === 0) return [];
    const placement = placementOf(statement.node);
    if (placement.kind === 'row') return rows;
    return rows.map((row) => (Array.isArray(row) ? (row as unknown[])[0] : firstValue(row)));
  }

  /** The object with this primary key: held and fresh without SQL, else loaded; undefined when deleted or missing. */
  async get(mapper: EntityMapper, key: unknown, options: readonly LoadOption[] = []): Promise<object | undefined> {
    if (options.length > 0) optionsMustApply(options, [mapper.metadata], `session.get(${mapper.metadata.name})`);
    const values = keyValues(mapper, key);
    const identityKey = mapper.identityKey(values);
    const held = this.#objects.lookup(mapper.metadata, identityKey);
    if (held && this.#objects.isDeleted(held)) return undefined;
    if (held && !held.expired) {
      if (options.length > 0) await this.loadPlan([held], planFor(mapper.metadata, options));
      return held.object;
    }
    const rows = await this.#loadByKey(mapper, values, options);
    // The held object's row is gone: detach it rather than keep serving it (get never raises ObjectDeletedError).
    if (rows.length === 0 && held) this.#host.expunge(held.object);
    return rows[0];
  }

  /** Loads an expired object's row into it; ObjectDeletedError when the row is gone. */
  async reload(state: InstanceState): Promise<void> {
    const rows = await this.#loadByKey(state.mapper, state.mapper.keyIndexes.map((i) => state.values[i]));
    if (rows.length === 0) throw objectDeleted(state);
  }

  #materialize(statement: Statement<unknown>, rows: Record<string, unknown>[]): unknown[] {
    const placement = placementOf(statement.node);
    const target = this.#host.hydrationTarget();
    if (placement.kind === 'row') {
      const mapper = this.#host.mapperFor(placement.entity);
      return rows.map((row) => hydrate(target, mapper, row));
    }
    if (placement.kind === 'items') {
      const mappers = placement.items.map((item) => ({ at: item.at, mapper: this.#host.mapperFor(item.entity) }));
      for (const row of rows) {
        for (const { at, mapper } of mappers) {
          const bag = (row as Record<string | number, unknown>)[at];
          if (bag) (row as Record<string | number, unknown>)[at] = hydrate(target, mapper, bag as Record<string, unknown>);
        }
      }
    }
    return rows;
  }

  async #loadByKey(mapper: EntityMapper, values: readonly unknown[], options: readonly LoadOption[] = []): Promise<object[]> {
    if (planFor(mapper.metadata, options).empty) {
      // The common case compiles once per entity: the key values fill the statement's slots.
      const connection = await this.#host.connectionForQuery({ read: true });
      const { rows, compiled } = await connection.queryArrays(byKeyStatement(mapper), mapper.keyIndexes.map((i) => values[i]));
      return hydrateArrays(this.#host.hydrationTarget(), mapper, rows, compiled);
    }
    const source = sourceOf(mapper.metadata);
    const select = selectWhere(source, allOf(mapper.keyIndexes.map((i) => columnEquals(source, mapper.columns[i]!, values[i]))));
    const statement = new NodeStatement(select);
    const rows = (await this.query(statement, options)) as object[];
    for (const object of rows) {
      const state = stateOf(object)!;
      if (state.expired) state.refresh(state.values);
    }
    return rows;
  }
}

const byKeyStatements = new WeakMap<EntityMapper, NodeStatement>();

/** SELECT ... WHERE key = ?, with the key as slots: built and compiled once per entity. */
function byKeyStatement(mapper: EntityMapper): NodeStatement {
  let statement = byKeyStatements.get(mapper);
  if (statement) return statement;
  const source = sourceOf(mapper.metadata);
  statement = new NodeStatement(selectWhere(source, allOf(mapper.keyIndexes.map((i, slot) => columnEquals(source, mapper.columns[i]!, new ParamSlot(slot))))));
  byKeyStatements.set(mapper, statement);
  return statement;
}

/** A SELECT (or UNION) without FOR UPDATE: it may run outside the session's transaction. */
function isPlainRead(statement: Statement<unknown>): boolean {
  const n = statement.node;
  if (n.kind === 'compound') return true;
  return n.kind === 'select' && n.lock === undefined;
}

/** The statement itself, or ArgumentError for raw SQL and other values (only session.execute runs raw SQL). */
export function builtStatement(statement: Statement<unknown>): Statement<unknown> {
  const held = (statement as { node?: { kind?: unknown } } | null | undefined)?.node;
  if (held !== null && typeof held === 'object' && typeof held.kind === 'string') return statement;
  const what = statement instanceof SqlFragment ? 'an sql`...` fragment' : typeof statement === 'string' ? 'a string' : describe(statement);
  throw new ArgumentError(
    `Expected a statement built with select / insert / update / deleteFrom; got ${what}. ` +
      'Run raw SQL with session.execute(sql`...`) (rows as plain records), or build the query with select(...) to get objects.',
  );
}

/** The entities a statement's rows carry. */
function entitiesOf(placement: EntityPlacement): EntityMetadata[] {
  if (placement.kind === 'row') return [placement.entity];
  return placement.kind === 'items' ? placement.items.map((item) => item.entity) : [];
}

/** A driver row as a plain record: drivers may hand back objects of their own row classes. */
function plainRecord(row: Record<string, unknown>): Record<string, unknown> {
  return Object.getPrototypeOf(row) === Object.prototype ? row : { ...row };
}

function loadOptionsOf(statement: Statement<unknown>): readonly LoadOption[] {
  return statement instanceof SelectStatement ? statement.loadOptions : [];
}

/** Flattens the options a caller passed (arrays from eagerLoad included). */
export function loadOptionList(options: readonly unknown[] | undefined): readonly LoadOption[] {
  return options === undefined || options.length === 0 ? [] : Object.freeze(flattenOptions(options));
}

function keyValues(mapper: EntityMapper, key: unknown): unknown[] {
  const values = new Array<unknown>(mapper.columns.length).fill(undefined);
  const indexes = mapper.keyIndexes;
  if (indexes.length === 1) {
    if (key === undefined || key === null || typeof key === 'object') {
      throw new ArgumentError(`get(${mapper.metadata.name}, key) takes the primary-key value; got ${describe(key)}.`);
    }
    values[indexes[0]!] = key;
    return values;
  }
  const parts: unknown[] = Array.isArray(key) ? (key as unknown[]) : indexes.map((i) => (key as Record<string, unknown>)?.[mapper.columns[i]!.propertyName ?? '']);
  if (parts.length !== indexes.length || parts.some((p) => p === undefined || p === null)) {
    throw new ArgumentError(`get(${mapper.metadata.name}, key): the key has ${indexes.length} columns; pass them as an array in key order or as an object.`);
  }
  indexes.forEach((index, i) => {
    values[index] = parts[i];
  });
  return values;
}

function firstValue(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  for (const key in row as Record<string, unknown>) return (row as Record<string, unknown>)[key];
  return undefined;
}

function objectDeleted(state: InstanceState): ObjectDeletedError {
  const entity = state.mapper.metadata.name;
  const identity = state.mapper.keyIndexes.map((i) => state.values[i]);
  return new ObjectDeletedError(
    `${entity} with key ${identity.map(String).join(', ')} no longer exists in the database (another transaction deleted it). ` +
      'Expunge the object, or add() a new one to write the row again.',
    { entity, identity },
  );
}

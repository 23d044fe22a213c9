/*
 * Unit of work, ordering step: the table order a flush writes in, computed once per entity
 * list from the owning to-one foreign keys. Pure: no session, no database. The flush planner
 * inserts in this order, deletes in its reverse, and writes `postUpdate` keys once both rows exist.
 */
import { MetadataError } from '../../errors/errors';
import type { EntityMetadata, JoinTableMetadata, RelationMetadata } from '../../metadata/entity-metadata';

/**
 * The order in which a flush writes tables, as computed by {@link tableOrder}.
 *
 * All lists are frozen and shared by every flush; copy before reversing
 * (`[...order.entities].reverse()` is the DELETE order).
 */
export interface CommitOrder {
  /** Entities in INSERT order: every entity after those its owning to-one relationships reference. DELETE uses the reverse. */
  readonly entities: readonly EntityMetadata[];
  /**
   * Implicit many-to-many association tables (no entity of their own), ordered by the later of
   * their two sides; insert their rows after all entities, delete them before any.
   */
  readonly associationTables: readonly JoinTableMetadata[];
  /**
   * Owning relationships deferred to break a cycle between tables: insert the row with this
   * foreign key NULL, then UPDATE it once the referenced row exists (and NULL it before a DELETE).
   */
  readonly postUpdate: readonly RelationMetadata[];
  /** Entities with an owning to-one relationship to themselves: their rows need ordering among themselves (see `orderRows`). */
  readonly selfReferencing: readonly EntityMetadata[];
}

/** One owning foreign key between two different tables: `parent` must be written before `child`. */
interface Edge {
  readonly relation: RelationMetadata;
  readonly parent: number;
  readonly child: number;
  readonly nullable: boolean;
}

const computed = new WeakMap<readonly EntityMetadata[], CommitOrder>();

/**
 * The INSERT order of `entities` (parents before children), the association tables after
 * both their sides, the relationships to write by post-update and the self-referencing entities.
 *
 * Ties are broken by the order of `entities` (the registry's declaration order), so the result
 * is deterministic. A cycle across tables is broken at a nullable foreign key — keeping, where
 * there is a choice, the keys whose parent is declared first; a cycle of NOT NULL keys throws a
 * `MetadataError` naming it. Relationships to entities outside the list are ignored. The result
 * is cached per array: pass the same array (e.g. one held by the session factory) to reuse it.
 * @example
 * const order = tableOrder(entities);
 * for (const entity of order.entities) insertPending(entity);
 * for (const entity of [...order.entities].reverse()) deletePending(entity);
 */
export function tableOrder(entities: readonly EntityMetadata[]): CommitOrder {
  let order = computed.get(entities);
  if (!order) {
    order = computeOrder(entities);
    computed.set(entities, order);
  }
  return order;
}

function computeOrder(input: readonly EntityMetadata[]): CommitOrder {
  const entities = [...new Set(input)];
  const position = new Map(entities.map((entity, i) => [entity, i]));
  const edges: Edge[] = [];
  const selfReferencing: EntityMetadata[] = [];
  entities.forEach((entity, child) => {
    for (const relation of entity.relations) {
      if (!relation.owner || relation.joinTable !== undefined || relation.foreignKey.length === 0) continue;
      const parent = position.get(relation.target);
      if (parent === undefined) continue;
      if (parent === child) {
        if (!selfReferencing.includes(entity)) selfReferencing.push(entity);
        continue;
      }
      edges.push({ relation, parent, child, nullable: relation.nullable && relation.foreignKey.every((fk) => fk.column.nullable) });
    }
  });

  const deferred = chooseDeferred(entities, edges);
  const kept = edges.filter((edge) => !deferred.has(edge));
  const ordered = sortTopologically(entities.length, kept).map((i) => entities[i]!);
  const rank = new Map(ordered.map((entity, i) => [entity, i]));

  const association: { table: JoinTableMetadata; after: number }[] = [];
  for (const entity of entities) {
    for (const relation of entity.relations) {
      const table = relation.joinTable;
      if (!relation.owner || table === undefined || table.entity !== undefined) continue;
      const after = Math.max(rank.get(entity)!, rank.get(relation.target) ?? -1);
      association.push({ table, after });
    }
  }
  association.sort((a, b) => a.after - b.after);

  return Object.freeze({
    entities: Object.freeze(ordered),
    associationTables: Object.freeze(association.map((a) => a.table)),
    postUpdate: Object.freeze(edges.filter((edge) => deferred.has(edge)).map((edge) => edge.relation)),
    selfReferencing: Object.freeze(selfReferencing),
  });
}

/**
 * The edges to write by post-update: a greedy acyclic subgraph. NOT NULL keys are kept first
 * (a cycle among them cannot be broken); then nullable keys whose parent is declared before the
 * child, then the rest, each kept unless it would close a cycle. Keys on no cycle are always kept.
 */
function chooseDeferred(entities: readonly EntityMetadata[], edges: readonly Edge[]): Set<Edge> {
  const keptChildren: Edge[][] = entities.map(() => []);
  const deferred = new Set<Edge>();
  const byPreference = [
    ...edges.filter((e) => !e.nullable),
    ...edges.filter((e) => e.nullable && e.parent < e.child),
    ...edges.filter((e) => e.nullable && e.parent > e.child),
  ];
  for (const edge of byPreference) {
    const closing = pathBetween(keptChildren, edge.child, edge.parent);
    if (closing === undefined) {
      keptChildren[edge.parent]!.push(edge);
    } else if (edge.nullable) {
      deferred.add(edge);
    } else {
      throw unbreakableCycle(entities, [...closing, edge]);
    }
  }
  return deferred;
}

/** The kept edges leading from `from` to `to` (breadth-first, so the shortest), or undefined. */
function pathBetween(children: readonly (readonly Edge[])[], from: number, to: number): Edge[] | undefined {
  const via = new Map<number, Edge | undefined>([[from, undefined]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node === to) {
      const path: Edge[] = [];
      for (let edge = via.get(node); edge !== undefined; edge = via.get(edge.parent)) path.unshift(edge);
      return path;
    }
    for (const edge of children[node]!) {
      if (via.has(edge.child)) continue;
      via.set(edge.child, edge);
      queue.push(edge.child);
    }
  }
  return undefined;
}

function unbreakableCycle(entities: readonly EntityMetadata[], cycle: readonly Edge[]): MetadataError {
  // Start the listing at the first-declared entity, so the message does not depend on discovery order.
  const chain = [...cycle].reverse();
  const first = chain.reduce((best, edge, i) => (edge.child < chain[best]!.child ? i : best), 0);
  const listed = [...chain.slice(first), ...chain.slice(0, first)];
  const keys = listed.map(({ relation }) => `${relation.entity.name}.${relation.propertyName} -> ${relation.target.name}`);
  const names = [...new Set(listed.map((edge) => entities[edge.child]!.name))];
  const example = listed[0]!.relation;
  return new MetadataError(
    `Cannot order a flush of ${names.join(', ')}: the foreign keys ${keys.join(', ')} form a cycle and none of them is nullable, ` +
      `so no row of the cycle can be inserted first. Make one of these relationships nullable ` +
      `(e.g. { nullable: true } on ${example.entity.name}.${example.propertyName}); Strata then inserts that row with the key NULL ` +
      `and sets it by an UPDATE once both rows exist.`,
  );
}

/** Kahn's algorithm over an acyclic graph, always taking the ready node declared first. */
function sortTopologically(count: number, edges: readonly Edge[]): number[] {
  const waiting = new Array<number>(count).fill(0);
  const children: number[][] = Array.from({ length: count }, () => []);
  for (const edge of edges) {
    waiting[edge.child]!++;
    children[edge.parent]!.push(edge.child);
  }
  const ready: number[] = [];
  for (let i = 0; i < count; i++) if (waiting[i] === 0) ready.push(i);
  const order: number[] = [];
  while (ready.length > 0) {
    const next = ready.shift()!;
    order.push(next);
    for (const child of children[next]!) {
      if (--waiting[child]! > 0) continue;
      const at = ready.findIndex((i) => i > child);
      ready.splice(at === -1 ? ready.length : at, 0, child);
    }
  }
  return order;
}

/*
 * The UPDATE builder: SET from property values or expressions over the row itself
 * (`(u) => ({ visits: u.visits.add(1) })`), WHERE as in selects, and RETURNING where the
 * server has it.
 */
import { ArgumentError } from '../errors/errors';
import { assignmentsOf } from './assignments';
import { andNodes, requireCondition, resolveCondition } from './condition-input';
import { entityRefOf } from './entity-ref';
import { node, type Assignment, type EntitySource, type UpdateNode } from './query-nodes';
import { slotOf, type Assignments, type EntityInput, type EntityRef, type EntityRow, type RecordRow, type Selection } from './query-types';
import { returningSelection } from './returning';
import type { Condition } from './select-statement';
import { Statement } from './statement';

/**
 * An UPDATE statement. Made by `update(Entity)`.
 * @example
 * await conn.execute(update(User).set({ name: 'Ann' }).where({ id: 1 }));
 * await conn.execute(update(Post).set((p) => ({ views: p.views.add(1) })).where((p) => p.id.eq(postId)));
 */
export class UpdateStatement<E, Row = never> extends Statement<Row> {
  readonly node: UpdateNode;
  readonly #ref: EntityRef<E>;

  constructor(updateNode: UpdateNode, ref: EntityRef<E>) {
    super();
    this.node = updateNode;
    this.#ref = ref;
    Object.freeze(this);
  }

  /** Adds assignments: property values, or a callback over the row's reference returning them. */
  set(values: Assignments<E> | ((ref: EntityRef<E>) => Assignments<E>)): UpdateStatement<E, Row> {
    const entity = this.node.source.entity;
    const given = typeof values === 'function' ? values(this.#ref) : values;
    const map = new Map(this.node.assignments.map((a) => [a.column, a.value]));
    for (const [column, value] of assignmentsOf(entity, given, `update(${entity.name}).set()`)) map.set(column, value);
    const assignments: Assignment[] = [...map].map(([column, value]) => node({ column, value }));
    return new UpdateStatement(node({ ...this.node, assignments: Object.freeze(assignments) }), this.#ref);
  }

  /**
   * Adds a WHERE condition; several calls are ANDed. An empty condition (`{}`, `undefined`,
   * a callback returning nothing) raises ArgumentError instead of updating every row: a filter
   * built from a request can come out empty. Update every row on purpose with `all()`.
   */
  where(condition: Condition<[EntityRef<E>]>): UpdateStatement<E, Row> {
    const entity = this.node.source.entity.name;
    const added = requireCondition(resolveCondition(condition, [this.#ref], 'update().where()'), `update(${entity}).where()`, `update(${entity}).set(...).all()`);
    return new UpdateStatement(node({ ...this.node, where: andNodes(this.node.where, added) }), this.#ref);
  }

  /**
   * Updates every row of the table, on purpose: without `where()` or `all()` the statement
   * is refused when it is compiled.
   * @example
   * await engine.execute(update(User).set({ active: true }).all());
   */
  all(): UpdateStatement<E, Row> {
    return new UpdateStatement(node({ ...this.node, everyRow: true }), this.#ref);
  }

  /** RETURNING every column, or the record the callback names. Needs a server with UPDATE ... RETURNING. */
  returning(): UpdateStatement<E, EntityRow<E>>;
  returning<S extends Selection>(selector: (ref: EntityRef<E>) => S): UpdateStatement<E, RecordRow<S>>;
  returning(selector?: (ref: never) => unknown): UpdateStatement<E, unknown> {
    return new UpdateStatement(node({ ...this.node, returning: returningSelection(this.node.source, this.#ref, selector) }), this.#ref);
  }
}

/**
 * Starts an UPDATE of an entity's table.
 * @example
 * await conn.execute(update(User).set({ active: false }).where((u) => u.lastLogin.lt(cutoff)));
 */
export function update<E>(entity: EntityInput<E>): UpdateStatement<E, never> {
  const ref = entityRefOf(entity);
  const source = slotOf(ref)!.source as EntitySource;
  if (source.alias !== undefined) throw new ArgumentError(`update() takes the entity itself, not an alias ('${source.alias}').`);
  return new UpdateStatement(node({ kind: 'update', source, assignments: Object.freeze([]), where: undefined, returning: undefined }), ref);
}

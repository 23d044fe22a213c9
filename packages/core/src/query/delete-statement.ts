/*
 * The DELETE builder: WHERE as in selects, RETURNING where the server has it.
 */
import { ArgumentError } from '../errors/errors';
import { andNodes, requireCondition, resolveCondition } from './condition-input';
import { entityRefOf } from './entity-ref';
import { node, type DeleteNode, type EntitySource } from './query-nodes';
import { slotOf, type EntityInput, type EntityRef, type EntityRow, type RecordRow, type Selection } from './query-types';
import { returningSelection } from './returning';
import type { Condition } from './select-statement';
import { Statement } from './statement';

/**
 * A DELETE statement. Made by `deleteFrom(Entity)`.
 * @example
 * const { rowCount } = await conn.execute(deleteFrom(Session).where((s) => s.expiresAt.lt(new Date())));
 */
export class DeleteStatement<E, Row = never> extends Statement<Row> {
  readonly node: DeleteNode;
  readonly #ref: EntityRef<E>;

  constructor(deleteNode: DeleteNode, ref: EntityRef<E>) {
    super();
    this.node = deleteNode;
    this.#ref = ref;
    Object.freeze(this);
  }

  /**
   * Adds a WHERE condition; several calls are ANDed. An empty condition (`{}`, `undefined`,
   * a callback returning nothing) raises ArgumentError instead of deleting every row: a filter
   * built from a request can come out empty. Delete every row on purpose with `all()`.
   */
  where(condition: Condition<[EntityRef<E>]>): DeleteStatement<E, Row> {
    const entity = this.node.source.entity.name;
    const added = requireCondition(resolveCondition(condition, [this.#ref], 'deleteFrom().where()'), `deleteFrom(${entity}).where()`, `deleteFrom(${entity}).all()`);
    return new DeleteStatement(node({ ...this.node, where: andNodes(this.node.where, added) }), this.#ref);
  }

  /**
   * Deletes every row of the table, on purpose: without `where()` or `all()` the statement is
   * refused when it is compiled.
   * @example
   * await engine.execute(deleteFrom(AuditLog).all());
   */
  all(): DeleteStatement<E, Row> {
    return new DeleteStatement(node({ ...this.node, everyRow: true }), this.#ref);
  }

  /** RETURNING every column of the deleted rows, or the record the callback names. Needs a server with RETURNING. */
  returning(): DeleteStatement<E, EntityRow<E>>;
  returning<S extends Selection>(selector: (ref: EntityRef<E>) => S): DeleteStatement<E, RecordRow<S>>;
  returning(selector?: (ref: never) => unknown): DeleteStatement<E, unknown> {
    return new DeleteStatement(node({ ...this.node, returning: returningSelection(this.node.source, this.#ref, selector) }), this.#ref);
  }
}

/**
 * Starts a DELETE from an entity's table.
 * @example
 * await conn.execute(deleteFrom(User).where({ id: 7 }));
 */
export function deleteFrom<E>(entity: EntityInput<E>): DeleteStatement<E, never> {
  const ref = entityRefOf(entity);
  const source = slotOf(ref)!.source as EntitySource;
  if (source.alias !== undefined) throw new ArgumentError(`deleteFrom() takes the entity itself, not an alias ('${source.alias}').`);
  return new DeleteStatement(node({ kind: 'delete', source, where: undefined, returning: undefined }), ref);
}

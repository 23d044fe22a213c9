/*
 * A relationship property of an entity reference (`u.posts`, `p.author`): a join target
 * that knows its ON condition from the foreign key, and, on the owning to-one side, a
 * comparable value (`p.author.eq(u)`, `p.author.eq(3)`).
 */
import { ArgumentError } from '../errors/errors';
import type { RelationMetadata } from '../metadata/entity-metadata';
import { SqlFragment } from '../sql/sql-fragment';
import { Expr, operandNode, type Predicate } from './expression';
import { node, type EntitySource, type ExprNode, type FromSource, type TableSource } from './query-nodes';
import { slotOf } from './query-types';
import { columnNode } from './result-columns';

/** One step of a relationship join: a source and its ON condition. */
export interface JoinStep {
  readonly source: FromSource;
  readonly on: ExprNode;
}

/**
 * A relationship of an entity in a query. Pass it to `join` / `leftJoin` to join on the
 * foreign key; compare the owning side of a to-one with `eq`.
 * @example
 * select(User).join((u) => u.posts).where((u, p) => p.title.like('%sql%'));
 * select(Post).where((p) => p.author.eq(42));
 */
export class RelationRef<E> {
  readonly relation: RelationMetadata;
  /** The source the relationship starts from. */
  readonly parent: EntitySource;
  /** The related entity type; a compile-time marker only. */
  declare readonly targetType?: E;

  constructor(parent: EntitySource, relation: RelationMetadata) {
    this.parent = parent;
    this.relation = relation;
    Object.freeze(this);
  }

  /**
   * The related row is `other`: a reference to the target entity (joins the keys), an
   * object holding the target's key properties, the key itself, or an expression giving
   * it (`t.authorId`). `eq(null)` is IS NULL.
   */
  eq(other: unknown): Predicate {
    if (other === null) return this.isNull();
    return new Expr(this.#keyComparison(other));
  }

  /** The related row is not `other`. */
  ne(other: unknown): Predicate {
    if (other === null) return this.isNotNull();
    return new Expr(node({ kind: 'not', item: this.#keyComparison(other) }));
  }

  /** The foreign key is NULL (owning to-one side only). */
  isNull(): Predicate {
    return new Expr(all(this.#ownerKeys('isNull()').map((fk) => node({ kind: 'null-check', item: columnNode(this.parent, fk.column), negated: false }))));
  }

  /** The foreign key is not NULL (owning to-one side only). */
  isNotNull(): Predicate {
    return new Expr(all(this.#ownerKeys('isNotNull()').map((fk) => node({ kind: 'null-check', item: columnNode(this.parent, fk.column), negated: true }))));
  }

  /** The joins that reach `target` (an association table first for a many-to-many). */
  joinSteps(target: EntitySource): JoinStep[] {
    const { relation, parent } = this;
    const joinTable = relation.joinTable;
    if (joinTable) {
      const link: TableSource = node({ kind: 'table', table: joinTable.tableName, alias: target.alias ? `${target.alias}_${joinTable.tableName}` : undefined });
      const linkColumn = (name: string): ExprNode => node({ kind: 'column', source: link, name });
      return [
        { source: link, on: all(joinTable.ownerColumns.map((c) => equals(linkColumn(c.name), columnNode(parent, c.referenced)))) },
        { source: target, on: all(joinTable.targetColumns.map((c) => equals(columnNode(target, c.referenced), linkColumn(c.name)))) },
      ];
    }
    return [{ source: target, on: this.#keysBetween(target) }];
  }

  /** Equalities between the foreign key and the key it references, with the target at `target`. */
  #keysBetween(target: EntitySource): ExprNode {
    const { relation, parent } = this;
    const pairs = relation.foreignKey.map((fk) =>
      relation.owner ? equals(columnNode(parent, fk.column), columnNode(target, fk.referenced)) : equals(columnNode(target, fk.column), columnNode(parent, fk.referenced)),
    );
    return all(pairs);
  }

  #keyComparison(other: unknown): ExprNode {
    const slot = slotOf(other);
    if (slot) {
      if (slot.kind !== 'entity' || slot.source.kind !== 'entity' || slot.source.entity !== this.relation.target) {
        throw new ArgumentError(`${this.#where()}.eq() takes a reference to ${this.relation.target.name}, its key, or an object with its key properties.`);
      }
      if (this.relation.joinTable || this.relation.isCollection) throw this.#collectionError('eq()');
      return this.#keysBetween(slot.source);
    }
    const keys = this.#ownerKeys('eq()');
    if (other === undefined) throw new ArgumentError(`${this.#where()}.eq() got undefined; pass null to test for no related row.`);
    if (typeof other !== 'object' || other instanceof Date || other instanceof Expr || other instanceof SqlFragment) {
      if (keys.length !== 1) throw new ArgumentError(`${this.#where()} has a composite key; compare with an object holding every key property.`);
      return equals(columnNode(this.parent, keys[0]!.column), operandNode(other, columnNode(this.parent, keys[0]!.column)));
    }
    return all(
      keys.map((fk) => {
        const property = fk.referenced.propertyName ?? fk.referenced.columnName;
        const value = (other as Record<string, unknown>)[property];
        if (value === undefined) throw new ArgumentError(`${this.#where()}.eq(): the object has no '${property}' (the key of ${this.relation.target.name}).`);
        return value === null
          ? node({ kind: 'null-check', item: columnNode(this.parent, fk.column), negated: false })
          : equals(columnNode(this.parent, fk.column), node({ kind: 'param', value, column: fk.column }));
      }),
    );
  }

  #ownerKeys(what: string): RelationMetadata['foreignKey'] {
    const { relation } = this;
    if (relation.owner && !relation.joinTable && relation.foreignKey.length > 0) return relation.foreignKey;
    if (relation.isCollection) throw this.#collectionError(what);
    throw new ArgumentError(
      `${this.#where()}.${what}: the foreign key is on ${relation.target.name}; compare from that side (${relation.target.name}.${relation.inverse?.propertyName ?? '...'}) or pass a reference to ${relation.target.name}.`,
    );
  }

  #collectionError(what: string): ArgumentError {
    return new ArgumentError(`${this.#where()} is a collection, so ${what} does not apply; join it or test it with exists(select(...)).`);
  }

  #where(): string {
    return `${this.relation.entity.name}.${this.relation.propertyName}`;
  }
}

function equals(left: ExprNode, right: ExprNode): ExprNode {
  return node({ kind: 'binary', op: 'eq', left, right });
}

function all(items: ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : node({ kind: 'logical', op: 'and', items: Object.freeze(items) });
}

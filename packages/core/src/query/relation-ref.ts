/*
 * A relationship property of an entity reference (`u.posts`, `p.author`): a join target
 * that knows its ON condition from the foreign key, and, on the owning to-one side, a
 * comparable value (`p.author.eq(u)`, `p.author.eq(3)`, `p.author.in([u1, u2])`).
 */
import { ArgumentError } from '../errors/errors';
import type { RelationMetadata } from '../metadata/entity-metadata';
import { SqlFragment } from '../sql/sql-fragment';
import { describe, Expr, operandNode, queryNodeOf, type Predicate, type QueryHolder } from './expression';
import { node, type EntitySource, type ExprNode, type FromSource, type TableSource } from './query-nodes';
import { slotOf, type EntityRef, type RelatedMatch } from './query-types';
import { columnNode } from './result-columns';

/** One step of a relationship join: a source and its ON condition. */
export interface JoinStep {
  readonly source: FromSource;
  readonly on: ExprNode;
}

/**
 * A relationship of an entity in a query. Pass it to `join` / `leftJoin` to join on the
 * foreign key; compare the owning side of a to-one (many-to-one, or the one-to-one side
 * holding the foreign key) with `eq`, `ne`, `in`, `notIn`, `isNull`. A collection is not
 * comparable: join it, or test it with `exists(select(...))`.
 * @example
 * select(User).join((u) => u.posts).where((u, p) => p.title.like('%sql%'));
 * select(Post).where((p) => p.author.eq(42));
 * select(Post).where((p) => p.author.in([ann, bob]));
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
   * The related row is `other`: a reference to the target entity (joins the keys), a
   * target object or an object holding the target's key properties, the key itself (a
   * tuple in key order for a composite key), or an expression giving it (`t.authorId`).
   * `eq(null)` is IS NULL. Values are bound parameters.
   */
  eq(other: RelatedMatch<E> | EntityRef<E> | Expr<unknown> | null): Predicate {
    if (other === null) return this.isNull();
    return new Expr(this.#keyComparison(other, 'eq()'));
  }

  /** The related row is not `other` (any form `eq` takes); `ne(null)` is IS NOT NULL. */
  ne(other: RelatedMatch<E> | EntityRef<E> | Expr<unknown> | null): Predicate {
    if (other === null) return this.isNotNull();
    return new Expr(node({ kind: 'not', item: this.#keyComparison(other, 'ne()') }));
  }

  /**
   * The related row is one of `others`: target objects, keys, objects holding the key
   * properties, or tuples for a composite key, mixed freely; or a `select(...)` of one
   * column for a single-column key. An empty list matches nothing. An object that has no
   * key yet (new, not flushed) raises ArgumentError. Values are bound parameters.
   * @example
   * select(Post).where((p) => p.author.in([ann, bob]));
   * select(Post).where((p) => p.author.in([1, 2]));
   * select(City).where((c) => c.region.in([['se', 'ab'], ['no', 'os']]));
   */
  in(others: readonly RelatedMatch<E>[] | QueryHolder): Predicate {
    return this.#in(others, { negated: false }, 'in()');
  }

  /** The related row is none of `others` (any form `in` takes); an empty list matches every row. */
  notIn(others: readonly RelatedMatch<E>[] | QueryHolder): Predicate {
    return this.#in(others, { negated: true }, 'notIn()');
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

  #keyComparison(other: unknown, what: string): ExprNode {
    const slot = slotOf(other);
    if (slot) {
      if (slot.kind !== 'entity' || slot.source.kind !== 'entity' || slot.source.entity !== this.relation.target) {
        throw new ArgumentError(`${this.#where()}.${what} takes a reference to ${this.relation.target.name}, a ${this.relation.target.name} object, its key, or an object with its key properties.`);
      }
      if (this.relation.joinTable || this.relation.isCollection) throw this.#collectionError(what);
      return this.#keysBetween(slot.source);
    }
    const keys = this.#ownerKeys(what);
    if (Array.isArray(other) && keys.length === 1) {
      throw new ArgumentError(`${this.#where()}.${what} got an array; to match any of several ${this.relation.target.name} rows use ${what === 'ne()' ? 'notIn' : 'in'}([...]).`);
    }
    const values = this.#keyValues(other, keys, what);
    return all(keys.map((fk, i) => this.#columnIs(fk.column, values[i])));
  }

  #in(others: readonly unknown[] | QueryHolder, form: { readonly negated: boolean }, what: string): Predicate {
    const { negated } = form;
    const keys = this.#ownerKeys(what);
    if (!Array.isArray(others)) {
      if (!queryNodeOf(others)) throw new ArgumentError(`${this.#where()}.${what} takes a list of ${this.relation.target.name} objects or keys; got ${describe(others)}.`);
      if (keys.length !== 1) throw new ArgumentError(`${this.#where()}.${what}: ${this.#compositeKey()}, so a subquery cannot give it; pass a list of tuples or objects.`);
      const column = new Expr<unknown>(columnNode(this.parent, keys[0]!.column));
      return negated ? column.notIn(others) : column.in(others);
    }
    const rows = others.map((other) => this.#keyValues(other, keys, what));
    if (keys.length === 1) {
      const item = columnNode(this.parent, keys[0]!.column);
      const list = Object.freeze(rows.map(([value]) => operandNode(value, item)));
      return new Expr(node({ kind: 'in', item, list, negated }));
    }
    // A composite key: (a = ? AND b = ?) OR ...; an empty list matches nothing (NOT: everything).
    if (rows.length === 0) return new Expr(node({ kind: 'boolean', value: negated }));
    const matches = rows.map((values) => all(keys.map((fk, i) => this.#columnIs(fk.column, values[i]))));
    const any: ExprNode = matches.length === 1 ? matches[0]! : node({ kind: 'logical' as const, op: 'or' as const, items: Object.freeze(matches) });
    return new Expr(negated ? node({ kind: 'not', item: any }) : any);
  }

  /** The key values `other` stands for, one per foreign-key column: from a key, a tuple, or an object. */
  #keyValues(other: unknown, keys: RelationMetadata['foreignKey'], what: string): readonly unknown[] {
    const target = this.relation.target;
    if (other === undefined) throw new ArgumentError(`${this.#where()}.${what} got undefined; pass null to test for no related row.`);
    if (slotOf(other)) throw new ArgumentError(`${this.#where()}.${what} takes ${target.name} objects or keys, not a query reference; compare with a reference through eq().`);
    if (Array.isArray(other)) {
      if (keys.length === 1) throw new ArgumentError(`${this.#where()}.${what}: an item is an array, but the key of ${target.name} is one column; pass the key values themselves, e.g. in([1, 2]).`);
      if (other.length !== keys.length) throw new ArgumentError(`${this.#where()}.${what}: ${this.#compositeKey()}; a tuple needs ${keys.length} values in that order, got ${other.length}.`);
      return other;
    }
    if (other === null || typeof other !== 'object' || other instanceof Date || other instanceof Expr || other instanceof SqlFragment) {
      if (keys.length !== 1) throw new ArgumentError(`${this.#where()}.${what}: ${this.#compositeKey()}; pass a tuple of the values in that order, or an object holding them.`);
      return [other];
    }
    return keys.map((fk) => {
      const property = fk.referenced.propertyName ?? fk.referenced.columnName;
      const value = (other as Record<string, unknown>)[property];
      if (value !== undefined) return value;
      if (other instanceof target.target) {
        throw new ArgumentError(
          `${this.#where()}.${what}: this ${target.name} has no key yet (it is new and not flushed), so no row can match it. ` +
            'Flush the session first (session.flush()), or compare with an object that has its key.',
        );
      }
      throw new ArgumentError(`${this.#where()}.${what}: the object has no '${property}' (the key of ${target.name}); pass a ${target.name} object, its key, or an object with '${property}'.`);
    });
  }

  /** column = value, bound; a NULL key value is IS NULL. */
  #columnIs(column: RelationMetadata['foreignKey'][number]['column'], value: unknown): ExprNode {
    const item = columnNode(this.parent, column);
    return value === null ? node({ kind: 'null-check', item, negated: false }) : equals(item, operandNode(value, item));
  }

  #compositeKey(): string {
    const names = this.relation.foreignKey.map((fk) => fk.referenced.propertyName ?? fk.referenced.columnName);
    return `the key of ${this.relation.target.name} has ${names.length} columns (${names.join(', ')})`;
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

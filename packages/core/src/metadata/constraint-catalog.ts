/*
 * The named constraints a set of entities declares, as the DDL creates them: primary keys,
 * unique constraints and unique indexes, foreign keys (association tables' included) and
 * checks. Error translation looks violations up here, by name or by table and columns.
 */
import type { ReferentialAction } from './declarations';
import type { EntityMetadata } from './entity-metadata';

/** One named constraint of the model. */
export interface KnownConstraint {
  readonly kind: 'primary' | 'unique' | 'foreign_key' | 'check';
  readonly name: string;
  /** The table it is declared on (a foreign key: the referencing table). */
  readonly table: string;
  /** Its columns in order; empty for a check. */
  readonly columns: readonly string[];
  /** Foreign keys: the referenced table and what deleting a referenced row does. */
  readonly referencedTable?: string;
  readonly onDelete?: ReferentialAction;
}

const catalogs = new WeakMap<readonly EntityMetadata[], ConstraintCatalog>();

/**
 * The constraints of a list of entities, looked up by name or by table. Built once per
 * list (lists are compared by identity, so pass the same array each time).
 * @example
 * ConstraintCatalog.of(registry.entities).covering('users', 'unique', ['email'])?.name; // 'uq_users_email'
 */
export class ConstraintCatalog {
  readonly #byTable = new Map<string, KnownConstraint[]>();
  readonly #entities = new Map<string, EntityMetadata>();

  /** The catalog of `entities`, cached per array. */
  static of(entities: readonly EntityMetadata[]): ConstraintCatalog {
    let catalog = catalogs.get(entities);
    if (!catalog) catalogs.set(entities, (catalog = new ConstraintCatalog(entities)));
    return catalog;
  }

  constructor(entities: readonly EntityMetadata[]) {
    for (const entity of entities) this.#addEntity(entity);
  }

  /** True when some entity (or association table) of the catalog is stored in `table`. */
  has(table: string): boolean {
    return this.#byTable.has(table);
  }

  /** The entity stored in `table`; undefined for an implicit association table or an unknown one. */
  entity(table: string): EntityMetadata | undefined {
    return this.#entities.get(table);
  }

  /** The constraint called `name`, on `table` when given; undefined when unknown or when several tables have one so named. */
  named(name: string, table?: string): KnownConstraint | undefined {
    const lists = table === undefined ? [...this.#byTable.values()] : [this.#byTable.get(table) ?? []];
    const found = lists.flatMap((list) => list.filter((c) => c.name === name));
    return found.length === 1 ? found[0] : undefined;
  }

  /** The table's primary key. */
  primaryKey(table: string): KnownConstraint | undefined {
    return this.#byTable.get(table)?.find((c) => c.kind === 'primary');
  }

  /**
   * The primary key or unique constraint (or unique index) over exactly these columns, in any
   * order; undefined when none or more than one is.
   */
  covering(table: string, columns: readonly string[]): KnownConstraint | undefined {
    const wanted = [...columns].sort().join('\u0000');
    const found = (this.#byTable.get(table) ?? []).filter((c) => (c.kind === 'primary' || c.kind === 'unique') && [...c.columns].sort().join('\u0000') === wanted);
    return found.length === 1 ? found[0] : undefined;
  }

  /** The foreign keys declared on `table`. */
  foreignKeysOf(table: string): KnownConstraint[] {
    return (this.#byTable.get(table) ?? []).filter((c) => c.kind === 'foreign_key');
  }

  /** The foreign keys of every table that reference `table`. */
  referencing(table: string): KnownConstraint[] {
    return [...this.#byTable.values()].flatMap((list) => list.filter((c) => c.kind === 'foreign_key' && c.referencedTable === table));
  }

  #add(constraint: KnownConstraint): void {
    let list = this.#byTable.get(constraint.table);
    if (!list) this.#byTable.set(constraint.table, (list = []));
    // An association entity's table is seen through the entity and through the many-to-many: keep one of each name.
    if (!list.some((c) => c.name === constraint.name)) list.push(Object.freeze(constraint));
  }

  #addEntity(entity: EntityMetadata): void {
    // The unit of work's stand-in for an implicit association table has no class: its table comes from the many-to-many.
    if (entity.target === Object) return;
    const table = entity.tableName;
    this.#entities.set(table, entity);
    this.#add({ kind: 'primary', name: entity.primaryKeyName, table, columns: entity.primaryKey.map((c) => c.columnName) });
    for (const unique of entity.uniques) this.#add({ kind: 'unique', name: unique.name, table, columns: unique.columns });
    for (const index of entity.indexes) if (index.unique) this.#add({ kind: 'unique', name: index.name, table, columns: index.columns });
    for (const check of entity.checks) this.#add({ kind: 'check', name: check.name, table, columns: [] });
    for (const relation of entity.relations) {
      if (relation.owner && relation.foreignKeyName !== undefined && !relation.joinTable) {
        this.#add({
          kind: 'foreign_key',
          name: relation.foreignKeyName,
          table,
          columns: relation.foreignKey.map((fk) => fk.column.columnName),
          referencedTable: relation.target.tableName,
          onDelete: relation.onDelete,
        });
      }
      const join = relation.joinTable;
      if (!relation.owner || !join || join.entity) continue;
      const columns = [...join.ownerColumns, ...join.targetColumns].map((c) => c.name);
      this.#add({ kind: 'primary', name: join.primaryKeyName, table: join.tableName, columns });
      // The association table's keys cascade: deleting either side removes the pairs.
      this.#add({ kind: 'foreign_key', name: join.ownerForeignKeyName, table: join.tableName, columns: join.ownerColumns.map((c) => c.name), referencedTable: table, onDelete: 'CASCADE' });
      this.#add({ kind: 'foreign_key', name: join.targetForeignKeyName, table: join.tableName, columns: join.targetColumns.map((c) => c.name), referencedTable: relation.target.tableName, onDelete: 'CASCADE' });
    }
  }
}

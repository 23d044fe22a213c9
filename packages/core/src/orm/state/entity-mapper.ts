/*
 * Per-entity facts the ORM needs on every row and every attribute access, computed once:
 * column and relationship positions, the primary-key positions, identity keys, and the
 * instrumented prototype. Nothing here looks at metadata per row.
 */
import { inspect, types } from 'node:util';
import { ArgumentError } from '../../errors/errors';
import { inspectView, type InspectStyling } from '../../engine/inspect-view';
import type { ColumnMetadata, EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import { installPlaceholders, instrument } from './instrument';
import { keyText } from './key-text';
import { setMetadataHooks } from '../../metadata/declarations';
import { defaultRegistry } from '../../metadata/entity-registry';
import { InstanceState, setState, stateOf, UNLOADED, type ObjectStatus } from './instance-state';

const mappers = new WeakMap<EntityMetadata, EntityMapper>();

/** Where an owning to-one's foreign key finds its target's primary key. */
export interface ForeignKeyTarget {
  readonly mapper: EntityMapper;
  readonly from: readonly number[];
  readonly to: readonly number[];
}

/** The ORM's compiled view of one entity. Get it with `EntityMapper.for(metadata)`. */
export class EntityMapper {
  readonly metadata: EntityMetadata;
  /** Every column, foreign keys without a property included, in table order. */
  readonly columns: readonly ColumnMetadata[];
  readonly relations: readonly RelationMetadata[];
  /** Positions of the primary-key columns in `columns`. */
  readonly keyIndexes: readonly number[];
  /** Each column's key in the row objects the engine returns: the property, or the column name of a bare foreign key. */
  readonly bagKeys: readonly string[];
  readonly #columnIndex: ReadonlyMap<string, number>;
  readonly #relationIndex: ReadonlyMap<string, number>;
  readonly #prototype: object;
  /**
   * One object shaped like every loaded instance, kept for the mapper's lifetime. V8 holds
   * the hidden class of `Object.create(prototype)` (and its transition to the state
   * slot) only weakly: without a live instance a garbage collection drops it, the next
   * load makes a new one, and every property access site that saw the old one turns
   * polymorphic, then megamorphic. Keeping one alive keeps loaded objects on one shape.
   */
  readonly #shapeAnchor: object;
  readonly #unloaded: readonly unknown[];
  #keyTargets: (ForeignKeyTarget | undefined)[] | undefined;

  private constructor(metadata: EntityMetadata) {
    this.metadata = metadata;
    this.columns = metadata.columns;
    this.relations = metadata.relations;
    this.keyIndexes = metadata.columns.flatMap((c, i) => (c.primary ? [i] : []));
    this.bagKeys = metadata.columns.map((c) => c.propertyName ?? c.columnName);
    this.#columnIndex = new Map(metadata.columns.flatMap((c, i) => (c.propertyName === undefined ? [] : [[c.propertyName, i] as const])));
    this.#relationIndex = new Map(metadata.relations.map((r, i) => [r.propertyName, i] as const));
    this.#prototype = (metadata.target as { prototype: object }).prototype;
    this.#unloaded = new Array<unknown>(metadata.relations.length).fill(UNLOADED);
    this.#shapeAnchor = Object.create(this.#prototype) as object;
    setState(this.#shapeAnchor, undefined);
  }

  /** The mapper of an entity, built (and its class instrumented) on first use. */
  static for(metadata: EntityMetadata): EntityMapper {
    let mapper = mappers.get(metadata);
    if (!mapper) {
      mapper = new EntityMapper(metadata);
      mappers.set(metadata, mapper);
      instrument(mapper);
    }
    return mapper;
  }

  /** What `console.log(mapper)` shows: the entity and its table, not the metadata graph. */
  [inspect.custom](depth: number | null, options: InspectStyling): string {
    return inspectView('EntityMapper', { entity: this.metadata.name, table: this.metadata.tableName }, depth, options);
  }

  /** True for a primary-key or version column: the ones an UPDATE uses to find its row. */
  locatesRow(index: number): boolean {
    const column = this.columns[index];
    return column !== undefined && (column.primary || column.role === 'version');
  }

  /** The position of a mapped column property, or -1. */
  columnIndex(property: string): number {
    return this.#columnIndex.get(property) ?? -1;
  }

  /** The position of a relationship property, or -1. */
  relationIndex(property: string): number {
    return this.#relationIndex.get(property) ?? -1;
  }

  /**
   * For an owning to-one relationship whose foreign key references the target's primary
   * key: the target's mapper and, per key column, the position of the foreign-key value
   * here (`from`) and of the key column there (`to`). Undefined otherwise.
   */
  foreignKeyTarget(relationIndex: number): ForeignKeyTarget | undefined {
    this.#keyTargets ??= this.relations.map((relation) => {
      if (!relation.owner || relation.joinTable || relation.foreignKey.length === 0) return undefined;
      const target = EntityMapper.for(relation.target);
      const to = relation.foreignKey.map((fk) => target.columns.indexOf(fk.referenced));
      const key = new Set(target.keyIndexes);
      if (to.length !== key.size || to.some((i) => !key.has(i))) return undefined;
      return Object.freeze({ mapper: target, from: relation.foreignKey.map((fk) => this.columns.indexOf(fk.column)), to });
    });
    return this.#keyTargets[relationIndex];
  }

  /** A fresh relationship array with every slot unloaded. */
  unloadedRelations(): unknown[] {
    return this.#unloaded.slice();
  }

  /** An instance built from column values (a loaded row), without running the constructor. */
  materialize(values: unknown[], status: ObjectStatus): InstanceState {
    const object = Object.create(this.#prototype) as object;
    const state = new InstanceState(this, object, values, status);
    setState(object, state);
    return state;
  }

  /** The state of an object of this entity, creating a transient one for an object built with `new`; refuses a Proxy (see StateSlot). */
  attach(object: object): InstanceState {
    const existing = stateOf(object);
    if (existing) return existing;
    if (types.isProxy(object)) {
      throw new ArgumentError(
        `A ${this.metadata.name} was used through a Proxy. Strata keeps an object's state in a private slot of the object itself, which a Proxy does not pass on; ` +
          'give Strata the object itself (e.g. toRaw(obj) for a Vue reactive object).',
      );
    }
    const state = new InstanceState(this, object, new Array<unknown>(this.columns.length).fill(undefined), 'transient');
    setState(object, state);
    return state;
  }

  /** The identity-map key for a row's values: the key value itself, or a composite text. */
  identityKey(values: readonly unknown[]): unknown {
    const indexes = this.keyIndexes;
    if (indexes.length === 1) return values[indexes[0]!];
    return keyText(indexes.map((i) => values[i]));
  }

  /** True when every primary-key column has a value. */
  hasIdentity(values: readonly unknown[]): boolean {
    for (const i of this.keyIndexes) if (values[i] === undefined || values[i] === null) return false;
    return true;
  }
}

// Mapped classes get their accessors as soon as they are declared (placeholders) and when
// metadata is resolved for them (the real ones), before any session sees an object.
setMetadataHooks({
  entityDeclared: (target) => installPlaceholders(target, (t) => void EntityMapper.for(defaultRegistry().entity(t))),
  metadataBuilt: (entities) => {
    for (const entity of entities) EntityMapper.for(entity);
  },
});

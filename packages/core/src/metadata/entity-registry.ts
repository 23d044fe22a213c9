/*
 * A set of entity classes and their resolved metadata, and the default registry that the
 * query layer and the ORM resolve classes in. Resolution is lazy and redone when more
 * classes are declared, so decorators can run in any import order.
 */
import { MetadataError } from '../errors/errors';
import { DeclaredModel } from './declared-model';
import type { EntityMetadata } from './entity-metadata';
import { buildMetadata } from './metadata-builder';
import { SnakeCaseNamingStrategy, type NamingStrategy } from './naming-strategy';

/** Options of a registry. */
export interface RegistryOptions {
  /** How names are chosen. Default: snake_case. */
  naming?: NamingStrategy;
}

/** Every declared class under the default naming, shared by the registries made without a list or a naming strategy. */
const sharedModel = new DeclaredModel(new SnakeCaseNamingStrategy());
const onSharedModel = new WeakSet<EntityRegistry>();

/**
 * Entity classes and their metadata. `MetaData` (in schema) adds DDL on top.
 *
 * Without a class list, a registry holds every class decorated with `@Entity` and resolves
 * it together with the classes linked to it by relationships (its connected component):
 * an entity declared wrongly raises its error there and in the entities linked to it, while
 * unrelated entities keep working. Such registries without a naming strategy share one set
 * of metadata objects. With a class list, the classes are resolved together and fail
 * together: the list names one model, and one mistake in it makes every lookup raise.
 */
export class EntityRegistry {
  readonly naming: NamingStrategy;
  readonly #explicit: readonly Function[] | undefined;
  readonly #declared: DeclaredModel | undefined;
  #built: Map<Function, EntityMetadata> | undefined;

  /** With `classes`, exactly those entities; without, every class decorated with `@Entity`. */
  constructor(classes?: readonly Function[], options: RegistryOptions = {}) {
    if (classes) {
      this.#explicit = [...classes];
      this.naming = options.naming ?? new SnakeCaseNamingStrategy();
    } else {
      this.#declared = options.naming ? new DeclaredModel(options.naming) : sharedModel;
      if (!options.naming) onSharedModel.add(this);
      this.naming = this.#declared.naming;
    }
  }

  /** All entities, in declaration order. Throws the error of the first entity that cannot be resolved. */
  get entities(): readonly EntityMetadata[] {
    return this.#declared ? this.#declared.all() : [...this.#resolveList().values()];
  }

  /**
   * The metadata of an entity class. Throws a MetadataError naming the class when it is not
   * mapped here, or the error that keeps it (or an entity linked to it) from resolving.
   */
  entity(target: Function): EntityMetadata {
    const found = this.#find(target);
    if (found) return found;
    throw new MetadataError(
      `${target?.name ?? String(target)} is not a mapped entity${this.#explicit ? ' of this MetaData' : ''}: decorate it with @Entity()` +
        `${this.#explicit ? ' and add it to the MetaData list' : ' and make sure its file is imported before use'}.`,
    );
  }

  /** True when the class is mapped here; throws like `entity()` when it cannot be resolved. */
  has(target: Function): boolean {
    return this.#find(target) !== undefined;
  }

  #find(target: Function): EntityMetadata | undefined {
    return this.#declared ? this.#declared.find(target) : this.#resolveList().get(target);
  }

  #resolveList(): Map<Function, EntityMetadata> {
    // A failure is not kept: each lookup builds again and throws the error afresh.
    this.#built ??= buildMetadata(this.#explicit!, this.naming);
    return this.#built;
  }
}

let installed: EntityRegistry | undefined;
let fallback: EntityRegistry | undefined;

/**
 * The registry entity classes are resolved in when none is given (`select(User)`,
 * `ref(User)`, the session): the schema layer's `metadata`, which installs itself when
 * its module loads. Until then, a plain registry of every declared entity that hands out
 * the same metadata objects, so a class resolves to one EntityMetadata whichever answered.
 */
export function defaultRegistry(): EntityRegistry {
  return installed ?? (fallback ??= new EntityRegistry());
}

/**
 * Makes `registry` the default registry. It must hold every declared entity under the
 * default naming (`new MetaData()`), so metadata resolved before it was installed stays
 * valid; a second, different registry is refused.
 */
export function installDefaultRegistry(registry: EntityRegistry): void {
  if (!onSharedModel.has(registry)) {
    throw new MetadataError('The default registry must hold every declared entity under the default naming: make it without a class list or naming strategy.');
  }
  if (installed !== undefined && installed !== registry) {
    throw new MetadataError('A different default registry is already installed; there is one per process (schema\'s `metadata`). Pass other registries explicitly, e.g. ref(User, registry).');
  }
  installed = registry;
  fallback = undefined;
}

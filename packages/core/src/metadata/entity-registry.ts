/*
 * A set of entity classes and their resolved metadata. Resolution is lazy and redone
 * when more classes are declared, so decorators can run in any import order.
 */
import { MetadataError } from '../errors/errors';
import { declarationVersion, declaredEntityClasses } from './declarations';
import type { EntityMetadata } from './entity-metadata';
import { buildMetadata } from './metadata-builder';
import { SnakeCaseNamingStrategy, type NamingStrategy } from './naming-strategy';

/** Options of a registry. */
export interface RegistryOptions {
  /** How names are chosen. Default: snake_case. */
  naming?: NamingStrategy;
}

/** Entity classes and their metadata. `MetaData` (in schema) adds DDL on top. */
export class EntityRegistry {
  readonly #explicit: readonly Function[] | undefined;
  readonly naming: NamingStrategy;
  #built: Map<Function, EntityMetadata> | undefined;
  #builtAt = -1;

  /** With `classes`, exactly those entities; without, every class decorated with `@Entity`. */
  constructor(classes?: readonly Function[], options: RegistryOptions = {}) {
    this.#explicit = classes ? [...classes] : undefined;
    this.naming = options.naming ?? new SnakeCaseNamingStrategy();
  }

  /** All entities, in declaration order. */
  get entities(): readonly EntityMetadata[] {
    return [...this.#resolve().values()];
  }

  /** The metadata of an entity class; throws a MetadataError naming the class when it is not mapped here. */
  entity(target: Function): EntityMetadata {
    const found = this.#resolve().get(target);
    if (found) return found;
    throw new MetadataError(
      `${target?.name ?? String(target)} is not a mapped entity${this.#explicit ? ' of this MetaData' : ''}: decorate it with @Entity()` +
        `${this.#explicit ? ' and add it to the MetaData list' : ' and make sure its file is imported before use'}.`,
    );
  }

  /** True when the class is mapped here. */
  has(target: Function): boolean {
    return this.#resolve().has(target);
  }

  #resolve(): Map<Function, EntityMetadata> {
    const version = this.#explicit ? 0 : declarationVersion();
    if (!this.#built || this.#builtAt !== version) {
      this.#built = buildMetadata(this.#explicit ?? declaredEntityClasses(), this.naming);
      this.#builtAt = version;
    }
    return this.#built;
  }
}

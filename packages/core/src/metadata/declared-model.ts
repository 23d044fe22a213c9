/*
 * The metadata of every class declared with @Entity, for registries without a class list.
 * Classes are resolved one connected component at a time, so a mistake in one entity
 * breaks only the entities it is linked to; entity-registry.ts builds on this.
 */
import { declarationVersion, declaredEntityClasses, findDeclaration } from './declarations';
import type { EntityMetadata } from './entity-metadata';
import { buildMetadata, classChain, tableNameOf } from './metadata-builder';
import type { NamingStrategy } from './naming-strategy';

/** Classes that are resolved together, and their metadata once built. */
interface Component {
  readonly classes: readonly Function[];
  built: ReadonlyMap<Function, EntityMetadata> | undefined;
}

/**
 * Every declared entity class, resolved lazily per connected component. A component is
 * re-resolved only when its set of classes changes, so metadata objects stay the same
 * (`===`) for as long as no class is linked to them.
 */
export class DeclaredModel {
  readonly naming: NamingStrategy;
  #components = new Map<Function, Component>();
  #version = -1;

  constructor(naming: NamingStrategy) {
    this.naming = naming;
  }

  /**
   * The metadata of a declared class, or undefined when the class is not declared. Throws
   * the error of the class's component when that cannot be resolved.
   */
  find(target: Function): EntityMetadata | undefined {
    const component = this.#current().get(target);
    return component && this.#build(component).get(target);
  }

  /** Every declared entity, in declaration order; throws the error of the first component that cannot be resolved. */
  all(): EntityMetadata[] {
    const components = this.#current();
    return declaredEntityClasses().map((target) => this.#build(components.get(target)!).get(target)!);
  }

  #current(): Map<Function, Component> {
    const version = declarationVersion();
    if (version !== this.#version) {
      this.#components = regroup(this.#components, connectedComponents(declaredEntityClasses(), this.naming));
      this.#version = version;
    }
    return this.#components;
  }

  #build(component: Component): ReadonlyMap<Function, EntityMetadata> {
    // Failures are not kept: the next call builds again and throws a fresh error.
    component.built ??= buildMetadata(component.classes, this.naming);
    return component.built;
  }
}

/**
 * Splits classes into the groups that must be resolved together: classes linked by a
 * relationship or a `through` entity (declared on them or a base class, in either
 * direction), an entity and its entity base classes, and classes mapped to the same table
 * (so the clash is reported for both). Each group keeps declaration order.
 */
function connectedComponents(classes: readonly Function[], naming: NamingStrategy): Function[][] {
  const index = new Map(classes.map((target, i) => [target, i]));
  const parent = classes.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const join = (a: number, b: number): void => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const tables = new Map<string, number>();
  classes.forEach((target, i) => {
    const table = attempt(() => tableNameOf(target, naming));
    if (table !== undefined) {
      const same = tables.get(table);
      if (same === undefined) tables.set(table, i);
      else join(same, i);
    }
    for (const cls of classChain(target)) {
      const base = index.get(cls);
      if (base !== undefined) join(base, i);
      for (const relation of findDeclaration(cls)?.relations ?? []) {
        for (const thunk of [relation.target, relation.options.through]) {
          const linked = thunk && index.get(attempt(thunk) as Function);
          if (linked !== undefined) join(linked, i);
        }
      }
    }
  });
  const groups = new Map<number, Function[]>();
  classes.forEach((target, i) => {
    const key = root(i);
    const group = groups.get(key);
    if (group) group.push(target);
    else groups.set(key, [target]);
  });
  return [...groups.values()];
}

/** New components for the groups, reusing (with their metadata) those whose classes are unchanged. */
function regroup(previous: ReadonlyMap<Function, Component>, groups: readonly Function[][]): Map<Function, Component> {
  const next = new Map<Function, Component>();
  for (const classes of groups) {
    const old = previous.get(classes[0]!);
    const same = old !== undefined && old.classes.length === classes.length && old.classes.every((c, i) => c === classes[i]);
    const component = same ? old : { classes, built: undefined };
    for (const target of classes) next.set(target, component);
  }
  return next;
}

/**
 * The result of `fn`, or undefined when it throws. A link that cannot be followed yet (a
 * target still in its temporal dead zone) is left out; building the class's component
 * calls it again and reports the error there.
 */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

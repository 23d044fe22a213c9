/*
 * Entity references: the typed objects whose properties are column expressions and
 * relationships (`u.name`, `u.posts`). One per source in a query; `aliased` makes a second
 * one of the same entity for self-joins. Metadata comes from a registry: the default one
 * (schema's `metadata`, every @Entity class) unless one is given.
 */
import { ArgumentError } from '../errors/errors';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { defaultRegistry, type EntityRegistry } from '../metadata/entity-registry';
import { ColumnExpr, describe } from './expression';
import { node, type EntitySource, type ExcludedSource } from './query-nodes';
import { REF, slotOf, type EntityClass, type EntityInput, type EntityRef, type RefSlot } from './query-types';
import { RelationRef } from './relation-ref';
import { columnNode } from './result-columns';

const unaliased = new WeakMap<EntityMetadata, EntityRef<unknown>>();

/**
 * The reference to an entity's table under its own name: the same object callbacks
 * receive, usable to build selections and conditions up front.
 * @example
 * const u = ref(User);
 * const rows = await conn.execute(select({ id: u.id, name: u.name }).where(u.active.eq(true)));
 */
export function ref<E>(entity: EntityClass<E>, registry: EntityRegistry = defaultRegistry()): EntityRef<E> {
  const found = refForEntity(registry.entity(entity), undefined);
  return found as EntityRef<E>;
}

/**
 * A second reference to an entity's table under another name (`users AS boss`), for
 * self-joins and for joining one table twice.
 * @example
 * const boss = aliased(User, 'boss');
 * select(User).join(boss, (u, b) => u.managerId.eq(b.id)).where((u, b) => b.name.eq('Ann'));
 */
export function aliased<E>(entity: EntityInput<E>, alias: string, registry: EntityRegistry = defaultRegistry()): EntityRef<E> {
  checkName(alias, 'aliased()');
  const metadata = entityMetadataOf(entity, registry);
  return buildEntityRef(node({ kind: 'entity', entity: metadata, alias })) as EntityRef<E>;
}

/** The reference for an entity input: a class's own reference, or the reference given. */
export function entityRefOf<E>(input: EntityInput<E>, registry: EntityRegistry = defaultRegistry()): EntityRef<E> {
  if (typeof input === 'function') return ref(input, registry);
  const slot = slotOf(input);
  if (slot?.kind === 'entity' && slot.source.kind === 'entity') return input;
  throw new ArgumentError(`Expected an entity class or a reference made by ref() / aliased(); got ${describe(input)}.`);
}

/** The reference whose columns stand for the row an upsert proposed. */
export function excludedRef<E>(entity: EntityMetadata): EntityRef<E> {
  return buildEntityRef(node({ kind: 'excluded', entity })) as EntityRef<E>;
}

/** The reference for an entity under an alias, or under its own name when alias is undefined. */
export function refForEntity(metadata: EntityMetadata, alias: string | undefined): EntityRef<unknown> {
  if (alias !== undefined) return buildEntityRef(node({ kind: 'entity', entity: metadata, alias: checkName(alias, 'A join alias') }));
  let found = unaliased.get(metadata);
  if (!found) {
    found = buildEntityRef(node({ kind: 'entity', entity: metadata, alias: undefined }));
    unaliased.set(metadata, found);
  }
  return found;
}

/** Refuses names no server accepts, before they reach SQL. */
export function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\u0000')) {
    throw new ArgumentError(`${where} needs a non-empty name without NUL characters; got ${describe(name)}.`);
  }
  return name;
}

function entityMetadataOf(entity: EntityInput<unknown>, registry: EntityRegistry): EntityMetadata {
  const source = slotOf(entity)?.source;
  if (source?.kind === 'entity') return source.entity;
  if (typeof entity === 'function') return registry.entity(entity);
  throw new ArgumentError(`Expected an entity class or a reference made by ref() / aliased(); got ${describe(entity)}.`);
}

function buildEntityRef(source: EntitySource | ExcludedSource): EntityRef<unknown> {
  const target: Record<string | symbol, unknown> = {};
  for (const column of source.entity.columns) {
    if (column.propertyName !== undefined) target[column.propertyName] = new ColumnExpr(columnNode(source, column));
  }
  if (source.kind === 'entity') {
    for (const relation of source.entity.relations) target[relation.propertyName] = new RelationRef(source, relation);
  }
  const slot: RefSlot<unknown, 'entity'> = Object.freeze({ source, kind: 'entity' as const });
  Object.defineProperty(target, REF, { value: slot, enumerable: false });
  return Object.freeze(target) as unknown as EntityRef<unknown>;
}

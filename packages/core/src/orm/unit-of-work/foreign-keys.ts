/*
 * Foreign keys from relationships: a row's key columns take the key of the object its
 * owning to-one relationship (or the collection it joined) points at. Where that object is
 * a new row whose key the database generates, the column is linked to the key's
 * placeholder instead, and the executor fills it once that row is inserted.
 */
import { FlushError } from '../../errors/errors';
import type { RelationMetadata } from '../../metadata/entity-metadata';
import { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, stateOf, type InstanceState } from '../state/instance-state';
import type { GeneratedValue, Placeholders } from './flush-plan';
import type { Membership } from './relationship-changes';

/** Columns of rows linked to placeholders: the values the executor writes into them once known. */
export class KeyLinks {
  /** Per row, its linked columns by index (an array: most rows have one link, and a Map each would cost more). */
  readonly #links = new Map<InstanceState, (GeneratedValue | undefined)[]>();

  constructor(readonly placeholders: Placeholders) {}

  set(state: InstanceState, column: number, value: GeneratedValue): void {
    let columns = this.#links.get(state);
    if (!columns) this.#links.set(state, (columns = new Array<GeneratedValue | undefined>(state.values.length)));
    columns[column] = value;
  }

  clear(state: InstanceState, column: number): void {
    const columns = this.#links.get(state);
    if (columns) columns[column] = undefined;
  }

  /** The linked columns of `state` by index (undefined where a column is not linked), if any ever was. */
  of(state: InstanceState): readonly (GeneratedValue | undefined)[] | undefined {
    return this.#links.get(state);
  }

  /** The value a command binds for column `i` of `state`: its placeholder when linked, else the value it holds. */
  valueOf(state: InstanceState, i: number): unknown {
    return this.#links.get(state)?.[i] ?? state.values[i];
  }
}

/**
 * Sets the state's foreign-key columns from its owning to-one relationships (or the
 * collection it was added to). Returns true when a deferred (post-update) key had to be
 * left NULL because its target is not inserted yet.
 */
export function syncForeignKeys(state: InstanceState, memberships: ReadonlyMap<InstanceState, Membership>, deferred: ReadonlySet<RelationMetadata>, links: KeyLinks): boolean {
  let postponed = false;
  const mapper = state.mapper;
  const relations = mapper.relations;
  for (let index = 0; index < relations.length; index++) {
    const relation = relations[index]!;
    if (!relation.owner || relation.joinTable || relation.foreignKey.length === 0) continue;
    const value = state.relations[index];
    if (isUnloaded(value)) continue;
    const target = value === null || value === undefined ? undefined : stateOf(value);
    if (target && deferred.size > 0 && !target.mapper.hasIdentity(target.values) && deferred.has(relation)) {
      postponed = true;
      continue;
    }
    writeKey(state, relation, target, links);
  }
  const membership = memberships.get(state);
  if (membership) {
    const inverse = membership.relation.inverse;
    const index = inverse ? mapper.relationIndex(inverse.propertyName) : -1;
    // The object's own to-one value wins over the collection it sits in. (The key columns are
    // the same either way: a one-to-many's foreign key is its inverse's.)
    if (index < 0 || isUnloaded(state.relations[index])) writeKey(state, membership.relation, membership.parent, links);
  }
  return postponed;
}

function writeKey(state: InstanceState, relation: RelationMetadata, target: InstanceState | undefined, links: KeyLinks): void {
  const positions = keyPositions(state.mapper, relation);
  for (let k = 0; k < relation.foreignKey.length; k++) {
    const { referenced } = relation.foreignKey[k]!;
    const i = positions.from[k]!;
    const at = target ? (target.mapper === positions.target ? positions.to[k]! : target.mapper.columns.indexOf(referenced)) : -1;
    const value = target ? target.values[at] : null;
    if (target && (value === undefined || value === null)) {
      const placeholder = links.placeholders.of(target, at);
      if (placeholder) {
        links.set(state, i, placeholder);
        continue;
      }
      throw unkeyedTarget(state, relation, target, referenced.propertyName ?? referenced.columnName);
    }
    links.clear(state, i);
    state.write(i, value);
  }
}

/** A relationship points at an object without the key its foreign key needs. */
export function unkeyedTarget(state: InstanceState, relation: RelationMetadata, target: InstanceState, property: string): FlushError {
  return new FlushError(
    `${state.mapper.metadata.name}.${relation.propertyName} points at a ${target.mapper.metadata.name} that has no ${property} yet ` +
      '(it is not in the session, or it is inserted later). Add the related object to the session (cascade save-update does this) before flushing.',
  );
}

/** Sets to NULL the foreign key of a child that left its parent (and joined no other). */
export function unlinkFromParent(state: InstanceState, unparented: ReadonlyMap<InstanceState, RelationMetadata>, links: KeyLinks): void {
  const relation = unparented.get(state);
  if (!relation) return;
  for (const { column } of relation.foreignKey) {
    const i = state.mapper.columns.indexOf(column);
    links.clear(state, i);
    state.write(i, null);
  }
}

/** Where a relationship's foreign-key columns sit here (`from`) and, in the target's mapper, the columns they reference (`to`). */
interface KeyPositions {
  readonly target: EntityMapper;
  readonly from: readonly number[];
  readonly to: readonly number[];
}

const keyPositionCache = new WeakMap<EntityMapper, Map<RelationMetadata, KeyPositions>>();

function keyPositions(mapper: EntityMapper, relation: RelationMetadata): KeyPositions {
  let byRelation = keyPositionCache.get(mapper);
  if (!byRelation) keyPositionCache.set(mapper, (byRelation = new Map<RelationMetadata, KeyPositions>()));
  let positions = byRelation.get(relation);
  if (!positions) {
    const target = EntityMapper.for(relation.target);
    positions = {
      target,
      from: relation.foreignKey.map((fk) => mapper.columns.indexOf(fk.column)),
      to: relation.foreignKey.map((fk) => target.columns.indexOf(fk.referenced)),
    };
    byRelation.set(relation, positions);
  }
  return positions;
}

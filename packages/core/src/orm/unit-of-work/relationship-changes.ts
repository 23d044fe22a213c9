/*
 * The relationship half of a flush, worked out before any statement runs: new objects
 * reached by save-update cascades; what changed in collections (each diffed against its
 * snapshot, so the cost follows the changes); children that joined a parent (their foreign
 * key is set), left one (deleted by delete-orphan, or their key set to NULL, refused with
 * a clear message where the column is NOT NULL); association rows to write and delete; and
 * the objects delete cascades reach, loading unloaded children first unless passiveDeletes.
 */
import { FlushError } from '../../errors/errors';
import type { RelationMetadata } from '../../metadata/entity-metadata';
import { collectionChanges, linkOf } from '../state/collection';
import { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, stateOf, type InstanceState } from '../state/instance-state';
import { keyText } from '../state/key-text';

/** A child that joined a parent's one-to-many collection: its foreign key is set from the parent. */
export interface Membership {
  readonly parent: InstanceState;
  readonly relation: RelationMetadata;
}

/** One row of a many-to-many association table, by the objects on its two sides. */
export interface AssociationPair {
  /** The relationship the change was seen on; `owner` is on its entity's side. */
  readonly relation: RelationMetadata;
  readonly owner: InstanceState;
  readonly target: InstanceState;
}

/** What the writing half of the flush does for relationships. */
export interface RelationshipWork {
  readonly memberships: Map<InstanceState, Membership>;
  /** Children whose foreign key for the relationship must become NULL (they left their parent). */
  readonly unparented: Map<InstanceState, RelationMetadata>;
  readonly pairsAdded: AssociationPair[];
  readonly pairsRemoved: AssociationPair[];
  /** Deleted objects whose association rows go too. */
  readonly associationsCleared: { readonly relation: RelationMetadata; readonly state: InstanceState }[];
  /**
   * Children a delete cascade removes with one DELETE by their foreign key instead of
   * loading them: rows of a leaf entity (nothing cascades from it, no version) nobody loaded.
   */
  readonly bulkDeletes: { readonly relation: RelationMetadata; readonly parents: InstanceState[] }[];
}

/** What preparing needs from the session. */
export interface RelationshipContext {
  readonly pending: ReadonlySet<InstanceState>;
  readonly dirty: ReadonlySet<InstanceState>;
  readonly deleted: ReadonlySet<InstanceState>;
  readonly collections: ReadonlyMap<InstanceState, ReadonlySet<number>>;
  /** Adds an object reached by a save-update cascade; returns its state. */
  cascadeAdd(object: object): InstanceState;
  /** Marks an object for deletion (a pending one just leaves the session). */
  cascadeDelete(state: InstanceState): void;
  /** The database's members of a relationship per parent, without touching the objects. */
  related(parents: readonly InstanceState[], relation: RelationMetadata): Promise<Map<InstanceState, object[]>>;
  /** The objects of an entity the session holds. */
  held(entity: RelationMetadata['target']): Iterable<InstanceState>;
}

/** Works out the relationship changes of one flush. */
export async function prepareRelationships(ctx: RelationshipContext): Promise<RelationshipWork> {
  const work: RelationshipWork = { memberships: new Map(), unparented: new Map(), pairsAdded: [], pairsRemoved: [], associationsCleared: [], bulkDeletes: [] };
  const diffs = await collectionDiffs(ctx);
  followSaveUpdate(ctx, diffs);
  // New objects reached just now may hold collections too.
  for (const state of ctx.pending) {
    const added = newObjectDiffs(state);
    if (added) diffs.set(state, added);
  }
  const removedChildren: { child: InstanceState; parent: InstanceState; relation: RelationMetadata }[] = [];
  for (const [parent, byIndex] of diffs) {
    if (ctx.deleted.has(parent)) continue;
    for (const [index, { added, removed }] of byIndex) {
      const relation = parent.mapper.relations[index]!;
      if (relation.joinTable) {
        for (const object of added) {
          const target = stateOf(object);
          if (target) work.pairsAdded.push({ relation, owner: parent, target });
        }
        for (const object of removed) {
          const target = stateOf(object);
          if (target && target.status === 'persistent') work.pairsRemoved.push({ relation, owner: parent, target });
        }
        continue;
      }
      if (relation.owner) continue;
      const paired = relation.inverse !== undefined;
      for (const object of added) {
        const child = stateOf(object);
        if (!child) continue;
        // A new child whose own to-one already names this parent gets its key from that (the common case of a
        // bidirectional pair); only the others need the membership.
        if (paired && child.status === 'pending' && pointsAt(child, relation, parent)) continue;
        work.memberships.set(child, { parent, relation });
      }
      for (const object of removed) {
        const child = stateOf(object);
        if (child) removedChildren.push({ child, parent, relation });
      }
    }
  }
  for (const { child, parent, relation } of removedChildren) {
    if (ctx.deleted.has(child) || work.memberships.has(child) || movedElsewhere(child, parent, relation)) continue;
    if (relation.cascade.has('delete-orphan')) ctx.cascadeDelete(child);
    else if (child.status === 'persistent') unparent(work, child, relation);
  }
  orphansBySetting(ctx);
  await deleteCascades(ctx, work);
  return work;
}

type Diffs = Map<InstanceState, Map<number, { added: object[]; removed: object[] }>>;

/** Added and removed members of every changed collection; a replaced, never-loaded one is read from the database first. */
async function collectionDiffs(ctx: RelationshipContext): Promise<Diffs> {
  const diffs: Diffs = new Map();
  const unknown = new Map<RelationMetadata, { state: InstanceState; index: number }[]>();
  for (const [state, indexes] of ctx.collections) {
    if (ctx.deleted.has(state) || state.status !== 'persistent') continue;
    for (const index of indexes) {
      const value = state.relations[index];
      const link = linkOf(value);
      if (!link || link.snapshot === undefined) continue;
      if (link.unknownBase && state.status === 'persistent') {
        const relation = state.mapper.relations[index]!;
        let list = unknown.get(relation);
        if (!list) unknown.set(relation, (list = []));
        list.push({ state, index });
        continue;
      }
      const diff = collectionChanges(value as object[], link.snapshot);
      // A noLoad collection never held the database's members: only its additions mean anything.
      put(diffs, state, index, link.partial ? { added: diff.added, removed: [] } : diff);
    }
  }
  for (const [relation, entries] of unknown) {
    const base = await ctx.related(entries.map((e) => e.state), relation);
    for (const { state, index } of entries) put(diffs, state, index, collectionChanges(state.relations[index] as object[], base.get(state) ?? []));
  }
  return diffs;
}

function put(diffs: Diffs, state: InstanceState, index: number, diff: { added: object[]; removed: object[] }): void {
  if (diff.added.length === 0 && diff.removed.length === 0) return;
  let byIndex = diffs.get(state);
  if (!byIndex) diffs.set(state, (byIndex = new Map<number, { added: object[]; removed: object[] }>()));
  byIndex.set(index, diff);
}

/** A new object's collections: every member is an addition. Undefined when it has none with members. */
function newObjectDiffs(state: InstanceState): Map<number, { added: object[]; removed: object[] }> | undefined {
  let out: Map<number, { added: object[]; removed: object[] }> | undefined;
  const relations = state.mapper.relations;
  for (let index = 0; index < relations.length; index++) {
    const value = state.relations[index];
    if (!relations[index]!.isCollection || isUnloaded(value) || !Array.isArray(value) || value.length === 0) continue;
    (out ??= new Map()).set(index, { added: [...new Set(value as object[])], removed: NONE });
  }
  return out;
}

const NONE: object[] = [];

/**
 * save-update: objects new to the session reached from new objects (through any loaded
 * relationship), from changed objects' to-one values, and from collection additions.
 */
function followSaveUpdate(ctx: RelationshipContext, diffs: Diffs): void {
  const queue: InstanceState[] = [...ctx.pending];
  const reach = (relation: RelationMetadata, object: unknown): void => {
    if (object === null || typeof object !== 'object') return;
    const state = stateOf(object);
    // New objects, and detached ones (loaded by another session) being put back.
    if (state && state.status !== 'transient' && !(state.status === 'detached' && state.session === undefined)) return;
    if (!relation.cascade.has('save-update')) return;
    queue.push(ctx.cascadeAdd(object));
  };
  for (const state of ctx.dirty) {
    state.mapper.relations.forEach((relation, index) => {
      const value = state.relations[index];
      if (!relation.isCollection && !isUnloaded(value)) reach(relation, value);
    });
  }
  for (const [state, byIndex] of diffs) for (const [index, diff] of byIndex) for (const object of diff.added) reach(state.mapper.relations[index]!, object);
  const seen = new Set<InstanceState>();
  while (queue.length > 0) {
    const state = queue.pop()!;
    if (seen.has(state)) continue;
    seen.add(state);
    const relations = state.mapper.relations;
    for (let index = 0; index < relations.length; index++) {
      const value = state.relations[index];
      if (isUnloaded(value) || value === null || value === undefined) continue;
      if (!Array.isArray(value)) {
        reach(relations[index]!, value);
        continue;
      }
      for (let k = 0; k < value.length; k++) reach(relations[index]!, value[k]);
    }
  }
}

/** True when a child's to-one side of a one-to-many (its inverse) holds `parent`'s object. */
function pointsAt(child: InstanceState, relation: RelationMetadata, parent: InstanceState): boolean {
  const j = child.mapper.relationIndex(relation.inverse!.propertyName);
  return j >= 0 && child.relations[j] === parent.object;
}

/** True when a child removed from `parent`'s collection now points at another parent. */
function movedElsewhere(child: InstanceState, parent: InstanceState, relation: RelationMetadata): boolean {
  if (!relation.inverse) return false;
  const j = child.mapper.relationIndex(relation.inverse.propertyName);
  const value = j < 0 ? undefined : child.relations[j];
  return value !== undefined && !isUnloaded(value) && value !== null && value !== parent.object;
}

/** Records that a child's foreign key for `relation` becomes NULL; refused up front for a NOT NULL key. */
function unparent(work: RelationshipWork, child: InstanceState, relation: RelationMetadata): void {
  const required = relation.foreignKey.filter((fk) => !fk.column.nullable);
  if (required.length > 0) {
    const where = `${relation.entity.name}.${relation.propertyName}`;
    throw new FlushError(
      `A ${child.mapper.metadata.name} (${describeKey(child)}) left ${where}, so its ${required.map((fk) => fk.column.columnName).join(', ')} would become NULL, ` +
        `but ${relation.target.tableName}.${required[0]!.column.columnName} is NOT NULL. Add 'delete-orphan' to the cascade of ${where} to delete children removed from it, ` +
        `give the ${child.mapper.metadata.name} another parent, or delete it explicitly before flushing.`,
    );
  }
  work.unparented.set(child, relation);
}

/**
 * delete-orphan seen from the child's side: a persistent child whose owning to-one was set
 * to null (it had a parent) is deleted when the parent's side cascades delete-orphan.
 */
function orphansBySetting(ctx: RelationshipContext): void {
  for (const state of [...ctx.dirty]) {
    if (state.status !== 'persistent' || ctx.deleted.has(state)) continue;
    const relations = state.mapper.relations;
    for (let i = 0; i < relations.length; i++) {
      const relation = relations[i]!;
      if (!relation.owner || relation.joinTable || !relation.inverse?.cascade.has('delete-orphan') || state.relations[i] !== null) continue;
      const before = state.snapshot ?? state.values;
      const hadParent = relation.foreignKey.every((fk) => {
        const value = before[state.mapper.columns.indexOf(fk.column)];
        return value !== null && value !== undefined;
      });
      if (hadParent) {
        ctx.cascadeDelete(state);
        break;
      }
    }
  }
}

/**
 * Follows delete cascades from every object marked for deletion, wave by wave, reading
 * unloaded children with one statement per relationship and wave. Children a deleted
 * parent leaves behind (no delete cascade) get their key set to NULL, unless the database
 * does it (passiveDeletes, or ON DELETE CASCADE / SET NULL on the key).
 */
async function deleteCascades(ctx: RelationshipContext, work: RelationshipWork): Promise<void> {
  const done = new Set<InstanceState>();
  for (;;) {
    const wave = [...ctx.deleted].filter((s) => !done.has(s) && s.status === 'persistent');
    if (wave.length === 0) return;
    for (const state of wave) done.add(state);
    const toFetch = new Map<RelationMetadata, InstanceState[]>();
    const handle = (state: InstanceState, relation: RelationMetadata, related: readonly object[]): void => {
      const children = related.flatMap((o) => {
        const s = stateOf(o);
        return s ? [s] : [];
      });
      if (relation.cascade.has('delete')) {
        for (const child of children) if (!ctx.deleted.has(child)) ctx.cascadeDelete(child);
        return;
      }
      if (relation.joinTable || relation.owner) return;
      for (const child of children) {
        if (ctx.deleted.has(child) || work.memberships.has(child) || movedElsewhere(child, state, relation)) continue;
        if (child.status === 'persistent') unparentOnDelete(work, state, child, relation);
      }
    };
    for (const state of wave) {
      state.mapper.relations.forEach((relation, index) => {
        if (relation.joinTable && !relation.passiveDeletes) work.associationsCleared.push({ relation, state });
        const databaseHandles = relation.passiveDeletes || (!relation.cascade.has('delete') && keyActionDeletes(relation));
        const cascades = relation.cascade.has('delete');
        if (!cascades && (relation.joinTable || relation.owner || databaseHandles)) return;
        const value = state.relations[index];
        const link = linkOf(value);
        if (!isUnloaded(value) && state.relationFresh(index) && !link?.unknownBase && !link?.partial) {
          handle(state, relation, value === null ? [] : Array.isArray(value) ? value : [value as object]);
          return;
        }
        if (relation.passiveDeletes) return;
        if (relation.owner && !relation.joinTable) {
          const held = state.session?.relatedByKey?.(state, index);
          if (held !== undefined) {
            handle(state, relation, held === null ? [] : [held]);
            return;
          }
        }
        let list = toFetch.get(relation);
        if (!list) toFetch.set(relation, (list = []));
        list.push(state);
      });
    }
    for (const [relation, states] of toFetch) {
      if (relation.cascade.has('delete') && !relation.owner && !relation.joinTable && isLeaf(relation.target)) {
        // Nothing cascades from these children: one DELETE by foreign key, and the ones the session holds deleted as objects.
        work.bulkDeletes.push({ relation, parents: states });
        const keys = new Set(states.map((s) => parentKeyText(s, relation)));
        for (const child of ctx.held(relation.target)) {
          if (!ctx.deleted.has(child) && child.status === 'persistent' && keys.has(childKeyText(child, relation))) ctx.cascadeDelete(child);
        }
        continue;
      }
      const found = await ctx.related(states, relation);
      for (const state of states) handle(state, relation, found.get(state) ?? []);
    }
  }
}

/** Deleting a row of this entity needs nothing beyond its DELETE: no relationship hangs off it, no version is checked. */
function isLeaf(entity: RelationMetadata['target']): boolean {
  return entity.versionColumn === undefined && entity.relations.every((r) => r.owner && !r.joinTable && !r.cascade.has('delete'));
}

/** A parent's referenced-key values, as text, for a one-to-many's foreign key. */
function parentKeyText(parent: InstanceState, relation: RelationMetadata): string {
  const values = parent.snapshot ?? parent.values;
  return keyText(relation.foreignKey.map((fk) => values[parent.mapper.columns.indexOf(fk.referenced)]));
}

/** A child's foreign-key values, as text. */
function childKeyText(child: InstanceState, relation: RelationMetadata): string {
  const values = child.snapshot ?? child.values;
  return keyText(relation.foreignKey.map((fk) => values[child.mapper.columns.indexOf(fk.column)]));
}

/** The database deletes or unlinks the children itself (ON DELETE CASCADE / SET NULL on their key). */
function keyActionDeletes(relation: RelationMetadata): boolean {
  const action = relation.inverse?.onDelete ?? relation.onDelete;
  return action === 'CASCADE' || action === 'SET NULL';
}

function unparentOnDelete(work: RelationshipWork, parent: InstanceState, child: InstanceState, relation: RelationMetadata): void {
  const required = relation.foreignKey.filter((fk) => !fk.column.nullable);
  if (required.length > 0) {
    const where = `${relation.entity.name}.${relation.propertyName}`;
    throw new FlushError(
      `Deleting ${parent.mapper.metadata.name} (${describeKey(parent)}) would leave its ${child.mapper.metadata.name} (${describeKey(child)}) without a parent, ` +
        `but ${relation.target.tableName}.${required[0]!.column.columnName} is NOT NULL. Add 'delete' to the cascade of ${where} (cascade: 'all' or 'all, delete-orphan'), ` +
        `declare ON DELETE CASCADE on the key with passiveDeletes: true, or delete or move the children first.`,
    );
  }
  work.unparented.set(child, relation);
}

function describeKey(state: InstanceState): string {
  const mapper: EntityMapper = state.mapper;
  return mapper.keyIndexes.map((i) => `${mapper.columns[i]!.propertyName ?? mapper.columns[i]!.columnName}=${String(state.values[i])}`).join(', ') || 'new';
}

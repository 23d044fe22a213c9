/*
 * What a session must undo if a transaction or savepoint rolls back: objects added or
 * deleted at this level, the values objects had when this level first touched them, and
 * the commit / rollback hooks registered here. Levels nest like savepoints; releasing one
 * hands its records to its parent.
 */
import type { Savepoint } from '../../engine/connection';
import type { InstanceState } from '../state/instance-state';

/** A hook registered with `onCommit`. */
export interface CommitHook {
  readonly fn: () => unknown;
  readonly robust: boolean;
}

/** One transaction level: the root transaction or a savepoint inside it. */
export class TransactionLevel {
  readonly savepoint: Savepoint | undefined;
  /** Values of objects as they were when this level first changed them. */
  readonly images = new Map<InstanceState, unknown[]>();
  /** Objects that became pending or were inserted at this level. */
  readonly added = new Set<InstanceState>();
  /** Objects whose deletion was flushed at this level. */
  readonly removed = new Set<InstanceState>();
  readonly commitHooks: CommitHook[] = [];
  readonly rollbackHooks: (() => unknown)[] = [];

  constructor(savepoint?: Savepoint) {
    this.savepoint = savepoint;
  }

  /** Remembers an object's values the first time this level touches it. */
  remember(state: InstanceState, values: readonly unknown[]): void {
    if (!this.images.has(state)) this.images.set(state, values.slice());
  }

  /** Hands everything to the enclosing level (savepoint released). */
  mergeInto(parent: TransactionLevel): void {
    for (const [state, image] of this.images) if (!parent.images.has(state)) parent.images.set(state, image);
    for (const state of this.added) parent.added.add(state);
    for (const state of this.removed) parent.removed.add(state);
    parent.commitHooks.push(...this.commitHooks);
    parent.rollbackHooks.push(...this.rollbackHooks);
  }
}

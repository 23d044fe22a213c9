/*
 * What a session must undo if a transaction or savepoint rolls back: objects added or
 * deleted at this level, the values and relationships objects had when this level first
 * touched them, and
 * the commit / rollback hooks registered here (with the helpers that run them). Levels nest
 * like savepoints; releasing one hands its records to its parent.
 */
import type { Savepoint } from '../../engine/connection';
import type { InstanceState } from '../state/instance-state';
import { RelationSnapshots } from './relation-snapshots';

/** A hook registered with `onCommit`. */
export interface CommitHook {
  readonly fn: () => unknown;
  readonly robust: boolean;
}

/** One transaction level: the root transaction or a savepoint inside it. */
export class TransactionLevel {
  readonly savepoint: Savepoint | undefined;
  /** Values of objects as they were when this level first changed them. */
  readonly snapshots = new Map<InstanceState, unknown[]>();
  /** Objects that became pending or were inserted at this level. */
  readonly added = new Set<InstanceState>();
  /** Objects whose deletion was flushed at this level. */
  readonly removed = new Set<InstanceState>();
  /** Relationships of persistent objects as they were when this level first changed them. */
  readonly relations = new RelationSnapshots();
  readonly commitHooks: CommitHook[] = [];
  readonly rollbackHooks: (() => unknown)[] = [];

  constructor(savepoint?: Savepoint) {
    this.savepoint = savepoint;
  }

  /** Remembers an object's values the first time this level touches it. */
  remember(state: InstanceState, values: readonly unknown[]): void {
    if (!this.snapshots.has(state)) this.snapshots.set(state, values.slice());
  }

  /** `remember` for an array that is already a private copy nobody changes: it is kept as it is. */
  rememberSnapshot(state: InstanceState, values: unknown[]): void {
    if (!this.snapshots.has(state)) this.snapshots.set(state, values);
  }

  /** Hands everything to the enclosing level (savepoint released). */
  mergeInto(parent: TransactionLevel): void {
    for (const [state, snapshot] of this.snapshots) if (!parent.snapshots.has(state)) parent.snapshots.set(state, snapshot);
    for (const state of this.added) parent.added.add(state);
    for (const state of this.removed) parent.removed.add(state);
    this.relations.mergeInto(parent.relations);
    parent.commitHooks.push(...this.commitHooks);
    parent.rollbackHooks.push(...this.rollbackHooks);
  }
}

/**
 * Runs commit hooks in order. A robust hook's failure is reported and the next runs; a
 * non-robust one's error propagates from commit() (the COMMIT already happened) and the
 * hooks after it do not run.
 */
export async function runCommitHooks(hooks: readonly CommitHook[], report?: (error: unknown) => Promise<void>): Promise<void> {
  for (const hook of hooks) {
    if (hook.robust) await runQuietly(hook.fn, report);
    else await hook.fn();
  }
}

/** Runs a hook, reporting its failure (or, with no reporter, emitting a STRATA_HOOK_FAILED warning) instead of throwing. */
export async function runQuietly(fn: () => unknown, report?: (error: unknown) => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (report) await report(error);
    else process.emitWarning(`A Strata session hook threw: ${(error as Error)?.stack ?? String(error)}`, { code: 'STRATA_HOOK_FAILED' });
  }
}

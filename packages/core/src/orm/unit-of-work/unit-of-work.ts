/*
 * One flush, in steps the session calls in turn: gather (relationship-changes.ts: cascades,
 * collection changes, children to delete, reading from the database only what a cascade
 * needs) and plan (flush-planner.ts: the ordered write commands, no I/O) in `planChanges`,
 * then `executeChanges` (flush-executor.ts); the session settles its objects from the plan.
 * `session.pendingChanges()` plans with `preview` and stops there.
 */
import { DatabaseError } from '../../errors/errors';
import type { InstanceState } from '../state/instance-state';
import type { FlushPlan } from './flush-plan';
import { executePlan, type FlushTarget } from './flush-executor';
import { planFlush, type FlushChanges } from './flush-planner';
import { prepareRelationships, type RelationshipContext } from './relationship-changes';

/** What planning a flush needs from its session. */
export type FlushContext = RelationshipContext & FlushChanges;

export type { FlushTarget } from './flush-executor';

/**
 * A flush failed. `snapshots` lets the session undo the in-memory effects; `written` is false
 * when the failure came before any write statement (a refused value, a relationship rule),
 * so the transaction is as it was and the session can go on.
 */
export class FlushFailure extends Error {
  readonly written: boolean;

  constructor(
    override readonly cause: unknown,
    readonly snapshots: ReadonlyMap<InstanceState, readonly unknown[]>,
    options: { readonly written: boolean },
  ) {
    super('flush failed');
    this.written = options.written;
  }
}

/**
 * Gather and plan: the commands the flush will run, nothing written. With `preview`, the
 * objects' values are put back afterwards. Throws FlushFailure (wrapping the real error).
 */
export async function planChanges(ctx: RelationshipContext & FlushChanges, options: { readonly preview?: boolean } = {}): Promise<FlushPlan> {
  try {
    const work = await prepareRelationships(ctx);
    return planFlush(ctx, work, options);
  } catch (error) {
    // Nothing was written, and planning put the objects back; only a failed read (a server error) may have ended the transaction.
    throw new FlushFailure(error, NOTHING, { written: error instanceof DatabaseError });
  }
}

/** Execute: runs the plan's commands in order. Throws FlushFailure (wrapping the real error) when one fails. */
export async function executeChanges(plan: FlushPlan, target: FlushTarget): Promise<void> {
  try {
    await executePlan(plan, target);
  } catch (error) {
    throw new FlushFailure(error, plan.snapshots, { written: true });
  }
}

const NOTHING: ReadonlyMap<InstanceState, readonly unknown[]> = new Map();

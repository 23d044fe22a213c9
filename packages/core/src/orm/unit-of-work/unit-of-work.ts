/*
 * One flush, in three steps: gather (relationship-changes.ts: cascades, collection changes,
 * children to delete, reading from the database only what a cascade needs), plan
 * (flush-planner.ts: the ordered write commands, no I/O) and execute (flush-executor.ts).
 * The session settles its objects from the outcome. `previewFlush` stops after planning.
 */
import { DatabaseError } from '../../errors/errors';
import type { InstanceState } from '../state/instance-state';
import type { FlushPlan } from './flush-plan';
import { executePlan, type FlushTarget } from './flush-executor';
import { planFlush, type FlushChanges } from './flush-planner';
import { prepareRelationships, type RelationshipContext } from './relationship-changes';

/** What a flush needs from its session. */
export interface FlushContext extends FlushTarget, FlushChanges, RelationshipContext {}

/** What a flush wrote, with the values each state had before it, for finalising or undoing. */
export interface FlushOutcome {
  readonly inserted: readonly InstanceState[];
  readonly updated: readonly InstanceState[];
  readonly deleted: readonly InstanceState[];
  readonly before: ReadonlyMap<InstanceState, readonly unknown[]>;
}

/**
 * A flush failed. `before` lets the session undo the in-memory effects; `written` is false
 * when the failure came before any write statement (a refused value, a relationship rule),
 * so the transaction is as it was and the session can go on.
 */
export class FlushFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly before: ReadonlyMap<InstanceState, readonly unknown[]>,
    readonly written: boolean,
  ) {
    super('flush failed');
  }
}

/** Runs one flush: gather, plan, execute. Throws FlushFailure (wrapping the real error) when it cannot finish. */
export async function flush(ctx: FlushContext): Promise<FlushOutcome> {
  const plan = await gatherAndPlan(ctx, false);
  try {
    await executePlan(plan, ctx);
  } catch (error) {
    throw new FlushFailure(error, plan.before, true);
  }
  return plan;
}

/** The plan the next flush would run, the objects left as they are. */
export async function previewFlush(ctx: RelationshipContext & FlushChanges): Promise<FlushPlan> {
  return gatherAndPlan(ctx, true);
}

async function gatherAndPlan(ctx: RelationshipContext & FlushChanges, preview: boolean): Promise<FlushPlan> {
  try {
    const work = await prepareRelationships(ctx);
    return planFlush(ctx, work, { preview });
  } catch (error) {
    // Nothing was written, and planning put the objects back; only a failed read (a server error) may have ended the transaction.
    throw new FlushFailure(error, NOTHING, error instanceof DatabaseError);
  }
}

const NOTHING: ReadonlyMap<InstanceState, readonly unknown[]> = new Map();

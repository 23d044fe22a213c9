/*
 * Runs a load plan: the query for the objects themselves (with its joined relationships),
 * then, level by level, each step's strategy (strategies/) for all the parents at that
 * level, and the steps below it for what it loaded. A relationship already loaded since
 * the last commit is kept as it is; one with unflushed changes is never overwritten.
 * Loading a collection also sets each child's side of the pair to its parent.
 */
import type { RelationMetadata } from '../../metadata/entity-metadata';
import type { EntitySource, SelectNode } from '../../query/internal';
import type { InstanceState } from '../state/instance-state';
import { entityQuery } from './entity-query';
import type { LoadPlan, PlanNode } from './load-plan';
import { readRows } from './read-rows';
import { asList, unique } from './relation-values';
import { KEEP_LOADED, type LoadContext, type LoadMode, type Origin, type ReadResult } from './step-loader';
import { loadByKeys } from './strategies/selectin';
import { STEP_LOADERS } from './strategies/step-loaders';

/** Loads the objects of a SELECT of one entity with the plan; returns them in row order, each once. */
export async function loadQuery(ctx: LoadContext, base: SelectNode, root: EntitySource, plan: LoadPlan): Promise<object[]> {
  const query = entityQuery(base, root, plan.nodes);
  const result = readRows(ctx, query, await ctx.run(query.node));
  await descend(ctx, result.roots, plan.nodes, { base, root, path: [] }, result, KEEP_LOADED);
  return result.roots.map((state) => state.object);
}

/**
 * Runs a plan's steps for objects already loaded (a tuple query's entities, session.get,
 * session.load); `mode.refresh` replaces relationships loaded since the last commit too.
 */
export async function loadPlanFor(ctx: LoadContext, parents: readonly InstanceState[], nodes: readonly PlanNode[], mode: LoadMode = KEEP_LOADED): Promise<void> {
  await descend(ctx, unique(parents), nodes, undefined, undefined, mode);
}

/**
 * The current members of `relation` for each parent, read from the database without
 * touching the objects' relationship values (the flush uses it to learn what a replaced,
 * never-loaded collection held).
 */
export async function fetchRelated(ctx: LoadContext, parents: readonly InstanceState[], relation: RelationMetadata): Promise<Map<InstanceState, object[]>> {
  const index = parents[0]?.mapper.relationIndex(relation.propertyName) ?? -1;
  const step: PlanNode = { relation, index, strategy: 'selectin', innerJoin: false, children: [] };
  const found = new Map<InstanceState, object[]>();
  await loadByKeys({
    ctx,
    parents: unique(parents),
    step,
    // Whatever the objects hold, the database's members are what is asked for.
    refresh: true,
    put: (parent, value) => {
      found.set(parent, asList(value));
      return true;
    },
  });
  return found;
}

/** Runs each step's strategy for the parents, then the steps below it for what it loaded. */
async function descend(
  ctx: LoadContext,
  parents: InstanceState[],
  nodes: readonly PlanNode[],
  origin: Origin | undefined,
  result: ReadResult | undefined,
  mode: LoadMode,
): Promise<void> {
  if (parents.length === 0) return;
  for (const step of nodes) {
    const loaded = await STEP_LOADERS[step.strategy].load({ ctx, parents, step, origin, result, refresh: mode.refresh });
    if (!loaded) continue;
    const below = origin && { ...origin, path: [...origin.path, step] };
    await descend(ctx, loaded.children, step.children, below, loaded.result, mode);
  }
}

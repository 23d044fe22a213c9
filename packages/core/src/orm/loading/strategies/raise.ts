/*
 * The `raise` strategy: loads nothing and marks each unloaded relationship so that reading
 * it throws UnloadedRelationError naming the relationship, instead of reading as unloaded.
 */
import { isUnloaded, RAISE } from '../../state/instance-state';
import type { StepLoader } from '../step-loader';

export const raiseLoader: StepLoader = {
  load: async ({ parents, step }) => {
    const i = step.index;
    for (const parent of parents) if (parent.relations[i] !== RAISE && isUnloaded(parent.relations[i])) parent.relations[i] = RAISE;
    return undefined;
  },
};

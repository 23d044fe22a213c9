/*
 * The `noload` strategy: sets each relationship not loaded since the last commit to empty
 * (an empty collection or null) without any SQL; a collection set so is marked partial,
 * since the database may hold members it does not show.
 */
import { linkOf } from '../../state/collection';
import { assignLoaded } from '../relation-values';
import type { StepLoader } from '../step-loader';

export const noloadLoader: StepLoader = {
  load: async ({ parents, step }) => {
    const i = step.index;
    for (const parent of parents) {
      if (parent.relationFresh(i) || !assignLoaded(parent, i, step.relation.isCollection ? [] : null)) continue;
      const link = linkOf(parent.relations[i]);
      if (link) link.partial = true;
    }
    return undefined;
  },
};

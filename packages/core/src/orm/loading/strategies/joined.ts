/*
 * The `joined` strategy: the related rows came in the parents' own query (entityQuery
 * joined them), so there is nothing to run but the steps below. For objects already in
 * hand (session.load, a union's rows) no query joined them: they load as selectin does.
 */
import type { StepLoader } from '../step-loader';
import { selectinLoader } from './selectin';

export const joinedLoader: StepLoader = {
  load: async (run) => {
    const found = run.result?.byNode.get(run.step);
    if (found) return { children: found, result: run.result };
    return selectinLoader.load(run);
  },
};

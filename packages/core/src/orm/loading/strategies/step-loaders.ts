/*
 * The loader of each plan strategy: the plan runner looks a step's loader up here rather
 * than branching on strategy names, so a new strategy is a module and a row in this table.
 */
import type { PlanStrategy, StepLoader } from '../step-loader';
import { joinedLoader } from './joined';
import { noloadLoader } from './noload';
import { raiseLoader } from './raise';
import { selectinLoader } from './selectin';
import { subqueryLoader } from './subquery';

/** The loader that runs a plan step of each strategy. */
export const STEP_LOADERS: Readonly<Record<PlanStrategy, StepLoader>> = Object.freeze({
  joined: joinedLoader,
  selectin: selectinLoader,
  subquery: subqueryLoader,
  raise: raiseLoader,
  noload: noloadLoader,
});

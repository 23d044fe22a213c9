/*
 * The workload names of SCENARIOS.md, as chosen on the command line.
 */

/** S1-S8; S3 runs twice (joinedLoad and selectinLoad). */
export const SCENARIO_GROUPS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8'] as const;
/** One of SCENARIO_GROUPS. */
export type ScenarioGroup = (typeof SCENARIO_GROUPS)[number];

/*
 * The contract between the plan runner (relation-loader.ts) and the loader strategies in
 * strategies/: what a strategy gets for one plan step (the parents, the query they came
 * from, what it read) and what it hands back (the related objects whose own steps follow).
 */
import type { Capabilities } from '../../engine/dialect';
import type { EntitySource, SelectNode } from '../../query/internal';
import type { InstanceState } from '../state/instance-state';
import type { Decoders } from '../state/row-values';
import type { HydrationTarget } from './hydrate';
import type { PlanNode } from './load-plan';

/** Rows of an entity query as value arrays in SELECT-list order, with the decoder of each position. */
export interface LoadedRows {
  readonly rows: readonly unknown[][];
  readonly decoders: Decoders;
}

/** What loading needs from its session. */
export interface LoadContext {
  /** Runs a SELECT on the session's connection (its ParamSlot values filled from `values`) and returns its undecoded rows. */
  run(select: SelectNode, values?: readonly unknown[]): Promise<LoadedRows>;
  readonly target: HydrationTarget;
  /** What the server can do: whether key lists bind as one array, how many parameters a statement takes. */
  readonly capabilities: Capabilities;
}

/** The query the top-level objects came from: what a subquery load joins its children to. */
export interface Origin {
  readonly base: SelectNode;
  readonly root: EntitySource;
  /** The steps from the query's own objects down to the parents of the step being loaded. */
  readonly path: readonly PlanNode[];
}

/** What one entity query produced. */
export interface ReadResult {
  /** The query's own objects, each once, in row order. */
  readonly roots: InstanceState[];
  /** Per row: the key it is grouped by (see EntityQuery.keyPositions). */
  readonly keys: unknown[];
  /** Per row: the query's own object. */
  readonly rowRoots: InstanceState[];
  /** The objects each joined step found, each once. */
  readonly byNode: Map<PlanNode, InstanceState[]>;
}

/** How loaded values meet relationships already loaded. */
export interface LoadMode {
  /**
   * Replace relationships loaded since the last commit too (`session.load(..., { refresh:
   * true })`); by default they are kept. Unflushed changes are never overwritten.
   */
  readonly refresh: boolean;
}

/** Keeps relationships loaded since the last commit: what every query and `session.get` does. */
export const KEEP_LOADED: LoadMode = Object.freeze({ refresh: false });

/** One plan step to run for a set of parents. */
export interface StepRun extends LoadMode {
  readonly ctx: LoadContext;
  /** The objects whose relationship the step loads, each once. */
  readonly parents: InstanceState[];
  readonly step: PlanNode;
  /** The query the top-level objects came from; undefined for objects already in hand (session.load, a union's rows). */
  readonly origin: Origin | undefined;
  /** What the query that loaded the parents read, its joined steps included. */
  readonly result: ReadResult | undefined;
}

/** What a step loaded: the related objects (whose own steps run next) and the read that found them. */
export interface StepLoaded {
  readonly children: InstanceState[];
  readonly result: ReadResult | undefined;
}

/** One loader strategy: loads (or marks) a step's relationship for every parent. */
export interface StepLoader {
  /** Returns what was loaded, or undefined when the strategy loads nothing, so no step below it runs. */
  load(run: StepRun): Promise<StepLoaded | undefined>;
}

/** The strategies a plan step can have (`select` never reaches a plan: it loads on session.load only). */
export type PlanStrategy = PlanNode['strategy'];

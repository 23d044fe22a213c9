/*
 * Turns loader options and each relationship's `lazy` default into a plan: a tree of
 * relationship steps, each with the strategy that loads it. Defaults apply below explicit
 * steps too, but never along a relationship already on the path, nor from a collection's
 * members back to their one parent, so cycles such as User.posts -> Post.author stop.
 * Plans are cached per entity and per options list, so a repeated query plans once.
 */
import { ArgumentError } from '../../errors/errors';
import type { LoaderStrategy } from '../../metadata/declarations';
import type { EntityMetadata, RelationMetadata } from '../../metadata/entity-metadata';
import type { LoadOption, StepStrategy } from '../../query/load-options';

/** One relationship to load (or to mark) below its parent. */
export interface PlanNode {
  readonly relation: RelationMetadata;
  /** The relationship's position among its entity's relationships. */
  readonly index: number;
  readonly strategy: Exclude<LoaderStrategy, 'select'>;
  /** joined only: use INNER JOIN (the foreign key is NOT NULL and every join above is inner too). */
  readonly innerJoin: boolean;
  readonly children: readonly PlanNode[];
}

/** What to load for the objects of one entity. */
export interface LoadPlan {
  readonly entity: EntityMetadata;
  readonly nodes: readonly PlanNode[];
  /** True when nothing at all is to be done (the common case, kept free). */
  readonly empty: boolean;
}

/** What a strategy makes of a plan step. */
interface StrategyTraits {
  /** Whether it is a step of the plan at all: `select` loads only on an explicit session.load. */
  readonly planned: boolean;
  /** Whether it loads objects, so that the steps below it run for them. */
  readonly loadsObjects: boolean;
  /** Whether its rows come in the parents' own query, joined (and so may use INNER JOIN). */
  readonly joinsParentQuery: boolean;
}

const STRATEGY_TRAITS: Readonly<Record<LoaderStrategy, StrategyTraits>> = Object.freeze({
  select: { planned: false, loadsObjects: false, joinsParentQuery: false },
  joined: { planned: true, loadsObjects: true, joinsParentQuery: true },
  selectin: { planned: true, loadsObjects: true, joinsParentQuery: false },
  subquery: { planned: true, loadsObjects: true, joinsParentQuery: false },
  raise: { planned: true, loadsObjects: false, joinsParentQuery: false },
  noload: { planned: true, loadsObjects: false, joinsParentQuery: false },
});

/** True when a step's rows come in its parents' own query (a joined eager load). */
export function joinsParentQuery(step: PlanNode): boolean {
  return STRATEGY_TRAITS[step.strategy].joinsParentQuery;
}

/** How deep relationship defaults reach below the last explicit step. */
const MAX_DEFAULT_DEPTH = 6;

interface ExplicitStep {
  strategy: Exclude<LoaderStrategy, 'select'> | 'select';
  innerJoin: boolean;
  readonly children: Map<string, ExplicitStep>;
}

const NONE: ReadonlyMap<string, ExplicitStep> = new Map();
const defaultPlans = new WeakMap<EntityMetadata, LoadPlan>();
/** Plans by their options, one level per option in order (options are frozen, so their identity is their meaning). */
interface OptionTrie {
  readonly next: WeakMap<LoadOption, OptionTrie>;
  readonly plans: Map<EntityMetadata, LoadPlan>;
}

const optionPlans: OptionTrie = { next: new WeakMap(), plans: new Map() };

/**
 * The plan for objects of `entity` loaded with `options`, cached by the option objects: a
 * query built again with the same options (a new list of the same ones) plans once.
 */
export function planFor(entity: EntityMetadata, options: readonly LoadOption[]): LoadPlan {
  if (options.length === 0) {
    let plan = defaultPlans.get(entity);
    if (!plan) defaultPlans.set(entity, (plan = buildPlan(entity, options)));
    return plan;
  }
  let level = optionPlans;
  for (const option of options) {
    let next = level.next.get(option);
    if (!next) level.next.set(option, (next = { next: new WeakMap(), plans: new Map() }));
    level = next;
  }
  let plan = level.plans.get(entity);
  if (!plan) level.plans.set(entity, (plan = buildPlan(entity, options)));
  return plan;
}

/**
 * Builds a plan; options for other entities are skipped here (a tuple query plans per
 * entity), so callers check first that every option applies to something (optionsMustApply).
 */
export function buildPlan(entity: EntityMetadata, options: readonly LoadOption[]): LoadPlan {
  const explicit = new Map<string, ExplicitStep>();
  for (const option of options) {
    if (!optionAppliesTo(option, entity)) continue;
    let level = explicit;
    let current = entity;
    for (const step of option.steps) {
      const relation = current.relation(step.property);
      if (!relation) {
        const known = current.relations.map((r) => r.propertyName);
        throw new ArgumentError(
          `Loader option ${option.toString()}: ${current.name} has no relationship '${step.property}'. ` +
            (known.length > 0 ? `Its relationships: ${known.join(', ')}.` : `${current.name} declares no relationships.`),
        );
      }
      const strategy = resolve(step.strategy, relation);
      let entry = level.get(step.property);
      if (!entry) level.set(step.property, (entry = { strategy, innerJoin: step.innerJoin, children: new Map() }));
      else if (step === option.steps[option.steps.length - 1] || !STRATEGY_TRAITS[entry.strategy].planned) {
        entry.strategy = strategy;
        entry.innerJoin = step.innerJoin;
      }
      level = entry.children;
      current = relation.target;
    }
  }
  const nodes = expand(entity, explicit, { path: [], parent: undefined, innerAllowed: true });
  return Object.freeze({ entity, nodes, empty: nodes.length === 0 });
}

/** True when an option starts from this entity, or from a base class it inherits its relationships from. */
export function optionAppliesTo(option: LoadOption, entity: EntityMetadata): boolean {
  return option.entity === entity.target || entity.target.prototype instanceof option.entity;
}

/**
 * ArgumentError when a loader option starts from an entity that none of `entities` is: it
 * would load nothing, silently. `where` names the call (`this query`, `session.get(Order)`).
 */
export function optionsMustApply(options: readonly LoadOption[], entities: readonly EntityMetadata[], where: string): void {
  for (const option of options) {
    if (entities.some((entity) => optionAppliesTo(option, entity))) continue;
    const from = option.entity.name;
    const first = option.steps[0]?.property ?? '...';
    if (entities.length === 0) {
      throw new ArgumentError(
        `Loader option ${option.toString()} starts from ${from}, but ${where} selects no entity (only columns), so it loads no relationships. ` +
          `Select ${from} itself (select(${from})), or drop the option.`,
      );
    }
    const names = [...new Set(entities.map((e) => e.name))].join(', ');
    const shown = entities[0]!;
    const relations = shown.relations.map((r) => r.propertyName);
    const hint = relations.length > 0 ? ` (relationships of ${shown.name}: ${relations.join(', ')}), e.g. selectinLoad(${shown.name}, '${relations[0]}')` : '';
    throw new ArgumentError(
      `Loader option ${option.toString()} starts from ${from}, but ${where} loads ${names}, so the option would load nothing. ` +
        `Start it from ${entities.length === 1 ? shown.name : 'one of them'}${hint}; or select ${from} to load its '${first}'.`,
    );
  }
}

function resolve(strategy: StepStrategy, relation: RelationMetadata): ExplicitStep['strategy'] {
  if (strategy !== 'auto') return strategy;
  return relation.isCollection ? 'selectin' : 'joined';
}

/** Where `expand` stands: the relationships walked to get here, the step it came from, and whether inner joins may go on. */
interface Walk {
  readonly path: readonly RelationMetadata[];
  readonly parent: PlanNode | undefined;
  /** False below an outer join: an inner join there would drop the outer join's parents without children. */
  readonly innerAllowed: boolean;
}

function expand(entity: EntityMetadata, explicit: ReadonlyMap<string, ExplicitStep>, walk: Walk): PlanNode[] {
  const { path, parent, innerAllowed } = walk;
  const out: PlanNode[] = [];
  entity.relations.forEach((relation, index) => {
    const step = explicit.get(relation.propertyName);
    let strategy: ExplicitStep['strategy'];
    let innerJoin: boolean;
    if (step) {
      strategy = step.strategy;
      innerJoin = step.innerJoin;
    } else {
      strategy = relation.lazy;
      if (!STRATEGY_TRAITS[strategy].planned) return;
      // A default never walks a relationship twice on one path, nor back to the single parent
      // it came from (a child's to-one side is set from its parent as the collection loads).
      if (path.includes(relation) || (parent && parent.relation.inverse === relation && !relation.isCollection) || path.length >= MAX_DEFAULT_DEPTH) return;
      innerJoin = relation.innerJoin;
    }
    if (!isPlanned(strategy)) return;
    const traits = STRATEGY_TRAITS[strategy];
    const inner = traits.joinsParentQuery && innerJoin && innerAllowed && keyNotNull(relation);
    const node: { -readonly [K in keyof PlanNode]: PlanNode[K] } = { relation, index, strategy, innerJoin: inner, children: [] };
    if (traits.loadsObjects) {
      node.children = Object.freeze(expand(relation.target, step?.children ?? NONE, { path: [...path, relation], parent: node, innerAllowed: inner }));
    }
    out.push(Object.freeze(node));
  });
  return out;
}

function isPlanned(strategy: LoaderStrategy): strategy is PlanNode['strategy'] {
  return STRATEGY_TRAITS[strategy].planned;
}

/** An INNER JOIN drops no parent only when the parent's own foreign key must be set. */
function keyNotNull(relation: RelationMetadata): boolean {
  return relation.owner && relation.joinTable === undefined && relation.foreignKey.length > 0 && relation.foreignKey.every((fk) => !fk.column.nullable);
}

/** A plan whose steps are explicit loads of `paths` (session.load), with the targets' defaults below them. */
export function explicitPlan(entity: EntityMetadata, options: readonly LoadOption[]): LoadPlan {
  return buildPlan(entity, options);
}

/*
 * Walks cascades: from an object, the loaded related objects reachable through
 * relationships whose `cascade` includes a rule (expunge, refresh-expire, save-update...).
 * Only what is loaded is visited; nothing here runs SQL.
 */
import type { CascadeRule, EntityMetadata } from '../../metadata/entity-metadata';
import { EntityMapper } from '../state/entity-mapper';
import { isUnloaded, stateOf, type InstanceState } from '../state/instance-state';

/**
 * The state itself, then every state reachable through loaded relationships with `rule`,
 * each once. `descend` decides whether the walk goes on through a reached state.
 */
export function relatedStates(start: InstanceState, rule: CascadeRule, descend: (state: InstanceState) => boolean = () => true): InstanceState[] {
  const out: InstanceState[] = [start];
  const seen = new Set<InstanceState>(out);
  for (let at = 0; at < out.length; at++) {
    const state = out[at]!;
    if (at > 0 && !descend(state)) continue;
    const relations = state.mapper.relations;
    for (let i = 0; i < relations.length; i++) {
      if (!relations[i]!.cascade.has(rule)) continue;
      const value = state.relations[i];
      if (isUnloaded(value) || value === null || value === undefined) continue;
      for (const object of (Array.isArray(value) ? value : [value]) as unknown[]) {
        if (object === null || typeof object !== 'object') continue;
        const related = stateOf(object) ?? attachTransient(relations[i]!.target, object);
        if (related && !seen.has(related)) {
          seen.add(related);
          out.push(related);
        }
      }
    }
  }
  return out;
}

/** A related object built with `new` whose accessors were never used has no state yet: give it a transient one. */
function attachTransient(target: EntityMetadata, object: object): InstanceState | undefined {
  if (!(object instanceof (target.target as new () => object))) return undefined;
  return EntityMapper.for(target).attach(object);
}

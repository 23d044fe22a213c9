/*
 * The `subquery` strategy: the children of all the parents in one statement, joined to the
 * query that found the top-level objects (run again as a subquery reduced to its keys).
 */
import { columnRef, entitySource, exprItem, joinNode, namedColumn, subquerySource, withSelect, type EntitySource, type JoinNode } from '../../../query/internal';
import { entityQuery, Names, relationJoins, type ColumnResolver } from '../entity-query';
import { joinsParentQuery } from '../load-plan';
import { readRows } from '../read-rows';
import { baseSelect, relationOrder } from '../related-select';
import { assignLoaded, parentColumns, parentKey } from '../relation-values';
import type { Origin, StepLoaded, StepLoader, StepRun } from '../step-loader';
import { selectinLoader } from './selectin';

/**
 * The `subquery` strategy: the original query, reduced to the keys the first step joins
 * on, becomes a subquery; the path's relationships join to it; the last one's rows come
 * back with their parents' keys. Objects already in hand have no original query: they
 * load as selectin does.
 */
export const subqueryLoader: StepLoader = {
  load: (run) => (run.origin ? subquery(run, run.origin) : selectinLoader.load(run)),
};

async function subquery(run: StepRun, origin: Origin): Promise<StepLoaded> {
  const { ctx, parents, step } = run;
  const path = [...origin.path, step];
  const names = new Names(origin.base);
  const rootColumns = parentColumns(path[0]!.relation);
  // The original query reduced to the keys: its ORDER BY only matters under LIMIT / OFFSET, and
  // a DISTINCT one must select what it orders by (PostgreSQL and MySQL insist).
  const limited = origin.base.limit !== undefined || origin.base.offset !== undefined;
  const keyItems = rootColumns.map((c, i) => exprItem(`_s${i}`, columnRef(origin.root, c)));
  const orderItems = limited && origin.base.distinct ? origin.base.orderBy.map((o, i) => exprItem(`_so${i}`, o.expr)) : [];
  const inner = withSelect(origin.base, { shape: 'record', items: [...keyItems, ...orderItems], orderBy: limited ? origin.base.orderBy : [] });
  const anon = subquerySource(inner, names.next('anon'));
  let resolve: ColumnResolver = (column) => namedColumn(anon, `_s${rootColumns.indexOf(column)}`, column);
  const joins: JoinNode[] = [];
  let parentResolve = resolve;
  let target: EntitySource | undefined;
  for (const [k, current] of path.entries()) {
    const entity = current.relation.target;
    target = entitySource(entity, names.next(entity.tableName));
    for (const join of relationJoins(current.relation, resolve, target, () => names.next(current.relation.joinTable!.tableName, 'link'))) {
      joins.push(joinNode('inner', join.source, join.on));
    }
    if (k === path.length - 1) break;
    const level = target;
    parentResolve = (column) => columnRef(level, column);
    resolve = parentResolve;
  }
  if (path.length === 1) parentResolve = resolve;
  const keyColumns = parentColumns(step.relation);
  const extras = keyColumns.map((c, i) => ({ key: `_key${i}`, expr: parentResolve(c) }));
  const base = withSelect(baseSelect(target!, joins, undefined, relationOrder(step.relation, target!)), { from: [anon] });
  const query = entityQuery(base, target!, step.children.filter(joinsParentQuery), extras);
  const result = readRows(ctx, query, await ctx.run(query.node));
  const found = new Map<unknown, Set<object>>();
  result.rowRoots.forEach((state, r) => {
    const key = result.keys[r];
    let items = found.get(key);
    if (!items) found.set(key, (items = new Set()));
    items.add(state.object);
  });
  for (const parent of parents) {
    const key = parentKey(parent, keyColumns);
    const items = key === undefined ? [] : [...(found.get(key) ?? [])];
    assignLoaded(parent, step.index, step.relation.isCollection ? [...items] : (items[0] ?? null), run);
  }
  return { children: result.roots, result };
}

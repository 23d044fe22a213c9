/*
 * The SELECT a relationship load starts from (the related entity's table, the joins that
 * reach it, the relationship's declared order), before entityQuery adds its columns.
 */
import type { RelationMetadata } from '../../metadata/entity-metadata';
import { columnRef, orderItem, selectNode, type EntitySource, type ExprNode, type JoinNode, type SelectNode } from '../../query/internal';

/** SELECT FROM `root` with `joins`, `where` and `orderBy`; entityQuery fills in the selection. */
export function baseSelect(root: EntitySource, joins: readonly JoinNode[], where: ExprNode | undefined, orderBy: SelectNode['orderBy']): SelectNode {
  return selectNode({ from: [root], joins, where, orderBy });
}

/** A collection's declared order (`orderBy` on the relationship), on the given source. */
export function relationOrder(relation: RelationMetadata, source: EntitySource): SelectNode['orderBy'] {
  return Object.freeze((relation.orderBy ?? []).map((o) => orderItem(columnRef(source, o.column), o.direction)));
}

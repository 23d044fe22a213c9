/*
 * The node constructors: defaults filled in, everything frozen, callers' lists copied
 * rather than frozen under them, optional fields left absent as the builders leave them.
 */
import { metadata } from '@strata/core';
import { allOf, columnRef, entitySource, equals, frozenList, param, selectNode, updateNode, withSelect } from '../src/query/node-constructors';
import { Post } from './query-fixtures';

const posts = metadata.entity(Post);
const source = entitySource(posts);
const id = posts.columns.find((c) => c.columnName === 'id')!;

describe('node constructors', () => {
  test('selectNode fills every clause with its empty default, frozen', () => {
    const node = selectNode({ from: [source] });
    expect(node).toEqual({
      kind: 'select', shape: 'record', items: [], ctes: [], distinct: false, from: [source], joins: [], where: undefined,
      groupBy: [], having: undefined, orderBy: [], limit: undefined, offset: undefined, lock: undefined,
    });
    expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen(node.from)).toBe(true);
    expect(Object.isFrozen(node.joins)).toBe(true);
  });

  test("a caller's open list is copied, so appending to it later leaves the node as built", () => {
    const from = [source];
    const node = selectNode({ from });
    from.push(entitySource(posts, 'other'));
    expect(node.from).toHaveLength(1);
    expect(Object.isFrozen(from)).toBe(false);
    const frozen = Object.freeze([source]);
    expect(frozenList(frozen)).toBe(frozen);
  });

  test('withSelect changes only what it is given', () => {
    const base = selectNode({ from: [source], limit: 5 });
    const changed = withSelect(base, { where: equals(columnRef(source, id), param(1, id)) });
    expect(changed.limit).toBe(5);
    expect(changed.from).toBe(base.from);
    expect(changed.where).toBeDefined();
    expect(base.where).toBeUndefined();
  });

  test('updateNode leaves from and everyRow absent unless given', () => {
    const node = updateNode({ source, where: allOf([equals(columnRef(source, id), param(1, id))]) });
    expect('from' in node).toBe(false);
    expect('everyRow' in node).toBe(false);
    expect(updateNode({ source, everyRow: true }).everyRow).toBe(true);
  });

  test('allOf of one condition is that condition; of several, one AND', () => {
    const one = equals(columnRef(source, id), param(1, id));
    expect(allOf([one])).toBe(one);
    expect(allOf([one, one])).toMatchObject({ kind: 'logical', op: 'and', items: [one, one] });
  });
});

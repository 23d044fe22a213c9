/*
 * CASE expressions on the servers: a simple CASE typed by its column sets a different
 * value per row in one UPDATE (PostgreSQL would read its untyped parameters as text), and
 * a selected CASE comes back converted by that column's codec.
 */
import '@strata/mysql';
import '@strata/postgres';
import '@strata/sqlite';
import { Column, createEngine, deleteFrom, Entity, insert, MetaData, PrimaryColumn, select, type Engine } from '@strata/core';
import { selectedDialects, testUrl } from '@strata/testkit';
import { NodeStatement } from '../src/orm/unit-of-work/node-statement';
import { assignment, caseNode, columnRef, entitySource, exprItem, inList, orderItem, param, selectNode, updateNode } from '../src/query/node-constructors';

@Entity('case_scores')
class CaseScore {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) points!: number;
}

const model = new MetaData([CaseScore]);
const scores = model.entity(CaseScore);
const source = entitySource(scores);
const id = scores.columns.find((c) => c.columnName === 'id')!;
const points = scores.columns.find((c) => c.columnName === 'points')!;

/** CASE id WHEN 1 THEN 10 WHEN 2 THEN 20 ... END over the given id -> points pairs, typed as `points`. */
function pointsById(values: readonly [number, number][]) {
  return caseNode({ subject: columnRef(source, id), arms: values.map(([key, value]) => ({ when: param(key, id), then: param(value, points) })), column: points });
}

describe.each(selectedDialects())('%s: CASE expressions', (dialect) => {
  let engine: Engine;

  beforeAll(async () => {
    engine = createEngine(testUrl(dialect), { poolSize: 1 });
    await model.dropAll(engine, { checkFirst: true });
    await model.createAll(engine);
  });

  beforeEach(async () => {
    await engine.execute(deleteFrom(CaseScore).all());
    await engine.execute(insert(CaseScore).values([1, 2, 3].map((key) => ({ id: key, points: 0 }))));
  });

  afterAll(async () => {
    await model.dropAll(engine, { checkFirst: true });
    await engine.dispose();
  });

  test('one UPDATE sets a different value on each row through a CASE typed by the column', async () => {
    const value = pointsById([[1, 10], [2, 20]]);
    const where = inList(columnRef(source, id), [param(1, id), param(2, id)]);
    await engine.execute(new NodeStatement(updateNode({ source, assignments: [assignment(points, value)], where })));
    const { rows } = await engine.execute(select(CaseScore).orderBy((s) => s.id));
    expect(rows).toEqual([{ id: 1, points: 10 }, { id: 2, points: 20 }, { id: 3, points: 0 }]);
  });

  test('a selected CASE typed by a column is read back as that column reads, ELSE included', async () => {
    const value = caseNode({ ...pointsById([[1, 7]]), otherwise: param(-1, points) });
    const statement = new NodeStatement(selectNode({ from: [source], items: [exprItem('id', columnRef(source, id)), exprItem('bonus', value)], orderBy: [orderItem(columnRef(source, id))] }));
    const { rows } = await engine.execute(statement);
    expect(rows).toEqual([{ id: 1, bonus: 7 }, { id: 2, bonus: -1 }, { id: 3, bonus: -1 }]);
  });
});

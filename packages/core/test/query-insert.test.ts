/*
 * INSERT rows added by chained values() calls: each call adds its rows without copying
 * the earlier ones, the column list and cell matrix are worked out once, and statements
 * stay immutable, branches included. Compiled with the PostgreSQL compiler.
 */
import { insert } from '@strata/core';
import { PostgresCompiler } from '@strata/postgres';
import { CAPS, compilerFor, Post, User } from './query-fixtures';

const compile = compilerFor(new PostgresCompiler(), CAPS.postgresql, 'PostgreSQL 16');

describe('insert values()', () => {
  test('5,000 chained single-row values() calls make one 5,000-row insert', () => {
    let statement = insert(Post);
    for (let i = 0; i < 5000; i++) statement = statement.values(i % 2 === 0 ? { title: `t${i}`, author: i } : { title: `t${i}`, author: i, views: i });
    const { node } = statement;
    expect(node.rows).toHaveLength(5000);
    expect(node.columns.map((c) => c.columnName)).toEqual(['title', 'views', 'author_id']);
    expect(node.rows.every((row) => row.length === 3)).toBe(true);
    const { sql, params } = compile(statement);
    expect(sql.startsWith('INSERT INTO "posts" ("title", "views", "author_id") VALUES ($1, $2, $3), ($4, $5, $6), ')).toBe(true);
    expect(sql.endsWith(', ($14998, $14999, $15000)')).toBe(true);
    // The entity's JavaScript default (views: 0) fills the rows that leave it out.
    expect(params.slice(0, 6)).toEqual(['t0', 0, 0, 't1', 1, 1]);
    expect(params.slice(-3)).toEqual(['t4999', 4999, 4999]);
  });

  test('the column list is the union of all rows, whichever call added them', () => {
    const statement = insert(User).values({ name: 'a', email: 'a@x.io' }).values([{ name: 'b', email: 'b@x.io', age: 3 }]);
    expect(statement.node.columns.map((c) => c.propertyName)).toEqual(['name', 'email', 'age', 'active']);
    expect(statement.node.rows[0]![2]).toBeUndefined();
  });

  test('statements branched from one another keep their own rows, and earlier ones are unchanged', () => {
    const base = insert(User).values({ name: 'a', email: 'a@x.io' });
    const left = base.values({ name: 'l', email: 'l@x.io' });
    const right = base.values({ name: 'r', email: 'r@x.io', age: 9 });
    const names = (s: typeof base) => s.node.rows.map((row) => (row[0] as { value?: unknown }).value);
    expect(names(left)).toEqual(['a', 'l']);
    expect(names(right)).toEqual(['a', 'r']);
    expect(names(base)).toEqual(['a']);
    expect(left.node.columns).toHaveLength(3);
    expect(right.node.columns).toHaveLength(4);
    expect(insert(User).node.rows).toEqual([]);
  });

  test('the node is built once, frozen, and kept through returning() and onConflict()', () => {
    const statement = insert(User).values({ name: 'a', email: 'a@x.io' }).onConflict({ target: ['email'], set: ['name'] }).returning((u) => ({ id: u.id }));
    expect(statement.node).toBe(statement.node);
    expect(Object.isFrozen(statement)).toBe(true);
    expect(Object.isFrozen(statement.node)).toBe(true);
    expect(Object.isFrozen(statement.node.rows)).toBe(true);
    expect(Object.isFrozen(statement.node.rows[0])).toBe(true);
    expect(statement.node.conflict?.target.map((c) => c.columnName)).toEqual(['email']);
    expect(compile(statement).sql).toBe(
      'INSERT INTO "users" ("name", "email", "active") VALUES ($1, $2, $3) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name" RETURNING "id"',
    );
  });
});

/*
 * CASE expressions (CaseNode): the SQL each dialect's compiler writes for a searched CASE,
 * a simple CASE typed by a column (the form a batched UPDATE uses), and how the node's
 * constructor refuses a CASE without arms.
 */
import { ArgumentError, metadata, type Statement } from '@strata/core';
import { type QueryCompiler } from '@strata/core/dialect';
import { MysqlCompiler } from '@strata/mysql';
import { PostgresCompiler } from '@strata/postgres';
import { SqliteCompiler } from '@strata/sqlite';
import { binary, caseNode, columnRef, entitySource, equals, exprItem, inList, param, assignment, selectNode, updateNode } from '../src/query/node-constructors';
import { CAPS, Post } from './query-fixtures';

const posts = metadata.entity(Post);
const column = (name: string) => posts.columns.find((c) => c.columnName === name)!;
const source = entitySource(posts);
const id = column('id');
const views = column('views');

/** SELECT CASE WHEN views > 100 THEN 'hot' WHEN views > 10 THEN 'warm' ELSE 'cold' END AS band FROM posts. */
function searched(): Statement<unknown> {
  const band = caseNode({
    arms: [
      { when: binary('gt', columnRef(source, views), param(100, views)), then: param('hot') },
      { when: binary('gt', columnRef(source, views), param(10, views)), then: param('warm') },
    ],
    otherwise: param('cold'),
  });
  return { node: selectNode({ from: [source], items: [exprItem('band', band)] }) };
}

/** UPDATE posts SET views = CASE id WHEN 1 THEN 10 WHEN 2 THEN 20 END WHERE id IN (1, 2): one statement for rows given different values. */
function simple(): Statement<unknown> {
  const value = caseNode({
    subject: columnRef(source, id),
    arms: [
      { when: param(1, id), then: param(10, views) },
      { when: param(2, id), then: param(20, views) },
    ],
    column: views,
  });
  const where = inList(columnRef(source, id), [param(1, id), param(2, id)]);
  return { node: updateNode({ source, assignments: [assignment(views, value)], where }) };
}

const compilers: [string, QueryCompiler, (typeof CAPS)[keyof typeof CAPS]][] = [
  ['PostgreSQL', new PostgresCompiler(), CAPS.postgresql],
  ['MySQL', new MysqlCompiler(), CAPS.mysql8],
  ['SQLite', new SqliteCompiler(), CAPS.sqlite],
];

const EXPECTED: Record<string, { searched: string; simple: string }> = {
  PostgreSQL: {
    searched: `SELECT CASE WHEN "posts"."views" > $1 THEN $2 WHEN "posts"."views" > $3 THEN $4 ELSE $5 END AS "band" FROM "posts"`,
    simple: `UPDATE "posts" SET "views" = CASE "posts"."id" WHEN $1 THEN CAST($2 AS integer) WHEN $3 THEN $4 END WHERE "posts"."id" = ANY($5::integer[])`,
  },
  MySQL: {
    searched: 'SELECT CASE WHEN `posts`.`views` > ? THEN ? WHEN `posts`.`views` > ? THEN ? ELSE ? END AS `band` FROM `posts`',
    simple: 'UPDATE `posts` SET `views` = CASE `posts`.`id` WHEN ? THEN ? WHEN ? THEN ? END WHERE `posts`.`id` IN (?, ?)',
  },
  SQLite: {
    searched: `SELECT CASE WHEN "posts"."views" > ? THEN ? WHEN "posts"."views" > ? THEN ? ELSE ? END AS "band" FROM "posts"`,
    simple: `UPDATE "posts" SET "views" = CASE "posts"."id" WHEN ? THEN ? WHEN ? THEN ? END WHERE "posts"."id" IN (?, ?)`,
  },
};

describe('CASE expressions', () => {
  describe.each(compilers)('%s', (name, compiler, capabilities) => {
    test('a searched CASE with ELSE: arms in order, values bound', () => {
      const compiled = compiler.compileStatement(searched(), { capabilities });
      expect(compiled.sql).toBe(EXPECTED[name]!.searched);
      expect(compiled.params).toEqual([100, 'hot', 10, 'warm', 'cold']);
    });

    test('a simple CASE typed by a column, as a batched UPDATE sets it', () => {
      const compiled = compiler.compileStatement(simple(), { capabilities });
      expect(compiled.sql).toBe(EXPECTED[name]!.simple);
      expect(compiled.params).toEqual(name === 'PostgreSQL' ? [1, 10, 2, 20, [1, 2]] : [1, 10, 2, 20, 1, 2]);
    });
  });

  test('a compound subject is parenthesised; CASE itself needs no parentheses as an operand', () => {
    const subject = binary('add', columnRef(source, views), param(1, views));
    const value = caseNode({ subject, arms: [{ when: param(2, views), then: param('two') }] });
    const statement = { node: selectNode({ from: [source], items: [exprItem('n', value)], where: equals(value, param('two')) }) };
    const { sql } = new SqliteCompiler().compileStatement(statement, { capabilities: CAPS.sqlite });
    expect(sql).toBe('SELECT CASE ("posts"."views" + ?) WHEN ? THEN ? END AS "n" FROM "posts" WHERE CASE ("posts"."views" + ?) WHEN ? THEN ? END = ?');
  });

  test('a CASE without arms is refused when it is built, naming the column', () => {
    expect(() => caseNode({ arms: [], column: views })).toThrow(ArgumentError);
    expect(() => caseNode({ arms: [], column: views })).toThrow(/caseNode\(\) for column views needs at least one \{ when, then \} arm/);
  });

  test('the node and its arms are frozen', () => {
    const value = caseNode({ arms: [{ when: param(true), then: param(1) }] });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.arms)).toBe(true);
    expect(Object.isFrozen(value.arms[0])).toBe(true);
  });
});

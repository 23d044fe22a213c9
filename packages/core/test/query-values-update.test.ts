/*
 * UPDATE ... FROM (VALUES ...), the statement the unit of work batches updates into: its
 * exact SQL on PostgreSQL (typed first row) and SQLite (VALUES columns renamed by a
 * SELECT), slots filled per execution, and a clear refusal where the server lacks it.
 */
import { metadata, NotSupportedError, type Statement } from '@strata/core';
import { fillSlots, ParamSlot, type QueryCompiler, type UpdateNode } from '@strata/core/dialect';
import { PostgresCompiler } from '@strata/postgres';
import { SqliteCompiler } from '@strata/sqlite';
import { MysqlCompiler } from '@strata/mysql';
import { CAPS, Post } from './query-fixtures';

/** `UPDATE posts SET title = v.v1 FROM (VALUES (id, title) x2) AS v WHERE posts.id = v.v0`, built as the persister builds it. */
function valuesUpdate(): Statement<unknown> {
  const entity = metadata.entity(Post);
  const id = entity.columns.find((c) => c.columnName === 'id')!;
  const title = entity.columns.find((c) => c.columnName === 'title')!;
  const source = { kind: 'entity', entity, alias: undefined } as const;
  const rowsTable = { kind: 'table', table: 'v', alias: undefined } as const;
  let slot = 0;
  const cell = (column: typeof id) => ({ kind: 'param', value: new ParamSlot(slot++), column }) as const;
  const node: UpdateNode = {
    kind: 'update',
    source,
    assignments: [{ column: title, value: { kind: 'column', source: rowsTable, name: 'v1', column: title } }],
    from: { kind: 'values', alias: 'v', names: ['v0', 'v1'], columns: [id, title], rows: [[cell(id), cell(title)], [cell(id), cell(title)]] },
    where: { kind: 'binary', op: 'eq', left: { kind: 'column', source, name: 'id', column: id }, right: { kind: 'column', source: rowsTable, name: 'v0', column: id } },
    returning: undefined,
  };
  return { node };
}

function compile(compiler: QueryCompiler, capabilities: (typeof CAPS)[keyof typeof CAPS]) {
  return compiler.compileStatement(valuesUpdate(), { capabilities: { ...capabilities, updateFromValues: true } });
}

describe('UPDATE ... FROM (VALUES ...)', () => {
  test('PostgreSQL names the VALUES columns in the alias and types the first row', () => {
    const compiled = compile(new PostgresCompiler(), CAPS.postgresql);
    expect(compiled.sql).toBe(
      'UPDATE "posts" SET "title" = "v"."v1" FROM (VALUES (CAST($1 AS integer), CAST($2 AS varchar(255))), ($3, $4)) AS "v" ("v0", "v1") WHERE "posts"."id" = "v"."v0"',
    );
    expect(fillSlots(compiled, [1, 'a', 2, 'b']).params).toEqual([1, 'a', 2, 'b']);
  });

  test('SQLite renames its column1, column2 ... with a SELECT', () => {
    const compiled = compile(new SqliteCompiler(), CAPS.sqlite);
    expect(compiled.sql).toBe(
      'UPDATE "posts" SET "title" = "v"."v1" FROM (SELECT column1 AS "v0", column2 AS "v1" FROM (VALUES (?, ?), (?, ?))) AS "v" WHERE "posts"."id" = "v"."v0"',
    );
  });

  test('a server without it refuses the statement by name', () => {
    expect(() => new MysqlCompiler().compileStatement(valuesUpdate(), { capabilities: CAPS.mariadb })).toThrow(NotSupportedError);
    expect(() => new MysqlCompiler().compileStatement(valuesUpdate(), { capabilities: CAPS.mariadb })).toThrow(/UPDATE \.\.\. FROM \(VALUES \.\.\.\) is not available/);
  });
});

/*
 * Golden tests of the SQLite compiler: the exact SQL and parameters of every
 * representative statement, and how older SQLite versions are served.
 */
import { ArgumentError, insert, NotSupportedError, ref, select } from '@strata/core';
import { SqliteCompiler } from '@strata/sqlite';
import { CAPS, compilerFor, Tag, User } from './query-fixtures';
import { GOLDEN, goldenTests, type Golden } from './query-golden-cases';

const compiler = new SqliteCompiler();
const compile = compilerFor(compiler, CAPS.sqlite, 'SQLite 3.45');
const old = compilerFor(compiler, CAPS.oldSqlite, 'SQLite 3.22');
const USERS = '"users"."id", "users"."name", "users"."email", "users"."age", "users"."last_login", "users"."active", "users"."manager_id"';
const POSTS = '"posts"."id", "posts"."title", "posts"."views", "posts"."author_id"';

const EXPECTED: Record<keyof typeof GOLDEN, Golden> = {
  page: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."name" LIKE ? ORDER BY "users"."name" LIMIT ? OFFSET ?', ['a%', 20, 40]],
  offsetOnly: ['SELECT "users"."id" FROM "users" WHERE "users"."email" = ? LIMIT -1 OFFSET ?', ['a@x.io', 5]],
  shorthand: ['SELECT DISTINCT ' + USERS + ' FROM "users" WHERE "users"."email" = ? AND "users"."age" IS NULL AND "users"."name" IN (?, ?)', ['a@x.io', 'a', 'b']],
  joinRelation: ['SELECT ' + USERS + ' FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE LOWER("posts"."title") LIKE LOWER(?)', ['%sql%']],
  manyToManyNulls: ['SELECT ' + POSTS + ' FROM "posts" LEFT OUTER JOIN "post_tags" ON "post_tags"."posts_id" = "posts"."id" LEFT OUTER JOIN "tags" ON "tags"."id" = "post_tags"."tags_id" ORDER BY "tags"."label" DESC NULLS LAST, "posts"."id"', []],
  nullsFirst: ['SELECT "users"."id" FROM "users" ORDER BY "users"."age" NULLS FIRST', []],
  groupBy: ['SELECT "users"."id", count(*) AS "n" FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" GROUP BY "users"."id" HAVING count(*) > ?', [1]],
  exists: ['SELECT ' + USERS + ' FROM "users" WHERE EXISTS (SELECT ' + POSTS + ' FROM "posts" WHERE "posts"."author_id" = "users"."id")', []],
  inSubqueryAndScalar: ['SELECT "users"."name", (SELECT count(*) AS "n" FROM "posts" WHERE "posts"."author_id" = "users"."id") AS "posts" FROM "users" WHERE "users"."id" NOT IN (SELECT "posts"."id" FROM "posts" WHERE "posts"."views" > ?)', [100]],
  fromSubquery: ['SELECT "posts"."title", "top"."views" FROM "posts" INNER JOIN (SELECT "posts"."id", "posts"."views" FROM "posts" WHERE "posts"."views" >= ?) AS "top" ON "top"."id" = "posts"."id"', [10]],
  cte: ['WITH "busy" AS (SELECT "users"."id" FROM "users" WHERE "users"."age" IS NOT NULL) SELECT "busy"."id", "posts"."title" FROM "busy" INNER JOIN "posts" ON "posts"."author_id" = "busy"."id"', []],
  union: ['SELECT "users"."name" AS "word" FROM "users" UNION SELECT * FROM (SELECT "tags"."label" AS "word" FROM "tags" ORDER BY "tags"."label" LIMIT ?) ORDER BY "word" DESC LIMIT ?', [3, 5]],
  unionAll: ['SELECT "users"."name" AS "word" FROM "users" WHERE "users"."active" = ? UNION ALL SELECT "tags"."label" AS "word" FROM "tags"', [true]],
  insertMany: ['INSERT INTO "users" ("name", "email", "age", "active") VALUES (?, ?, ?, ?), (?, ?, ?, ?)', ['a', 'a@x.io', 1, true, 'b', 'b@x.io', 2, false]],
  insertDefault: ['INSERT INTO "posts" ("title", "views", "author_id") VALUES (?, ?, ?), (?, ?, ?)', ['x', 0, 1, 'y', 7, 2]],
  upsertCopy: ['INSERT INTO "users" ("name", "email", "active") VALUES (?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = EXCLUDED."age"', ['a', 'a@x.io', true]],
  upsertCompute: ['INSERT INTO "posts" ("title", "views", "author_id") VALUES (?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "views" = "posts"."views" + EXCLUDED."views"', ['x', 1, 1]],
  upsertNothing: ['INSERT INTO "tags" ("label") VALUES (?) ON CONFLICT ("label") DO NOTHING', ['sql']],
  insertReturning: ['INSERT INTO "tags" ("label") VALUES (?) RETURNING "id"', ['sql']],
  update: ['UPDATE "posts" SET "views" = "posts"."views" + ?, "title" = ? WHERE "posts"."author_id" = ? AND NOT ("posts"."title" = ?)', [1, 'T', 3, '']],
  updateReturning: ['UPDATE "tags" SET "label" = ? WHERE "tags"."id" = ? RETURNING "id", "label"', ['b', 1]],
  deleteReturning: ['DELETE FROM "tags" WHERE "tags"."label" = ? OR FALSE RETURNING "label"', ['a']],
  forUpdate: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = ?', [1]],
  skipLocked: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = ?', [1]],
  nowait: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = ?', [1]],
  lockOf: ['SELECT ' + USERS + ' FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id"', []],
  selfJoin: ['SELECT "users"."name", "boss"."name" AS "boss" FROM "users" INNER JOIN "users" AS "boss" ON "users"."manager_id" = "boss"."id"', []],
  fragments: ['SELECT "users"."age" + ? AS "next", length("users"."name") AS "len" FROM "users" WHERE "users"."age" > ?', [1, 18]],
  emptyLogic: ['SELECT "users"."id" FROM "users" WHERE TRUE HAVING FALSE', []],
};

describe('SQLite golden SQL', () => {
  goldenTests(compile, EXPECTED);

  test('FOR UPDATE adds nothing, whatever its options', () => {
    for (const name of ['forUpdate', 'skipLocked', 'nowait'] as const) {
      expect(compile(GOLDEN[name]!()).sql).toBe('SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = ?');
    }
  });

  test('a multi-row insert whose rows give different properties is refused: SQLite has no DEFAULT there', () => {
    const statement = insert(User).values([{ name: 'a', email: 'a@x.io', age: 3 }, { name: 'b', email: 'b@x.io' }]);
    expect(() => compile(statement)).toThrow(ArgumentError);
    expect(() => compile(statement)).toThrow(/leaves User\.age out/);
  });

  test('before 3.30 NULLS FIRST / LAST is emulated; before 3.35 RETURNING is refused', () => {
    const u = ref(User);
    expect(old(select({ id: u.id }).orderBy(u.age.desc().nullsFirst(), u.name.nullsLast())).sql).toBe(
      'SELECT "users"."id" FROM "users" ORDER BY ("users"."age" IS NULL) DESC, "users"."age" DESC, ("users"."name" IS NULL), "users"."name"',
    );
    expect(() => old(GOLDEN.insertReturning!())).toThrow(NotSupportedError);
    expect(() => old(GOLDEN.insertReturning!())).toThrow(/INSERT \.\.\. RETURNING is not available on SQLite 3\.22/);
  });

  test('an insert with no values at all uses DEFAULT VALUES', () => {
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(compile(insert(Tag).values({})).sql).toBe('INSERT INTO "tags" DEFAULT VALUES');
  });

  test('several rows with no values at all are refused in one INSERT, naming the entity and the fix', () => {
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(() => compile(insert(Tag).values([{}, {}]))).toThrow(NotSupportedError);
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(() => compile(insert(Tag).values([{}, {}]))).toThrow(/insert\(Tag\): SQLite 3\.45 cannot put 2 rows that give no value at all into one INSERT; insert them one by one/);
  });

  test('plain UNION members stay unwrapped', () => {
    const u = ref(User);
    expect(compile(select({ n: u.id }).where(u.id.eq(1)).union(select({ n: u.id }).where(u.id.eq(2)))).sql).toBe(
      'SELECT "users"."id" AS "n" FROM "users" WHERE "users"."id" = ? UNION SELECT "users"."id" AS "n" FROM "users" WHERE "users"."id" = ?',
    );
  });
});

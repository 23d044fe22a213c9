/*
 * Golden tests of the PostgreSQL compiler: the exact SQL and parameters of every
 * representative statement, plus what only PostgreSQL's output shows.
 */
import { and, ArgumentError, Column, deleteFrom, Entity, insert, not, PrimaryGeneratedColumn, ref, select, sql } from '@strata/core';
import { fillSlots, ListSlot } from '@strata/core/dialect';
import { PostgresCompiler } from '@strata/postgres';
import { CAPS, compilerFor, Post, TAGGING_TYPES, Tag, User } from './query-fixtures';
import { goldenTests, type Golden, type GOLDEN } from './query-golden-cases';

const compile = compilerFor(new PostgresCompiler(), CAPS.postgresql, 'PostgreSQL 16');
const USERS = '"users"."id", "users"."name", "users"."email", "users"."age", "users"."last_login", "users"."active", "users"."manager_id"';
const POSTS = '"posts"."id", "posts"."title", "posts"."views", "posts"."author_id"';

const EXPECTED: Record<keyof typeof GOLDEN, Golden> = {
  page: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."name" LIKE $1 ORDER BY "users"."name" LIMIT $2 OFFSET $3', ['a%', 20, 40]],
  offsetOnly: ['SELECT "users"."id" FROM "users" WHERE "users"."email" = $1 OFFSET $2', ['a@x.io', 5]],
  shorthand: ['SELECT DISTINCT ' + USERS + ' FROM "users" WHERE "users"."email" = $1 AND "users"."age" IS NULL AND "users"."name" = ANY($2::varchar[])', ['a@x.io', ['a', 'b']]],
  joinRelation: ['SELECT ' + USERS + ' FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "posts"."title" ILIKE $1', ['%sql%']],
  manyToManyNulls: ['SELECT ' + POSTS + ' FROM "posts" LEFT OUTER JOIN "post_tags" ON "post_tags"."posts_id" = "posts"."id" LEFT OUTER JOIN "tags" ON "tags"."id" = "post_tags"."tags_id" ORDER BY "tags"."label" DESC NULLS LAST, "posts"."id"', []],
  nullsFirst: ['SELECT "users"."id" FROM "users" ORDER BY "users"."age" NULLS FIRST', []],
  groupBy: ['SELECT "users"."id", count(*) AS "n" FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" GROUP BY "users"."id" HAVING count(*) > $1', [1]],
  exists: ['SELECT ' + USERS + ' FROM "users" WHERE EXISTS (SELECT ' + POSTS + ' FROM "posts" WHERE "posts"."author_id" = "users"."id")', []],
  inSubqueryAndScalar: ['SELECT "users"."name", (SELECT count(*) AS "n" FROM "posts" WHERE "posts"."author_id" = "users"."id") AS "posts" FROM "users" WHERE "users"."id" NOT IN (SELECT "posts"."id" FROM "posts" WHERE "posts"."views" > $1)', [100]],
  fromSubquery: ['SELECT "posts"."title", "top"."views" FROM "posts" INNER JOIN (SELECT "posts"."id", "posts"."views" FROM "posts" WHERE "posts"."views" >= $1) AS "top" ON "top"."id" = "posts"."id"', [10]],
  cte: ['WITH "busy" AS (SELECT "users"."id" FROM "users" WHERE "users"."age" IS NOT NULL) SELECT "busy"."id", "posts"."title" FROM "busy" INNER JOIN "posts" ON "posts"."author_id" = "busy"."id"', []],
  union: ['SELECT "users"."name" AS "word" FROM "users" UNION (SELECT "tags"."label" AS "word" FROM "tags" ORDER BY "tags"."label" LIMIT $1) ORDER BY "word" DESC LIMIT $2', [3, 5]],
  unionAll: ['SELECT "users"."name" AS "word" FROM "users" WHERE "users"."active" = $1 UNION ALL SELECT "tags"."label" AS "word" FROM "tags"', [true]],
  insertMany: ['INSERT INTO "users" ("name", "email", "age", "active") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)', ['a', 'a@x.io', 1, true, 'b', 'b@x.io', 2, false]],
  insertDefault: ['INSERT INTO "posts" ("title", "views", "author_id") VALUES ($1, $2, $3), ($4, $5, $6)', ['x', 0, 1, 'y', 7, 2]],
  upsertCopy: ['INSERT INTO "users" ("name", "email", "active") VALUES ($1, $2, $3) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = EXCLUDED."age"', ['a', 'a@x.io', true]],
  upsertCompute: ['INSERT INTO "posts" ("title", "views", "author_id") VALUES ($1, $2, $3) ON CONFLICT ("id") DO UPDATE SET "views" = "posts"."views" + EXCLUDED."views"', ['x', 1, 1]],
  upsertNothing: ['INSERT INTO "tags" ("label") VALUES ($1) ON CONFLICT ("label") DO NOTHING', ['sql']],
  insertReturning: ['INSERT INTO "tags" ("label") VALUES ($1) RETURNING "id"', ['sql']],
  update: ['UPDATE "posts" SET "views" = "posts"."views" + $1, "title" = $2 WHERE "posts"."author_id" = $3 AND NOT ("posts"."title" = $4)', [1, 'T', 3, '']],
  updateReturning: ['UPDATE "tags" SET "label" = $1 WHERE "tags"."id" = $2 RETURNING "id", "label"', ['b', 1]],
  deleteReturning: ['DELETE FROM "tags" WHERE "tags"."label" = $1 OR FALSE RETURNING "label"', ['a']],
  forUpdate: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = $1 FOR UPDATE', [1]],
  skipLocked: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = $1 FOR UPDATE SKIP LOCKED', [1]],
  nowait: ['SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = $1 FOR UPDATE NOWAIT', [1]],
  lockOf: ['SELECT ' + USERS + ' FROM "users" INNER JOIN "posts" ON "posts"."author_id" = "users"."id" FOR UPDATE OF "users"', []],
  selfJoin: ['SELECT "users"."name", "boss"."name" AS "boss" FROM "users" INNER JOIN "users" AS "boss" ON "users"."manager_id" = "boss"."id"', []],
  fragments: ['SELECT "users"."age" + $1 AS "next", length("users"."name") AS "len" FROM "users" WHERE "users"."age" > $2', [1, 18]],
  emptyLogic: ['SELECT "users"."id" FROM "users" WHERE TRUE HAVING FALSE', []],
};

describe('PostgreSQL golden SQL', () => {
  goldenTests(compile, EXPECTED);

  test('a row leaving a column out of a multi-row insert gets DEFAULT', () => {
    const { sql } = compile(insert(User).values([{ name: 'a', email: 'a@x.io', age: 3 }, { name: 'b', email: 'b@x.io' }]));
    expect(sql).toBe('INSERT INTO "users" ("name", "email", "age", "active") VALUES ($1, $2, $3, $4), ($5, $6, DEFAULT, $7)');
  });

  test('contains() escapes wildcards in the text and adds an ESCAPE clause; ilike keeps it', () => {
    const u = ref(User);
    const { sql, params } = compile(select({ id: u.id }).where(u.name.contains('5%_!')));
    expect(sql).toBe(`SELECT "users"."id" FROM "users" WHERE "users"."name" LIKE $1 ESCAPE '!'`);
    expect(params).toEqual(['%5!%!_!!%']);
    expect(compile(select({ id: u.id }).where(u.name.istartsWith('a'))).sql).toMatch(/"users"\."name" ILIKE \$1 ESCAPE '!'$/);
    expect(compile(select({ id: u.id }).where(u.name.like('a\\%', { escape: '\\' }))).sql).toMatch(/LIKE \$1 ESCAPE '\\'$/);
  });

  test('several rows with no values at all share one INSERT of DEFAULT rows', () => {
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(compile(insert(Tag).values([{}, {}])).sql).toBe('INSERT INTO "tags" ("id") VALUES (DEFAULT), (DEFAULT)');
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(compile(insert(Tag).values({})).sql).toBe('INSERT INTO "tags" DEFAULT VALUES');
  });

  test('an upsert that updates needs its conflict target', () => {
    expect(() => compile(insert(User).values({ name: 'a', email: 'a@x.io' }).onConflict({ set: ['name'] }))).toThrow(ArgumentError);
    expect(compile(insert(User).values({ name: 'a', email: 'a@x.io' }).onConflict({ set: 'nothing' })).sql).toMatch(/ ON CONFLICT DO NOTHING$/);
  });

  test('ILIKE is native; negations keep their operands', () => {
    const u = ref(User);
    const { sql, params } = compile(select({ id: u.id }).where(and(u.name.notLike('a%'), not(u.email.ilike('%@X.IO')), u.age.notBetween(1, 9))));
    expect(sql).toBe('SELECT "users"."id" FROM "users" WHERE "users"."name" NOT LIKE $1 AND NOT ("users"."email" ILIKE $2) AND "users"."age" NOT BETWEEN $3 AND $4');
    expect(params).toEqual(['a%', '%@X.IO', 1, 9]);
  });
});

@Entity('pg_in_items')
class Item {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'enum', enum: ['red', 'green'], enumName: 'pg_in_colour' }) colour!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ length: 3 }) code!: string;
  @Column({ type: 'bigint' }) big!: bigint;
}

describe('PostgreSQL IN lists as one typed array parameter', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  test('an IN list of values is one array parameter, the same text for 3 and 70,000 values', () => {
    const small = compile(select(User).where((u) => u.id.in(ids(3))));
    const huge = compile(select(User).where((u) => u.id.in(ids(70_000))));
    expect(small.sql).toBe('SELECT ' + USERS + ' FROM "users" WHERE "users"."id" = ANY($1::integer[])');
    expect(huge.sql).toBe(small.sql);
    expect(small.params).toEqual([[1, 2, 3]]);
    expect(huge.params).toHaveLength(1);
    expect((huge.params[0] as number[]).length).toBe(70_000);
  });

  test('NOT IN is <> ALL, and NULL stays an element (it matches nothing, as in a list)', () => {
    const { sql: text, params } = compile(select({ id: ref(User).id }).where(ref(User).age.notIn([1, null])));
    expect(text).toBe('SELECT "users"."id" FROM "users" WHERE "users"."age" <> ALL($1::integer[])');
    expect(params).toEqual([[1, null]]);
  });

  test('an empty list keeps its constant, and a list holding an expression stays IN (...)', () => {
    expect(compile(select({ id: ref(User).id }).where(ref(User).id.in([]))).sql).toBe('SELECT "users"."id" FROM "users" WHERE FALSE');
    expect(compile(select({ id: ref(User).id }).where(ref(User).id.notIn([]))).sql).toBe('SELECT "users"."id" FROM "users" WHERE TRUE');
    const u = ref(User);
    expect(compile(select({ id: u.id }).where(u.id.in([1, u.age, sql`2`]))).sql).toBe('SELECT "users"."id" FROM "users" WHERE "users"."id" IN ($1, "users"."age", 2)');
  });

  test('the element type is the column type without length or precision; an enum is its own type', () => {
    const i = ref(Item);
    const { sql: text } = compile(select({ id: i.id }).where(and(i.colour.in(['red']), i.price.in(['1.50']), i.code.in(['abc']), i.big.in([1n]))));
    expect(text).toBe(
      'SELECT "pg_in_items"."id" FROM "pg_in_items" WHERE "pg_in_items"."colour" = ANY($1::"pg_in_colour"[]) AND "pg_in_items"."price" = ANY($2::numeric[]) ' +
        'AND "pg_in_items"."code" = ANY($3::varchar[]) AND "pg_in_items"."big" = ANY($4::bigint[])',
    );
  });

  test('a relationship compared with several objects or keys is one array of their keys', () => {
    const p = ref(Post);
    const { sql: text, params } = compile(select({ id: p.id }).where(p.author.in([1, 2])));
    expect(text).toBe('SELECT "posts"."id" FROM "posts" WHERE "posts"."author_id" = ANY($1::integer[])');
    expect(params).toEqual([[1, 2]]);
  });

  test('each element goes through the column codec', () => {
    const when = new Date('2024-03-01T12:00:00Z');
    const compiled = new PostgresCompiler().compileStatement(select(User).where((u) => u.lastLogin.in([when, null])), { capabilities: CAPS.postgresql, types: TAGGING_TYPES });
    expect(compiled.params).toEqual([[`D:${when.toISOString()}`, null]]);
  });

  test('a ListSlot is one array parameter filled at execution, through the codec, whatever its length', () => {
    const u = ref(User);
    const statement = deleteFrom(User).where(u.lastLogin.in([new ListSlot(0)] as never));
    const compiled = new PostgresCompiler().compileStatement(statement, { capabilities: CAPS.postgresql, types: TAGGING_TYPES });
    expect(compiled.sql).toBe('DELETE FROM "users" WHERE "users"."last_login" = ANY($1::timestamptz[])');
    const when = new Date('2024-03-01T12:00:00Z');
    expect(fillSlots(compiled, [[when, null, when]]).params).toEqual([[`D:${when.toISOString()}`, null, `D:${when.toISOString()}`]]);
    expect(() => fillSlots(compiled, [when])).toThrow(ArgumentError);
  });
});

/*
 * The SQL expression conformance suite: statements built with select / insert / update /
 * deleteFrom run on each dialect and give the same rows - joins, grouping, subqueries,
 * unions, CTEs, NULLS ordering, LIMIT / OFFSET, upserts, FOR UPDATE - with hostile values
 * and hostile names staying inert. Features a server lacks must fail with NotSupportedError.
 */
import {
  aliased,
  and,
  createEngine,
  deleteFrom,
  exists,
  func,
  insert,
  not,
  or,
  select,
  sql,
  union,
  unionAll,
  update,
  type Engine,
  type Ordering,
  type Predicate,
  type SqlFragment,
} from '@strata/core';
import { testUrl, type DialectName } from '../targets';
import { createQueryTables, declareQueryModel, dropQueryTables, HOSTILE_COLUMN, HOSTILE_TABLE, seedQueryTables, type QueryModel } from './query-fixtures';
import { queryWriteChecks } from './query-write-checks';

/** Registers the SQL expression suite for one dialect. */
export function querySuite(dialect: DialectName): void {
  describe(`${dialect}: SQL expressions`, () => {
    const m: QueryModel = declareQueryModel();
    const { User, Post, Tag } = m;
    const ctx = { engine: undefined as unknown as Engine, ids: {} as Record<string, number>, m };

    beforeAll(async () => {
      ctx.engine = createEngine(testUrl(dialect), { poolSize: 3, poolTimeout: 10_000 });
      await createQueryTables(ctx.engine, dialect);
    });

    beforeEach(async () => {
      ctx.ids = await seedQueryTables(ctx.engine, m);
    });

    afterAll(async () => {
      await dropQueryTables(ctx.engine);
      await ctx.engine.dispose();
    });

    const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name);

    test('an entity select yields property bags converted by the column codecs', async () => {
      const { rows } = await ctx.engine.execute(select(User).where((u) => u.name.like('a%')));
      expect(rows).toEqual([{ id: ctx.ids.ann, name: 'ann', email: 'ann@x.io', age: 30, active: true, managerId: null }]);
      const bob = (await ctx.engine.execute(select(User).where({ email: 'bob@x.io' }))).rows[0]!;
      expect(bob.active).toBe(false);
      expect(bob.age).toBeNull();
    });

    test('comparisons, IN, BETWEEN, IS NULL, ILIKE and boolean combinators', async () => {
      const run = async (where: Predicate | SqlFragment) => names((await ctx.engine.execute(select(User).where(where).orderBy((u) => u.name))).rows);
      expect(await run(User.age.ge(25))).toEqual(['ann', 'cy']);
      expect(await run(User.name.in(['bob', 'cy', 'zed']))).toEqual(['bob', 'cy']);
      expect(await run(User.name.notIn([]))).toEqual(['ann', 'bob', 'cy']);
      expect(await run(User.name.in([]))).toEqual([]);
      expect(await run(User.age.between(20, 29))).toEqual(['cy']);
      expect(await run(User.age.isNull())).toEqual(['bob']);
      expect(await run(User.email.ilike('CY@%'))).toEqual(['cy']);
      expect(await run(or(User.age.lt(26), not(User.active.eq(true))))).toEqual(['bob', 'cy']);
      expect(await run(and(User.active.eq(true), User.age.gt(26)))).toEqual(['ann']);
      expect(await run(sql`${User.age} + ${1} = ${31}`)).toEqual(['ann']);
    });

    test('joins along one-to-many, many-to-one and many-to-many relationships', async () => {
      const byAuthor = await ctx.engine.execute(select(Post).join((p) => p.author).where((_p, u) => u.name.eq('ann')).orderBy((p) => p.title));
      expect(byAuthor.rows.map((p) => p.title)).toEqual(['Hello SQL', 'Joins']);
      const tagged = await ctx.engine.execute(select({ title: Post.title, tag: Tag.label }).from(Post).join(Post.tags).orderBy(Post.title, Tag.label));
      expect(tagged.rows).toEqual([
        { title: 'Hello SQL', tag: 'sql' },
        { title: 'Joins', tag: 'misc' },
        { title: 'Joins', tag: 'sql' },
      ]);
      const pairs = await ctx.engine.execute(select(User, Post).leftJoin((u) => u.posts).where((u) => u.name.in(['bob', 'cy'])).orderBy((u) => u.name));
      expect(pairs.rows.map(([u, p]) => [u.name, p?.title ?? null])).toEqual([['bob', 'Bobs day'], ['cy', null]]);
    });

    test('a self-join through an alias, with an explicit ON condition', async () => {
      const boss = aliased(User, 'boss');
      const { rows } = await ctx.engine.execute(
        select({ name: User.name, boss: boss.name }).from(User).join(boss, (u, b) => u.manager.eq(b)).orderBy(User.name),
      );
      expect(rows).toEqual([{ name: 'bob', boss: 'ann' }, { name: 'cy', boss: 'ann' }]);
    });

    test('group by, having and aggregate functions', async () => {
      const { rows } = await ctx.engine.execute(
        select({ author: User.name, posts: func.count(), views: func.sum(Post.views), top: func.max(Post.views) })
          .from(User)
          .join(User.posts)
          .groupBy(User.name)
          .having(func.count().ge(1))
          .orderBy(User.name),
      );
      expect(rows).toEqual([{ author: 'ann', posts: 2, views: 15, top: 10 }, { author: 'bob', posts: 1, views: 0, top: 0 }]);
      const lower = await ctx.engine.execute(select({ n: func.length(User.name), u: func.upper(User.name) }).where(User.name.eq('cy')));
      expect(lower.rows).toEqual([{ n: 2, u: 'CY' }]);
    });

    test('subqueries: IN, correlated EXISTS, scalar, and in FROM', async () => {
      const writers = await ctx.engine.execute(
        select(User).where((u) => exists(select(Post).where((p) => and(p.author.eq(u), p.views.gt(1))))).orderBy((u) => u.name),
      );
      expect(names(writers.rows)).toEqual(['ann']);
      const inSub = await ctx.engine.execute(select(User).where((u) => u.id.in(select({ a: Post.authorId }))).orderBy((u) => u.name));
      expect(names(inSub.rows)).toEqual(['ann', 'bob']);
      const counted = await ctx.engine.execute(
        select({ name: User.name, posts: select({ n: func.count() }).from(Post).where((p) => p.author.eq(User)).scalarSubquery() }).orderBy(User.name),
      );
      expect(counted.rows).toEqual([{ name: 'ann', posts: 2 }, { name: 'bob', posts: 1 }, { name: 'cy', posts: 0 }]);
      const totals = select({ author: Post.authorId, views: func.sum(Post.views) }).groupBy(Post.authorId).subquery('totals');
      const joined = await ctx.engine.execute(
        select({ name: User.name, views: totals.views }).from(User).join(totals, (_u, t) => t.author.eq(User.id)).where(totals.views.gt(1)),
      );
      expect(joined.rows).toEqual([{ name: 'ann', views: 15 }]);
    });

    test('union, union all and common table expressions', async () => {
      const labels = union(select({ word: User.name }).where(User.name.ne('bob')), select({ word: Tag.label })).orderBy((c) => c.word.desc()).limit(3);
      expect((await ctx.engine.execute(labels)).rows).toEqual([{ word: 'sql' }, { word: 'misc' }, { word: 'cy' }]);
      const twice = unionAll(select({ word: Tag.label }).where(Tag.label.eq('sql')), select({ word: Tag.label }).orderBy(Tag.label).limit(1));
      expect((await ctx.engine.execute(twice)).rows.map((r) => r.word).sort()).toEqual(['misc', 'sql']);
      const busy = select({ id: User.id, name: User.name }).where(User.age.isNotNull()).cte('busy');
      const { rows } = await ctx.engine.execute(select({ name: busy.name, title: Post.title }).from(busy).join(Post, (b, p) => p.author.eq(b.id)).orderBy(Post.title));
      expect(rows).toEqual([{ name: 'ann', title: 'Hello SQL' }, { name: 'ann', title: 'Joins' }]);
    });

    test('NULLS FIRST / LAST, natively or emulated', async () => {
      const order = async (o: Ordering) => names((await ctx.engine.execute(select(User).orderBy(o, User.name))).rows);
      expect(await order(User.age.nullsFirst())).toEqual(['bob', 'cy', 'ann']);
      expect(await order(User.age.nullsLast())).toEqual(['cy', 'ann', 'bob']);
      expect(await order(User.age.desc().nullsFirst())).toEqual(['bob', 'ann', 'cy']);
      expect(await order(User.age.desc().nullsLast())).toEqual(['ann', 'cy', 'bob']);
    });

    test('LIMIT and OFFSET, together and alone, bound as parameters', async () => {
      const page = select(User).orderBy((u) => u.name);
      expect(names((await ctx.engine.execute(page.limit(2))).rows)).toEqual(['ann', 'bob']);
      expect(names((await ctx.engine.execute(page.limit(1).offset(1))).rows)).toEqual(['bob']);
      expect(names((await ctx.engine.execute(page.offset(2))).rows)).toEqual(['cy']);
      expect(names((await ctx.engine.execute(page.distinct().limit(0))).rows)).toEqual([]);
    });

    test('streaming a statement yields converted rows', async () => {
      const conn = await ctx.engine.connect();
      try {
        const seen: boolean[] = [];
        for await (const row of conn.stream(select(User).orderBy((u) => u.name), { batchSize: 2 })) seen.push(row.active);
        expect(seen).toEqual([true, false, true]);
      } finally {
        await conn.close();
      }
    });

    test('hostile values are bound, never spliced', async () => {
      const evil = "'; DROP TABLE q_users; --";
      await ctx.engine.execute(insert(User).values({ name: evil, email: `${evil}"\`\\` }));
      const { rows } = await ctx.engine.execute(select({ name: User.name, email: User.email }).where(User.name.eq(evil)));
      expect(rows).toEqual([{ name: evil, email: `${evil}"\`\\` }]);
      await ctx.engine.execute(update(User).set({ name: `${evil}2` }).where(User.email.like(`${evil}%`)));
      await ctx.engine.execute(deleteFrom(User).where(User.name.eq(`${evil}2`)));
      expect(Number((await ctx.engine.execute(select({ n: func.count() }).from(User))).rows[0]!.n)).toBe(3);
    });

    test('hostile table and column names stay names', async () => {
      const { Weird } = m;
      await ctx.engine.execute(insert(Weird).values([{ label: 'a' }, { label: HOSTILE_COLUMN }]));
      await ctx.engine.execute(update(Weird).set({ label: 'b' }).where({ label: 'a' }));
      const { rows } = await ctx.engine.execute(select(Weird).where((w) => w.label.in(['b', HOSTILE_COLUMN])).orderBy((w) => w.label));
      expect(rows.map((r) => r.label)).toEqual([HOSTILE_COLUMN, 'b'].sort());
      await ctx.engine.execute(deleteFrom(Weird).where({ label: 'b' }));
      expect((await ctx.engine.execute(select(Weird))).rows.map((r) => r.label)).toEqual([HOSTILE_COLUMN]);
      // Every table named in the hostile names is still there.
      expect((await ctx.engine.execute(select(User))).rows).toHaveLength(3);
      expect((await ctx.engine.execute(select(Post))).rows).toHaveLength(3);
      expect(HOSTILE_TABLE).toContain('DROP TABLE q_users');
    });

    queryWriteChecks(ctx);
  });
}

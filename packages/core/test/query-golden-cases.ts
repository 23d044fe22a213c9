/*
 * The statements every dialect's golden test compiles: one representative of each form
 * (joins, subqueries, CTE, union, upserts, FOR UPDATE, NULLS ordering, LIMIT / OFFSET).
 * Each dialect's test file holds the exact SQL and parameters it expects for each.
 */
import { aliased, and, deleteFrom, exists, func, insert, not, or, ref, select, sql, union, unionAll, update, type Statement } from '@strata/core';
import { Post, Tag, User } from './query-fixtures';

const u = ref(User);
const p = ref(Post);
const t = ref(Tag);
const boss = aliased(User, 'boss');

/** Name -> statement. */
export const GOLDEN: Record<string, () => Statement<unknown>> = {
  page: () => select(User).where((x) => x.name.like('a%')).orderBy((x) => x.name).limit(20).offset(40),
  offsetOnly: () => select({ id: u.id }).where(u.email.eq('a@x.io')).offset(5),
  shorthand: () => select(User).where({ email: 'a@x.io', age: null, name: ['a', 'b'] }).distinct(),
  joinRelation: () => select(User).join((x) => x.posts).where((_x, q) => q.title.ilike('%sql%')),
  manyToManyNulls: () => select(Post).leftJoin((x) => x.tags).orderBy((_x, tag) => tag.label.desc().nullsLast(), (x) => x.id),
  nullsFirst: () => select({ id: u.id }).orderBy(u.age.nullsFirst()),
  groupBy: () => select({ id: u.id, n: func.count() }).join(u.posts).groupBy(u.id).having(func.count().gt(1)),
  exists: () => select(User).where((x) => exists(select(Post).where((q) => q.author.eq(x)))),
  inSubqueryAndScalar: () =>
    select({ name: u.name, posts: select({ n: func.count() }).from(Post).where((q) => q.author.eq(u)).scalarSubquery() }).where(
      u.id.notIn(select({ id: p.id }).where(p.views.gt(100))),
    ),
  fromSubquery: () => {
    const top = select({ id: p.id, views: p.views }).where(p.views.ge(10)).subquery('top');
    return select({ title: p.title, views: top.views }).from(Post).join(top, top.id.eq(p.id));
  },
  cte: () => {
    const busy = select({ id: u.id }).where(u.age.isNotNull()).cte('busy');
    return select({ id: busy.id, title: p.title }).from(busy).join(Post, (b, q) => q.author.eq(b.id));
  },
  union: () => union(select({ word: u.name }), select({ word: t.label }).orderBy(t.label).limit(3)).orderBy((c) => c.word.desc()).limit(5),
  unionAll: () => unionAll(select({ word: u.name }).where(u.active.eq(true)), select({ word: t.label })),
  insertMany: () => insert(User).values([{ name: 'a', email: 'a@x.io', age: 1 }, { name: 'b', email: 'b@x.io', age: 2, active: false }]),
  // @ts-expect-error an object holding the key is accepted at run time (JavaScript callers); the types take the object or its key
  insertDefault: () => insert(Post).values([{ title: 'x', author: 1 }, { title: 'y', author: { id: 2 }, views: 7 }]),
  upsertCopy: () => insert(User).values({ name: 'a', email: 'a@x.io' }).onConflict({ target: ['email'], set: ['name', 'age'] }),
  upsertCompute: () =>
    insert(Post).values({ title: 'x', views: 1, author: 1 }).onConflict({ target: ['id'], set: (proposed, current) => ({ views: current.views.add(proposed.views) }) }),
  upsertNothing: () => insert(Tag).values({ label: 'sql' }).onConflict({ target: ['label'], set: 'nothing' }),
  insertReturning: () => insert(Tag).values({ label: 'sql' }).returning((x) => ({ id: x.id })),
  update: () => update(Post).set((x) => ({ views: x.views.add(1), title: 'T' })).where((x) => and(x.author.eq(3), not(x.title.eq('')))),
  updateReturning: () => update(Tag).set({ label: 'b' }).where({ id: 1 }).returning(),
  deleteReturning: () => deleteFrom(Tag).where((x) => or(x.label.eq('a'), x.id.in([]))).returning((x) => ({ label: x.label })),
  forUpdate: () => select(User).where({ id: 1 }).forUpdate(),
  skipLocked: () => select(User).where({ id: 1 }).forUpdate({ skipLocked: true }),
  nowait: () => select(User).where({ id: 1 }).forUpdate({ nowait: true }),
  lockOf: () => select(User).join((x) => x.posts).forUpdate({ of: [u] }),
  selfJoin: () => select({ name: u.name, boss: boss.name }).from(User).join(boss, (x, b) => x.manager.eq(b)),
  fragments: () => select({ next: sql`${u.age} + ${1}`, len: func.length(u.name) }).where(sql`${u.age} > ${18}`),
  emptyLogic: () => select({ id: u.id }).where(and()).having(or()),
};

/** The expected compilation of a case: SQL and parameters, or the error it raises. */
export type Golden = readonly [string, readonly unknown[]] | { readonly throws: abstract new (...args: never[]) => Error; readonly message: RegExp };

/** Registers one test per case, comparing the compiled SQL and parameters exactly. */
export function goldenTests(compile: (s: Statement<unknown>) => { sql: string; params: readonly unknown[] }, expected: Record<keyof typeof GOLDEN, Golden>): void {
  test.each(Object.keys(GOLDEN))('%s', (name) => {
    const want = expected[name]!;
    if ('throws' in want) {
      expect(() => compile(GOLDEN[name]!())).toThrow(want.throws as never);
      expect(() => compile(GOLDEN[name]!())).toThrow(want.message);
      return;
    }
    const { sql: text, params } = compile(GOLDEN[name]!());
    expect([text, params]).toEqual(want);
  });
}

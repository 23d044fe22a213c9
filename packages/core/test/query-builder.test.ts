/*
 * The statement builders and the compiler's dialect-independent behaviour: immutability,
 * codecs on bound values, row decoding, the compile cache, fragments holding expressions,
 * and the errors that name what to fix. Compiled with the PostgreSQL compiler.
 */
import {
  aliased,
  ArgumentError,
  deleteFrom,
  exists,
  func,
  insert,
  ref,
  select,
  sql,
  union,
  update,
  type EntityRow,
  type RowOf,
} from '@strata/core';
import { PostgresCompiler } from '@strata/postgres';
import { CAPS, Post, TAGGING_TYPES, User } from './query-fixtures';

const compiler = new PostgresCompiler();
const options = { capabilities: CAPS.postgresql, types: TAGGING_TYPES };
const compile = (statement: Parameters<typeof compiler.compileStatement>[0]) => compiler.compileStatement(statement, options);
const u = ref(User);
const p = ref(Post);
const when = new Date('2024-03-01T12:00:00.000Z');

describe('statement builders', () => {
  test('every call returns a new frozen statement and leaves the old one as it was', () => {
    const base = select(User);
    const filtered = base.where((x) => x.age.gt(3));
    const limited = filtered.limit(5);
    expect(filtered).not.toBe(base);
    expect(base.node.where).toBeUndefined();
    expect(filtered.node.limit).toBeUndefined();
    expect(limited.node.limit).toBe(5);
    expect(Object.isFrozen(limited)).toBe(true);
    expect(Object.isFrozen(limited.node)).toBe(true);
    expect(Object.isFrozen(limited.node.orderBy)).toBe(true);
    expect(() => ((limited.node as { limit: number }).limit = 9)).toThrow(TypeError);
  });

  test('callbacks receive one reference per source; ref() gives the same object', () => {
    const seen: unknown[] = [];
    select(User).join((x) => x.posts).where((x, q) => {
      seen.push(x, q);
      return undefined;
    });
    expect(seen).toEqual([u, p]);
    expect(seen[0]).toBe(u);
    expect(aliased(User, 'other')).not.toBe(u);
  });
});

describe('codecs', () => {
  test('values compared with a column go through its codec; patterns, limits and raw values do not', () => {
    const { params } = compile(
      select(User)
        .where((x) => x.lastLogin.gt(when))
        .where((x) => x.active.in([true, false]))
        .where((x) => x.lastLogin.between(when, when))
        .where((x) => x.name.like('a%'))
        .where(sql`${true} = ${true}`)
        .limit(3),
    );
    // The IN list is one array parameter on PostgreSQL, each element through the codec.
    expect(params).toEqual([`D:${when.toISOString()}`, [1, 0], `D:${when.toISOString()}`, `D:${when.toISOString()}`, 'a%', true, true, 3]);
  });

  test('insert, update and upsert values go through the codec of their column', () => {
    expect(compile(insert(User).values({ name: 'a', email: 'e', lastLogin: when })).params).toEqual(['a', 'e', `D:${when.toISOString()}`, 1]);
    expect(compile(update(User).set({ active: false, lastLogin: null }).all()).params).toEqual([0, null]);
    const upsert = insert(User).values({ name: 'a', email: 'e' }).onConflict({ target: ['email'], set: { active: false } });
    expect(compile(upsert).params).toEqual(['a', 'e', 1, 0]);
  });

  test('rows are decoded by codec, by the expression decoder, and shaped by the selection', () => {
    const entity = compile(select(User));
    expect(entity.decodeRow!({ id: 1, name: 'a', email: 'e', age: null, last_login: when.toISOString(), active: 1, manager_id: 4 })).toEqual({
      id: 1,
      name: 'a',
      email: 'e',
      age: null,
      lastLogin: when,
      active: true,
      manager_id: 4,
    });
    const record = compile(select({ n: func.count(), big: u.age.gt(3), on: u.active }).from(User));
    expect(record.columns.map((c) => c.label)).toEqual(['n', 'big', 'on']);
    expect(record.decodeRow!({ n: '7', big: 0, on: 1 })).toEqual({ n: 7, big: false, on: true });
    const tuple = compile(select(User, Post).leftJoin((x) => x.posts));
    const row = Object.fromEntries(tuple.columns.map((c) => [c.label, c.label.startsWith('0.') ? 1 : null]));
    const [user, post] = tuple.decodeRow!(row) as [Record<string, unknown>, unknown];
    expect(user.active).toBe(true);
    expect(post).toBeNull();
  });

  test('columns read through a subquery keep the inner column codec', () => {
    const inner = select({ seen: u.lastLogin, n: func.count() }).groupBy(u.lastLogin).subquery('t');
    const compiled = compile(select({ seen: inner.seen, n: inner.n }).where(inner.seen.lt(when)));
    expect(compiled.params).toEqual([`D:${when.toISOString()}`]);
    expect(compiled.decodeRow!({ seen: when.toISOString(), n: '2' })).toEqual({ seen: when, n: 2 });
  });
});

describe('the compiler', () => {
  test('caches the compiled statement per statement and options', () => {
    const statement = select(User).where({ id: 1 });
    expect(compile(statement)).toBe(compile(statement));
    expect(compiler.compileStatement(statement, { capabilities: CAPS.mariadb, types: TAGGING_TYPES })).not.toBe(compile(statement));
  });

  test('fragments may hold expressions and whole queries', () => {
    const { sql: text, params } = compiler.compile(sql`SELECT ${u.name} FROM ${sql.id('users')} WHERE ${u.id} IN ${select({ id: p.id }).where(p.views.gt(1))}`);
    expect(text).toBe('SELECT "users"."name" FROM "users" WHERE "users"."id" IN (SELECT "posts"."id" FROM "posts" WHERE "posts"."views" > $1)');
    expect(params).toEqual([1]);
  });

  test('expressions inside fragments use the codecs when compiled with options; writes cannot nest', () => {
    expect(compiler.compile(sql`SELECT 1 WHERE ${u.lastLogin.gt(when)}`, [], options).params).toEqual([`D:${when.toISOString()}`]);
    expect(() => compiler.compile(sql`WITH x AS (${insert(User).values({ name: 'a', email: 'b' })}) SELECT 1`)).toThrow(/Only select/);
  });

  test('a subquery correlates to sources of the enclosing query, unless it names them in FROM', () => {
    const correlated = select({ n: func.count() }).where(p.author.eq(u)).scalarSubquery();
    expect(compile(select({ name: u.name, n: correlated })).sql).toBe(
      'SELECT "users"."name", (SELECT count(*) AS "n" FROM "posts" WHERE "posts"."author_id" = "users"."id") AS "n" FROM "users"',
    );
    const own = select({ id: u.id }).from(User).where(u.age.gt(1));
    expect(compile(select(User).where(exists(own))).sql).toContain('EXISTS (SELECT "users"."id" FROM "users" WHERE');
  });
});

describe('errors name what to fix', () => {
  test.each([
    ['an unknown shorthand property', () => select(User).where({ nope: 1 } as never), /User has no property 'nope'/],
    ['a join callback not returning a relationship', () => select(User).join(((x: typeof u) => x.name) as never), /must return a relationship/],
    ['the same table joined twice without an alias', () => select(User).join((x) => x.reports), /'users' is already a source.*'other_name'/],
    ['a negative limit', () => select(User).limit(-1), /limit\(\) takes a non-negative integer/],
    ['a fractional offset', () => select(User).offset(1.5), /offset\(\) takes a non-negative integer/],
    ['skipLocked with nowait', () => select(User).forUpdate({ skipLocked: true, nowait: true }), /skipLocked or nowait/],
    ['unions of different widths', () => union(select({ a: u.id }), select({ a: p.id, b: p.title }) as never), /same number of columns/],
    ['a scalar subquery of two columns', () => select({ a: u.id, b: u.name }).scalarSubquery(), /exactly one column/],
    ['a function name that is not an identifier', () => func['count(*); --']!(), /plain SQL identifier/],
    ['an undefined value', () => u.name.eq(undefined as never), /User\.name was compared with undefined\. Pass null for SQL NULL/],
    ['an undefined shorthand value', () => select(User).where({ name: undefined }), /User\.name is undefined in the shorthand; pass null/],
    // @ts-expect-error a collection is not comparable: the compiler refuses eq(); kept to test the run-time check
    ['a collection compared', () => u.posts.eq(1), /collection/],
    ['an insert into an alias', () => insert(aliased(User, 'x')), /not an alias/],
    ['an unknown insert property', () => insert(User).values({ nope: 1 } as never), /User has no property 'nope'/],
    ['an empty values list', () => insert(User).values([]), /has no rows/],
    ['an IN subquery of two columns', () => u.id.in(select({ a: p.id, b: p.title })), /selecting one column/],
    ['the same entity twice in FROM', () => select(User).from(User), /'users' is already a source/],
  ] as const)('%s', (_name, build, message) => {
    expect(build).toThrow(ArgumentError);
    expect(build).toThrow(message);
  });

  test('incomplete statements fail when compiled', () => {
    expect(() => compile(insert(User))).toThrow(/has no rows/);
    expect(() => compile(update(User))).toThrow(/sets nothing/);
    expect(() => compile(deleteFrom(User).where({ id: 1 }))).not.toThrow();
  });
});

/** Compile-time checks of the result and argument types; never run. */
export function typeChecks(): void {
  const users: EntityRow<User>[] = [];
  const row = users[0]!;
  const id: number = row.id;
  const age: number | null = row.age;
  // @ts-expect-error relationships are not part of a row
  const posts: Post[] = row.posts;
  void [id, age, posts];
  const record = select({ id: u.id, n: func.count(), seen: u.lastLogin });
  const ok: { id: number; n: number; seen: Date | null } = {} as RowOf<typeof record>;
  // @ts-expect-error ids are numbers
  const wrong: { id: string } = {} as RowOf<typeof record>;
  const both = select(User, Post).join((x) => x.posts);
  const pair: [EntityRow<User>, EntityRow<Post>] = {} as RowOf<typeof both>;
  void [ok, wrong, pair, record, both];
  // @ts-expect-error a string column compares with strings
  u.name.eq(3);
  // @ts-expect-error no such property
  void u.nope;
  // @ts-expect-error shorthand keys are the entity's properties
  select(User).where({ nope: 1 });
  update(User).set((x) => ({ age: x.age.add(1) }));
  // @ts-expect-error set takes the entity's properties
  update(User).set({ nope: 1 });
}

/*
 * The workloads S1-S8 of SCENARIOS.md: for each, how the database is prepared before every
 * side of every run (untimed), what each side times, and what its result must look like.
 */
import type { ScenarioGroup } from './scenario-ids';
import { check, measure, type Sample } from './measure';
import type { RawDriver } from './raw/raw-driver';
import { RssSampler } from './rss-sampler';
import { rawUsersOf, renamed, type SeedUser } from './seed-data';
import type { PageLoader, StrataSide } from './strata-side';
import type { WorkloadSizes } from './workload-sizes';

/** Everything a scenario works with on one dialect. */
export interface BenchContext {
  readonly raw: RawDriver;
  readonly strata: StrataSide;
  readonly sizes: WorkloadSizes;
  /** S1-S6's users with their posts. */
  readonly seed: readonly SeedUser[];
  /** S7's users with their 100,000 posts. */
  readonly flushSeed: readonly SeedUser[];
}

/** What "within target" means for a scenario (issue 8). */
export type Target = { readonly kind: 'ratio'; readonly max: number } | { readonly kind: 'overheadMs'; readonly max: number } | { readonly kind: 'rssMb'; readonly max: number };

/** One row of the report. */
export interface Scenario {
  readonly id: string;
  readonly group: ScenarioGroup;
  readonly title: string;
  readonly target: Target;
  /** Brings the database to the scenario's starting state; runs before every side of every run. */
  prepare(ctx: BenchContext): Promise<void>;
  raw(ctx: BenchContext): Promise<Sample>;
  strata(ctx: BenchContext): Promise<Sample>;
}

const CHANGED_TITLE = 'changed by S7';

async function seedBlog(ctx: BenchContext, seed: readonly SeedUser[]): Promise<void> {
  await ctx.raw.reset();
  await ctx.raw.insertUsers(rawUsersOf(seed));
  await ctx.raw.analyze();
}

async function expectRows(ctx: BenchContext, users: number, posts: number): Promise<void> {
  check((await ctx.raw.count('users')) === users, `${users} users in the table`);
  check((await ctx.raw.count('posts')) === posts, `${posts} posts in the table`);
}

function pageOffsets(sizes: WorkloadSizes): number[] {
  return Array.from({ length: sizes.pages }, (_, i) => (i * sizes.pageSize) % sizes.offsetModulus);
}

function checkPages(ctx: BenchContext, pages: readonly (readonly { posts: readonly unknown[] }[])[]): void {
  const { sizes } = ctx;
  check(pages.length === sizes.pages, `${sizes.pages} pages`);
  for (const page of pages) {
    check(page.length === Math.min(sizes.pageSize, sizes.users), `${sizes.pageSize} users a page`);
    for (const user of page) check(user.posts.length === sizes.postsPerUser, `${sizes.postsPerUser} posts a user`);
  }
}

const s1: Scenario = {
  id: 'S1',
  group: 'S1',
  title: 'insert',
  target: { kind: 'ratio', max: 1.5 },
  prepare: (ctx) => ctx.raw.reset(),
  async raw(ctx) {
    const { ms, value: users } = await measure(async () => {
      const users = rawUsersOf(ctx.seed);
      await ctx.raw.insertUsers(users);
      return users;
    });
    check(users.every((u) => u.id > 0 && u.posts.every((p) => p.id > 0)), 'every id read back');
    await expectRows(ctx, ctx.seed.length, ctx.seed.length * ctx.sizes.postsPerUser);
    return { ms };
  },
  async strata(ctx) {
    const { ms, value: users } = await measure(() => ctx.strata.insertUsers(ctx.seed));
    check(users.every((u) => u.id > 0), 'every user id read back');
    await expectRows(ctx, ctx.seed.length, ctx.seed.length * ctx.sizes.postsPerUser);
    return { ms };
  },
};

const s2: Scenario = {
  id: 'S2',
  group: 'S2',
  title: 'read-all',
  target: { kind: 'ratio', max: 1.2 },
  prepare: (ctx) => seedBlog(ctx, ctx.seed),
  async raw(ctx) {
    const { ms, value } = await measure(() => ctx.raw.allPosts());
    check(value.length === ctx.seed.length * ctx.sizes.postsPerUser && typeof value[0]!.published === 'boolean', 'every post');
    return { ms };
  },
  async strata(ctx) {
    const { ms, value } = await measure(() => ctx.strata.allPosts());
    check(value.length === ctx.seed.length * ctx.sizes.postsPerUser && typeof value[0]!.published === 'boolean', 'every post');
    return { ms };
  },
};

function pageEager(loader: PageLoader): Scenario {
  return {
    id: `S3 ${loader}`,
    group: 'S3',
    title: `page-eager (${loader === 'joined' ? 'joinedLoad' : 'selectinLoad'})`,
    target: { kind: 'ratio', max: 1.2 },
    prepare: (ctx) => seedBlog(ctx, ctx.seed),
    async raw(ctx) {
      const { ms, value } = await measure(async () => {
        const pages = [];
        for (const offset of pageOffsets(ctx.sizes)) pages.push(await ctx.raw.usersPageWithPosts(ctx.sizes.pageSize, offset));
        return pages;
      });
      checkPages(ctx, value);
      return { ms };
    },
    async strata(ctx) {
      const { ms, value } = await measure(() => ctx.strata.pagesWithPosts(pageOffsets(ctx.sizes), ctx.sizes.pageSize, loader));
      checkPages(ctx, value);
      return { ms };
    },
  };
}

async function checkRenamed(ctx: BenchContext, users: readonly { name: string }[]): Promise<void> {
  check(users.length === ctx.sizes.updates && users.every((u) => u.name.endsWith('(renamed)')), `${ctx.sizes.updates} users renamed`);
  const [last] = await ctx.raw.userIds(ctx.sizes.updates).then((ids) => ids.slice(-1));
  check((await ctx.raw.userById(last!))!.name.endsWith('(renamed)'), 'the new names in the table');
}

const s4: Scenario = {
  id: 'S4',
  group: 'S4',
  title: 'update',
  target: { kind: 'ratio', max: 1.5 },
  prepare: (ctx) => seedBlog(ctx, ctx.seed),
  async raw(ctx) {
    const { ms, value } = await measure(() => ctx.raw.renameUsers(ctx.sizes.updates, renamed));
    await checkRenamed(ctx, value);
    return { ms };
  },
  async strata(ctx) {
    const { ms, value } = await measure(() => ctx.strata.renameUsers(ctx.sizes.updates, renamed));
    await checkRenamed(ctx, value);
    return { ms };
  },
};

const s5: Scenario = {
  id: 'S5',
  group: 'S5',
  title: 'pk-lookup',
  target: { kind: 'ratio', max: 1.15 },
  prepare: (ctx) => seedBlog(ctx, ctx.seed),
  async raw(ctx) {
    const ids = await ctx.raw.userIds(ctx.sizes.lookups);
    const { ms, value } = await measure(async () => {
      let found = 0;
      for (const id of ids) if ((await ctx.raw.userById(id))?.id === id) found++;
      return found;
    });
    check(value === ctx.sizes.lookups, `${ctx.sizes.lookups} users found`);
    return { ms };
  },
  async strata(ctx) {
    const ids = await ctx.raw.userIds(ctx.sizes.lookups);
    const { ms, value } = await measure(async () => {
      let found = 0;
      for (const id of ids) if ((await ctx.strata.userById(id))?.id === id) found++;
      return found;
    });
    check(value === ctx.sizes.lookups, `${ctx.sizes.lookups} users found`);
    return { ms };
  },
};

async function expectDeleted(ctx: BenchContext): Promise<void> {
  const left = ctx.seed.length - ctx.sizes.deletes;
  await expectRows(ctx, left, left * ctx.sizes.postsPerUser);
}

const s6: Scenario = {
  id: 'S6',
  group: 'S6',
  title: 'delete',
  target: { kind: 'ratio', max: 1.3 },
  prepare: (ctx) => seedBlog(ctx, ctx.seed),
  async raw(ctx) {
    const ids = await ctx.raw.userIds(ctx.sizes.deletes);
    const { ms } = await measure(() => ctx.raw.deleteUsersWithPosts(ids));
    await expectDeleted(ctx);
    return { ms };
  },
  async strata(ctx) {
    const ids = await ctx.raw.userIds(ctx.sizes.deletes);
    const { ms } = await measure(() => ctx.strata.deleteUsers(ids));
    await expectDeleted(ctx);
    return { ms };
  },
};

const flushPosts = (ctx: BenchContext) => ctx.flushSeed.length * ctx.sizes.flushPostsPerUser;

const s7: Scenario = {
  id: 'S7',
  group: 'S7',
  title: 'flush-one',
  target: { kind: 'overheadMs', max: 5 },
  prepare: (ctx) => seedBlog(ctx, ctx.flushSeed),
  async raw(ctx) {
    const id = await ctx.raw.nthPostId(Math.floor(flushPosts(ctx) / 2));
    await ctx.raw.begin();
    const { ms } = await measure(() => ctx.raw.setPostTitle(id, CHANGED_TITLE));
    await ctx.raw.commit();
    return { ms };
  },
  async strata(ctx) {
    const id = await ctx.raw.nthPostId(Math.floor(flushPosts(ctx) / 2));
    return ctx.strata.withAllPosts(async (posts, flush) => {
      check(posts.length === flushPosts(ctx), `${flushPosts(ctx)} posts loaded`);
      const post = posts.find((p) => p.id === id)!;
      post.title = CHANGED_TITLE;
      const { ms } = await measure(flush);
      return { ms };
    });
  },
};

const filled = new WeakSet<RawDriver>();

async function streamed(work: (each: (row: { value: number }) => void) => Promise<void>, rows: number): Promise<Sample> {
  // A memory measurement starts from a collected heap: garbage earlier scenarios left in the old generation is not this run's growth.
  const { ms, value: sampler } = await measure({ fullGc: true }, async () => {
    const sampler = new RssSampler();
    let sum = 0;
    await work((row) => {
      sum += row.value;
      sampler.tick();
    });
    check(sum > 0, 'values read');
    return sampler;
  });
  check(sampler.count === rows, `${rows} rows streamed`);
  return { ms, rssGrowthMb: sampler.growthMb() };
}

const s8: Scenario = {
  id: 'S8',
  group: 'S8',
  title: 'stream',
  target: { kind: 'rssMb', max: 100 },
  // Read-only: the rows are made once per dialect, and every run starts from them.
  async prepare(ctx) {
    if (filled.has(ctx.raw)) return;
    await ctx.raw.fillNarrow(ctx.sizes.streamRows);
    filled.add(ctx.raw);
  },
  raw: (ctx) => streamed((each) => ctx.raw.streamNarrow(each), ctx.sizes.streamRows),
  strata: (ctx) => streamed((each) => ctx.strata.streamNarrow(each), ctx.sizes.streamRows),
};

/** Every scenario in report order. */
export const SCENARIOS: readonly Scenario[] = [s1, s2, pageEager('joined'), pageEager('selectin'), s4, s5, s6, s7, s8];

/*
 * Row counts of the workloads: SCENARIOS.md's sizes multiplied by --scale.
 */

/** The sizes one bench run works with. */
export interface WorkloadSizes {
  /** Users seeded for S1-S6 (2,000), each with `postsPerUser` posts. */
  readonly users: number;
  readonly postsPerUser: number;
  /** S3: pages, their size, and the offset modulus (1,000). */
  readonly pages: number;
  readonly pageSize: number;
  readonly offsetModulus: number;
  /** S4: users loaded and renamed (1,000). */
  readonly updates: number;
  /** S5: primary-key lookups (2,000). */
  readonly lookups: number;
  /** S6: users deleted with their posts (500). */
  readonly deletes: number;
  /** S7: users and posts per user seeded (2,000 x 50 = 100,000 posts). */
  readonly flushUsers: number;
  readonly flushPostsPerUser: number;
  /** S8: narrow rows streamed (1,000,000). */
  readonly streamRows: number;
}

/** SCENARIOS.md's sizes times `scale` (at least one of everything). */
export function sizesFor(scale: number): WorkloadSizes {
  const n = (base: number) => Math.max(1, Math.round(base * scale));
  const users = n(2000);
  return {
    users,
    postsPerUser: 3,
    pages: 50,
    pageSize: 20,
    offsetModulus: Math.max(20, Math.round(users / 2)),
    updates: n(1000),
    lookups: n(2000),
    deletes: n(500),
    flushUsers: n(2000),
    flushPostsPerUser: 50,
    streamRows: n(1_000_000),
  };
}

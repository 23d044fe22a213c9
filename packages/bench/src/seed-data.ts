/*
 * The rows every scenario starts from, generated deterministically in plain values so the
 * raw side and Strata build their objects from the same data (object building is part of
 * each side's timed work; generating these values is not).
 */
import { RawPost, RawUser } from './raw-models';

/** A user's values, with its posts' values. */
export interface SeedUser {
  readonly name: string;
  readonly email: string;
  readonly createdAt: Date;
  readonly posts: readonly SeedPost[];
}

/** A post's values. */
export interface SeedPost {
  readonly title: string;
  readonly body: string;
  readonly published: boolean;
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Niklaus', 'Margaret', 'Dennis', 'Radia', 'Tony', 'Leslie', 'John', 'Sophie'];
const BODY = 'A unit of work records what changed and writes it in one flush; an identity map keeps one object per row. ';
const EPOCH = Date.UTC(2024, 0, 1);

/** `count` users with `postsPerUser` posts each; names do not sort in id order, so ORDER BY name does real work. */
export function makeSeedUsers(count: number, postsPerUser: number, prefix = 'user'): SeedUser[] {
  const users: SeedUser[] = [];
  for (let i = 0; i < count; i++) {
    const scrambled = (i * 7919) % count;
    const posts: SeedPost[] = [];
    for (let p = 0; p < postsPerUser; p++) {
      posts.push({ title: `Post ${p} of ${prefix} ${i}`, body: `${BODY}(${i}.${p})`, published: p % 2 === 0 });
    }
    users.push({
      name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${String(scrambled).padStart(7, '0')}`,
      email: `${prefix}${i}@example.com`,
      createdAt: new Date(EPOCH + i * 60_000),
      posts,
    });
  }
  return users;
}

/** Raw-side objects for seed values (ids not yet known). */
export function rawUsersOf(seed: readonly SeedUser[]): RawUser[] {
  return seed.map((values) => {
    const user = new RawUser(values.name, values.email, values.createdAt);
    user.posts = values.posts.map((post) => new RawPost(post.title, post.body, post.published));
    return user;
  });
}

/** The new name S4 gives a user. */
export function renamed(name: string): string {
  return `${name} (renamed)`;
}

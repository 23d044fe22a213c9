/*
 * The Strata side of the workloads, written the way the README teaches: entities built
 * with `new`, sessions from one sessionMaker, `Session.run` for a unit of work, select(...)
 * with loader options, session.get, session.delete with cascades, session.stream.
 */
import { joinedLoad, select, selectinLoad, type Engine, type Loaded, type SessionFactory } from '@strata/core';
import { NarrowRow, Post, User } from './entities';
import type { SeedUser } from './seed-data';

/** How S3 loads the posts of a page. */
export type PageLoader = 'joined' | 'selectin';

/** Strata on one engine. */
export class StrataSide {
  readonly engine: Engine;
  readonly #Session: SessionFactory;

  constructor(engine: Engine, Session: SessionFactory) {
    this.engine = engine;
    this.#Session = Session;
  }

  /** S1: users with their posts (reaching the session by cascade), one commit. */
  async insertUsers(seed: readonly SeedUser[]): Promise<User[]> {
    const users = seed.map((values) => {
      const user = new User();
      user.name = values.name;
      user.email = values.email;
      user.createdAt = values.createdAt;
      user.posts = values.posts.map((postValues) => {
        const post = new Post();
        post.title = postValues.title;
        post.body = postValues.body;
        post.published = postValues.published;
        return post;
      });
      return user;
    });
    await this.#Session.run((session) => session.addAll(users));
    return users;
  }

  /** S2: every post, in a fresh session. */
  allPosts(): Promise<Loaded<Post>[]> {
    return this.#Session.run((session) => session.scalars(select(Post)));
  }

  /** S3: pages of users by name with their posts, in one session. */
  pagesWithPosts(offsets: readonly number[], limit: number, loader: PageLoader): Promise<Loaded<User, 'posts'>[][]> {
    const option = loader === 'joined' ? joinedLoad(User, 'posts') : selectinLoad(User, 'posts');
    return this.#Session.run(async (session) => {
      const pages: Loaded<User, 'posts'>[][] = [];
      for (const offset of offsets) {
        pages.push(await session.scalars(select(User).orderBy((u) => u.name).limit(limit).offset(offset).options(option)));
      }
      return pages;
    });
  }

  /** S4: loads the first `count` users, renames each, one commit. */
  renameUsers(count: number, rename: (name: string) => string): Promise<Loaded<User>[]> {
    return this.#Session.run(async (session) => {
      const users = await session.scalars(select(User).orderBy((u) => u.id).limit(count));
      for (const user of users) user.name = rename(user.name);
      return users;
    });
  }

  /** S5: one user by primary key in a new session. */
  userById(id: number): Promise<Loaded<User> | undefined> {
    return this.#Session.run((session) => session.get(User, id));
  }

  /** S6: deletes the users; their posts go by cascade. */
  deleteUsers(ids: readonly number[]): Promise<void> {
    return this.#Session.run(async (session) => {
      const users = await session.scalars(select(User).where((u) => u.id.in(ids)));
      for (const user of users) session.delete(user);
    });
  }

  /** S7: a session holding every post; the caller changes one and flushes. */
  async withAllPosts<T>(fn: (posts: Loaded<Post>[], flush: () => Promise<void>) => Promise<T>): Promise<T> {
    return this.#Session.run(async (session) => fn(await session.scalars(select(Post)), () => session.flush()));
  }

  /** S8: every narrow row through session.stream. */
  streamNarrow(each: (row: NarrowRow) => void): Promise<void> {
    return this.#Session.run(async (session) => {
      for await (const row of session.stream(select(NarrowRow), { batchSize: 1000 })) each(row);
    });
  }
}

/*
 * The plain classes the raw-driver side builds by hand from rows: what an engineer
 * without an ORM writes. Strata's side uses the entities of entities.ts instead.
 */

/** A user row as a plain object, with the posts a query attached to it. */
export class RawUser {
  id = 0;
  posts: RawPost[] = [];

  constructor(
    public name: string,
    public email: string,
    public createdAt: Date,
  ) {}
}

/** A post row as a plain object; `userId` is its author's key. */
export class RawPost {
  id = 0;
  userId = 0;

  constructor(
    public title: string,
    public body: string,
    public published: boolean,
  ) {}
}

/** One of S8's narrow rows. */
export class RawNarrow {
  constructor(
    public id: number,
    public value: number,
  ) {}
}

/** Builds a user read from the database. */
export function rawUserOf(id: number, name: string, email: string, createdAt: Date): RawUser {
  const user = new RawUser(name, email, createdAt);
  user.id = id;
  return user;
}

/** Builds a post read from the database. */
export function rawPostOf(id: number, userId: number, title: string, body: string, published: boolean): RawPost {
  const post = new RawPost(title, body, published);
  post.id = id;
  post.userId = userId;
  return post;
}

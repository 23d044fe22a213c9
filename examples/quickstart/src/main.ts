/*
 * Strata's quickstart on embedded SQLite: the schema made by the strata migrations (the
 * start script runs `strata upgrade head` first), a unit of work that saves a user with
 * posts by cascade, eager loading without N+1, the identity map, expire-on-commit and
 * onCommit, with every statement echoed. Run `npm run quickstart` from the repository root.
 */
import 'reflect-metadata';
import { createEngine, inspect, joinedLoad, select, selectinLoad, sessionMaker } from '@strata/core';
import '@strata/sqlite';
import { Post, User } from './entities';

function post(title: string): Post {
  const p = new Post();
  p.title = title;
  return p;
}

function user(name: string, email: string, titles: string[]): User {
  const u = new User();
  u.name = name;
  u.email = email;
  u.posts = titles.map(post);
  return u;
}

function heading(text: string): void {
  console.log(`\n== ${text}`);
}

async function main(): Promise<void> {
  // The same database `strata upgrade head` just migrated (strata.config.ts); DATABASE_URL overrides it.
  const engine = createEngine(process.env.DATABASE_URL ?? 'sqlite:///quickstart.db', { echo: true });
  const Session = sessionMaker({ bind: engine });

  heading('One unit of work: posts reach the session by cascade; one INSERT per table');
  await Session.run(async (session) => {
    const ann = user('Ann', 'ann@example.com', ['Hello, Strata', 'Units of work']);
    session.addAll([ann, user('Bob', 'bob@example.com', ['Identity maps', 'Loading strategies', 'Cascades'])]);
    session.onCommit(() => console.log(`-> onCommit: runs after COMMIT (user ${ann.id} has ${ann.posts.length} posts)`));
  });

  const session = Session();
  try {
    heading('Eager loading: users, then all their posts in one IN query (2 statements, not 1 + N)');
    const users = await session.scalars(select(User).orderBy((u) => u.name).options(selectinLoad(User, 'posts')));
    for (const u of users) console.log(`${u.name}: ${u.posts.map((p) => p.title).join(', ')}`);

    heading('A page with a joined collection: LIMIT counts users, not joined rows');
    const page = await session.scalars(select(User).orderBy((u) => u.name).limit(1).options(joinedLoad(User, 'posts')));
    console.log(`page: ${page.map((u) => `${u.name} (${u.posts.length} posts)`).join(', ')}`);

    heading('Identity map: one object per row, a second get sends no SQL');
    const ann = users[0]!;
    console.log(`same object: ${ann === (await session.get(User, ann.id))}; post.author is ann: ${ann.posts[0]!.author === ann}`);

    heading('Change tracking: the commit writes only the changed column');
    ann.name = 'Ann Lee';
    ann.posts.push(post('Written after loading'));
    console.log('inspect:', inspect(ann));
    await session.commit();
    console.log(`after commit: name ${ann.name}, expired ${inspect(ann).expired} (the next query or load refreshes it)`);
    await session.load(ann, 'posts');
    console.log(`reloaded posts: ${ann.posts.length}`);
  } finally {
    await session.close();
  }
  await engine.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

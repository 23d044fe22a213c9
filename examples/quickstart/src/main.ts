/*
 * Strata's quickstart on embedded SQLite: decorated entities, the schema created from
 * them, a Session that adds a user with posts by cascade, queries through the identity
 * map, expire-on-commit and onCommit, with every statement echoed.
 * Run it with `npm run quickstart` from the repository root; no server is needed.
 */
import 'reflect-metadata';
import { Column, createEngine, Entity, inspect, ManyToOne, MetaData, OneToMany, PrimaryGeneratedColumn, select, sessionMaker, sql } from '@strata/core';
import '@strata/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

@Entity('users')
class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ unique: true }) email!: string;
  @OneToMany(() => Post, 'author', { cascade: 'all, delete-orphan' }) posts!: Post[];
}

@Entity('posts')
class Post {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column({ type: 'timestamptz', serverDefault: sql`CURRENT_TIMESTAMP` }) createdAt!: Date;
  @ManyToOne(() => User, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: User;
}

function post(title: string): Post {
  const p = new Post();
  p.title = title;
  return p;
}

async function main(): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'strata-quickstart-')), 'app.db');
  const engine = createEngine(`sqlite:///${file}`, { echo: true });
  const md = new MetaData([User, Post]);
  await md.createAll(engine);

  const Session = sessionMaker({ bind: engine, registry: md });

  // One unit of work: the posts reach the session by cascade; one INSERT per table.
  await Session.run(async (session) => {
    const ann = new User();
    ann.name = 'Ann';
    ann.email = 'ann@example.com';
    ann.posts = [post('Hello, Strata'), post('Units of work')];
    session.add(ann);
    session.onCommit(() => console.log(`\n-> committed: user ${ann.id} with ${ann.posts.length} posts\n`));
  });

  const session = Session();
  try {
    const ann = await session.one(select(User).where({ email: 'ann@example.com' }));
    const again = await session.get(User, ann.id); // identity map: no SQL
    console.log(`\nsame object: ${ann === again}`);
    const posts = await session.scalars(select(Post).where((p) => p.author.eq(ann)).orderBy((p) => p.title));
    console.log(`posts: ${posts.map((p) => p.title).join(', ')}\n`);

    ann.name = 'Ann Lee'; // tracked by the attribute: the commit writes only this column
    console.log('inspect:', inspect(ann));
    await session.commit();
    console.log(`after commit: name ${ann.name}, expired ${inspect(ann).expired} (the next query refreshes it)\n`);
  } finally {
    await session.close();
  }

  console.log('pool:', engine.status());
  await engine.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

/*
 * The relationship conformance suite: every kind of relationship, in-memory sync of both
 * sides, every loader strategy (with subquery wrapping under LIMIT / OFFSET / DISTINCT and
 * chunked IN lists), statement counts, cascades down to delete-orphan and passive deletes,
 * many-to-many rows, trees, and stale collections after commit, on every dialect.
 * One file because its blocks share one schema, seed data and helpers (and run in one
 * database setup per dialect); the unit-level plan of the same writes is in
 * packages/core/test/flush-plan.test.ts.
 */
import {
  createEngine,
  DetachedInstanceError,
  eagerLoad,
  FlushError,
  inspect,
  joinedLoad,
  lazyLoad,
  noLoad,
  raiseLoad,
  select,
  selectinLoad,
  sessionMaker,
  sql,
  subqueryLoad,
  UnloadedRelationError,
  type Engine,
  type Loaded,
  type MetaData,
  type Session,
  type SessionFactory,
} from '@strata/core';
import {
  expectStatements,
} from '@strata/core/testing';
import { testUrl, type DialectName } from '../targets';
import {
  make,
  RELATIONSHIP_TABLES,
  relationshipMetadata,
  RlAlbum,
  RlAlbumTag,
  RlBook,
  RlChapter,
  RlCity,
  RlComment,
  RlCourse,
  RlFile,
  RlFolder,
  RlNode,
  RlPhoto,
  RlPhotoTag,
  RlPost,
  RlProfile,
  RlRegion,
  RlStudent,
  RlTag,
  RlUser,
  RlShop,
  RlItem,
} from './relationship-fixtures';

/** Registers the relationship suite for one dialect. */
export function relationshipSuite(dialect: DialectName): void {
  describe(`${dialect}: relationships, loaders and cascades`, () => {
    let md: MetaData;
    let engine: Engine;
    let Session: SessionFactory;
    const count = async (table: string, where = sql``) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)} ${where}`)).scalar());
    const within = async <T>(fn: (s: Session) => Promise<T>): Promise<T> => {
      const session = Session();
      try {
        return await fn(session);
      } finally {
        await session.close();
      }
    };

    /** `users` users named u00.. with `posts` posts each (titles u00-p0..), in one flush. */
    const seedBlog = async (users: number, posts: number): Promise<void> => {
      await Session.run((s) => {
        for (let u = 0; u < users; u++) {
          const name = `u${String(u).padStart(4, '0')}`;
          s.add(make(RlUser, { name, posts: Array.from({ length: posts }, (_, p) => make(RlPost, { title: `${name}-p${p}` })) }));
        }
      });
    };

    beforeAll(async () => {
      md = relationshipMetadata();
      engine = createEngine(testUrl(dialect), { poolSize: 4 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      await engine.execute(sql`UPDATE ${sql.id('rl_node')} SET parent_id = NULL`);
      for (const table of RELATIONSHIP_TABLES) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    describe('both sides in memory', () => {
      test('setting the many-to-one puts the child in the parent collection, and moving it takes it out of the old one', () => {
        const ann = make(RlUser, { name: 'ann' });
        const bob = make(RlUser, { name: 'bob' });
        const post = make(RlPost, { title: 'hello' });
        post.author = ann;
        expect(ann.posts).toEqual([post]);
        post.author = bob;
        expect(ann.posts).toEqual([]);
        expect(bob.posts).toEqual([post]);
      });

      test('adding to or removing from the collection sets or clears the many-to-one', () => {
        const ann = make(RlUser, { name: 'ann' });
        const bob = make(RlUser, { name: 'bob' });
        const post = make(RlPost, { title: 'hello' });
        ann.posts.push(post);
        expect(post.author).toBe(ann);
        bob.posts.push(post);
        expect(post.author).toBe(bob);
        expect(ann.posts).toHaveLength(0);
        bob.posts.splice(0, 1);
        expect(post.author).toBeNull();
      });

      test('one-to-one and many-to-many sides follow each other', () => {
        const ann = make(RlUser, { name: 'ann' });
        const profile = make(RlProfile, { bio: 'hi' });
        ann.profile = profile;
        expect(profile.user).toBe(ann);
        const post = make(RlPost, { title: 'p' });
        const tag = make(RlTag, { name: 'sql' });
        post.tags.push(tag);
        expect(tag.posts).toEqual([post]);
        tag.posts.pop();
        expect(post.tags).toEqual([]);
        const assigned = [tag];
        post.tags = assigned;
        expect(Array.isArray(post.tags)).toBe(true);
        expect(tag.posts).toEqual([post]);
      });
    });

    describe('no silent emptiness', () => {
      test('an unloaded relationship throws UnloadedRelationError naming the entity, the relationship and the fixes', async () => {
        await seedBlog(1, 2);
        await within(async (s) => {
          const [user] = await s.scalars(select(RlUser));
          const error = (() => {
            try {
              return user!.posts;
            } catch (e) {
              return e;
            }
          })();
          expect(error).toBeInstanceOf(UnloadedRelationError);
          expect((error as Error).message).toMatch(/RlUser\.posts is not loaded/);
          expect((error as Error).message).toMatch(/selectinLoad\(RlUser, 'posts'\)/);
          expect((error as Error).message).toMatch(/session\.load\(obj, 'posts'\)/);
          s.expunge(user!);
          expect(() => user!.posts).toThrow(DetachedInstanceError);
        });
      });

      test('a many-to-one whose target is already in the session needs no SQL', async () => {
        await seedBlog(1, 2);
        await within(async (s) => {
          const [user] = await s.scalars(select(RlUser));
          const posts = await s.scalars(select(RlPost));
          const { count: statements } = await engine.countStatements(() => posts.map((p) => p.author));
          expect(statements).toBe(0);
          expect(posts.every((p) => p.author === user)).toBe(true);
        });
      });

      test('raiseLoad keeps a relationship unloaded with an error that says why; noLoad gives it empty', async () => {
        await seedBlog(1, 2);
        await within(async (s) => {
          const [user] = await s.scalars(select(RlUser).options(raiseLoad(RlUser, 'posts')));
          expect(() => user!.posts).toThrow(/raiseLoad/);
        });
        await within(async (s) => {
          const [user] = await s.scalars(select(RlUser).options(noLoad(RlUser, 'posts')));
          expect(user!.posts).toEqual([]);
        });
      });
    });

    describe('loader strategies', () => {
      test('joined, selectin, subquery and session.load give the same collections; nested paths load each level', async () => {
        await seedBlog(3, 2);
        await Session.run(async (s) => {
          const posts = await s.scalars(select(RlPost).options(selectinLoad(RlPost, 'comments')));
          for (const p of posts) p.comments.push(make(RlComment, { body: `${p.title}-c1` }), make(RlComment, { body: `${p.title}-c2` }));
        });
        const shape = (users: Loaded<RlUser, 'posts.comments'>[]) =>
          users
            .map((u) => `${u.name}:${u.posts.map((p) => `${p.title}[${p.comments.map((c) => c.body.slice(-2)).join(',')}]`).join(' ')}`)
            .sort();
        const expected = shape(
          await within(async (s) => {
            const users = await s.scalars(select(RlUser));
            return s.load(users, 'posts.comments');
          }),
        );
        expect(expected).toHaveLength(3);
        expect(expected[0]).toBe('u0000:u0000-p0[c1,c2] u0000-p1[c1,c2]');
        for (const options of [
          [joinedLoad(RlUser, 'posts').joinedLoad('comments')],
          [selectinLoad(RlUser, 'posts.comments')],
          [subqueryLoad(RlUser, 'posts').subqueryLoad('comments')],
          [joinedLoad(RlUser, 'posts').selectinLoad('comments')],
          [selectinLoad(RlUser, 'posts').joinedLoad('comments')],
          eagerLoad(RlUser, 'posts.comments'),
        ] as const) {
          const got = await within(async (s) => shape(await s.scalars(select(RlUser).orderBy((u) => u.name).options(...options))));
          expect({ options: options.map(String), got }).toEqual({ options: options.map(String), got: expected });
        }
      });

      test('a collection loaded with its children sets each child side to its parent', async () => {
        await seedBlog(2, 2);
        await within(async (s) => {
          const users = await s.scalars(select(RlUser).options(selectinLoad(RlUser, 'posts')));
          const { count: statements } = await engine.countStatements(() => users.flatMap((u) => u.posts.map((p) => p.author === u)));
          expect(statements).toBe(0);
        });
      });

      test('statement counts for 100 parents with their children are fixed per strategy', async () => {
        await seedBlog(100, 2);
        const query = select(RlUser);
        await within((s) => expectStatements(engine, 1, () => s.scalars(query.options(joinedLoad(RlUser, 'posts')))));
        await within((s) => expectStatements(engine, 2, () => s.scalars(query.options(selectinLoad(RlUser, 'posts')))));
        await within((s) => expectStatements(engine, 2, () => s.scalars(query.options(subqueryLoad(RlUser, 'posts')))));
        await within((s) => expectStatements(engine, 3, () => s.scalars(query.options(selectinLoad(RlUser, 'posts.comments')))));
        await within(async (s) => {
          const users = await s.scalars(query);
          await expectStatements(engine, 1, () => s.load(users, 'posts'));
          // Loaded since the last commit: loading again costs nothing.
          const loaded = await expectStatements(engine, 0, () => s.load(users, 'posts'));
          expect(loaded.reduce((n, u) => n + u.posts.length, 0)).toBe(200);
        });
        await expect(within((s) => expectStatements(engine, 1, () => s.scalars(query.options(selectinLoad(RlUser, 'posts')))))).rejects.toThrow(
          /Expected 1 statement\(s\), but 2 ran/,
        );
      });

      test('selectin over 2,500 parents binds the keys as one array where arrays bind, else splits them into IN lists of 500', async () => {
        await seedBlog(2500, 1);
        await within(async (s) => {
          const { result: users, statements } = await engine.countStatements(() => s.scalars(select(RlUser).options(selectinLoad(RlUser, 'posts'))));
          expect(users).toHaveLength(2500);
          expect(statements).toHaveLength(1 + (engine.capabilities.arrayParameters ? 1 : 5));
          expect(users.every((u) => u.posts.length === 1 && u.posts[0]!.title === `${u.name}-p0`)).toBe(true);
        });
      });

      test('pagination with joinedLoad: LIMIT counts parents, the limited query is a subquery, ORDER BY is kept', async () => {
        await seedBlog(25, 3);
        await within(async (s) => {
          const query = select(RlUser).orderBy((u) => u.name).limit(20).offset(20).options(joinedLoad(RlUser, 'posts'));
          const { result: page, statements } = await engine.countStatements(() => s.scalars(query));
          expect(page.map((u) => u.name)).toEqual(['u0020', 'u0021', 'u0022', 'u0023', 'u0024']);
          expect(page.every((u) => u.posts.length === 3)).toBe(true);
          expect(page[0]!.posts.map((p) => p.title)).toEqual(['u0020-p0', 'u0020-p1', 'u0020-p2']);
          expect(statements).toHaveLength(1);
          expect(statements[0]!.sql).toMatch(/FROM \(SELECT .* LIMIT .*\) AS .?anon_1/i);
          expect(statements[0]!.sql).toMatch(/LEFT OUTER JOIN/);
        });
        await within(async (s) => {
          const page = await s.scalars(select(RlUser).distinct().orderBy((u) => u.name).limit(4).options(joinedLoad(RlUser, 'posts')));
          expect(page.map((u) => u.name)).toEqual(['u0000', 'u0001', 'u0002', 'u0003']);
          expect(page.every((u) => u.posts.length === 3)).toBe(true);
        });
        await within(async (s) => {
          // Ordered by an expression the page does not select: it is carried out of the subquery.
          const page = await s.scalars(select(RlUser).orderBy((u) => u.id.mul(-1)).limit(2).options(joinedLoad(RlUser, 'posts')));
          expect(page.map((u) => u.name)).toEqual(['u0024', 'u0023']);
        });
      });

      test('joined to-one with innerJoin uses INNER JOIN where the key is NOT NULL', async () => {
        await seedBlog(2, 1);
        await within(async (s) => {
          const { result: posts, statements } = await engine.countStatements(() => s.scalars(select(RlPost).options(joinedLoad(RlPost, 'author', { innerJoin: true }))));
          expect(statements[0]!.sql).toMatch(/INNER JOIN/);
          expect(posts.map((p) => p.author.name).sort()).toEqual(['u0000', 'u0001']);
        });
        await within(async (s) => {
          const { statements } = await engine.countStatements(() => s.scalars(select(RlComment).options(joinedLoad(RlComment, 'writer', { innerJoin: true }))));
          expect(statements[0]!.sql).not.toMatch(/INNER JOIN/);
        });
      });

      test('several relationships to one table, one-to-one both ways, and a tuple query with options', async () => {
        await Session.run(async (s) => {
          const ann = make(RlUser, { name: 'ann', profile: make(RlProfile, { bio: 'writer' }) });
          const post = make(RlPost, { title: 'p', author: ann });
          post.comments.push(make(RlComment, { body: 'self', writer: ann }), make(RlComment, { body: 'anon', writer: null }));
          s.add(post);
        });
        await within(async (s) => {
          const comments = await s.scalars(select(RlComment).orderBy((c) => c.id).options(joinedLoad(RlComment, 'writer'), joinedLoad(RlComment, 'post').joinedLoad('author')));
          expect(comments.map((c) => c.writer?.name ?? null)).toEqual(['ann', null]);
          expect(comments[0]!.post.author).toBe(comments[0]!.writer);
          const [user] = await s.scalars(select(RlUser).options(joinedLoad(RlUser, 'profile')));
          expect(user!.profile!.bio).toBe('writer');
          expect(user!.profile!.user).toBe(user);
          const profiles = await s.scalars(select(RlProfile).options(selectinLoad(RlProfile, 'user')));
          expect(profiles[0]!.user).toBe(user);
          const rows = await s.execute(select(RlPost, RlUser).join((p) => p.author).options(selectinLoad(RlPost, 'comments')));
          expect(rows[0]![0].comments).toHaveLength(2);
        });
      });

      test('composite foreign keys load with every strategy', async () => {
        await Session.run(async (s) => {
          const region = make(RlRegion, { country: 'se', code: 'ab', name: 'Stockholm' });
          region.cities.push(make(RlCity, { name: 'Solna' }), make(RlCity, { name: 'Nacka' }));
          s.add(region);
          s.add(make(RlRegion, { country: 'no', code: 'ab', name: 'Other' }));
        });
        for (const option of [joinedLoad(RlRegion, 'cities'), selectinLoad(RlRegion, 'cities'), subqueryLoad(RlRegion, 'cities')]) {
          await within(async (s) => {
            const regions = await s.scalars(select(RlRegion).orderBy((r) => r.country).options(option));
            expect(regions.map((r) => `${r.country}:${r.cities.map((c) => c.name).sort().join(',')}`)).toEqual(['no:', 'se:Nacka,Solna']);
          });
        }
        await within(async (s) => {
          const cities = await s.scalars(select(RlCity).options(selectinLoad(RlCity, 'region')));
          expect(cities.map((c) => c.region.name)).toEqual(['Stockholm', 'Stockholm']);
        });
      });

      test('a relationship default (lazy) applies to every query and to get, stops at the cycle, and an option overrides it', async () => {
        await Session.run(async (s) => {
          for (const name of ['north', 'south']) s.add(make(RlShop, { name, items: [make(RlItem, { name: `${name}-b` }), make(RlItem, { name: `${name}-a` })] }));
        });
        await within(async (s) => {
          // Shops select their items in; the items' shop is their parent, so no join back.
          const shops = await expectStatements(engine, 2, () => s.scalars(select(RlShop).orderBy((x) => x.name)));
          expect(shops.map((shop) => shop.items.map((i) => i.name))).toEqual([['north-a', 'north-b'], ['south-a', 'south-b']]);
          expect(shops[0]!.items[0]!.shop).toBe(shops[0]);
        });
        await within(async (s) => {
          // Items join their shop, whose items come in by the shop's own default.
          const items = await expectStatements(engine, 2, () => s.scalars(select(RlItem).where({ name: 'north-a' })));
          expect(items[0]!.shop.items.map((i) => i.name)).toEqual(['north-a', 'north-b']);
          const id = items[0]!.shop.id;
          expect(await expectStatements(engine, 0, () => s.get(RlShop, id))).toBe(items[0]!.shop);
        });
        await within(async (s) => {
          const shops = await expectStatements(engine, 1, () => s.scalars(select(RlShop).options(lazyLoad(RlShop, 'items'))));
          expect(() => shops[0]!.items).toThrow(UnloadedRelationError);
          const shop = await s.get(RlShop, shops[1]!.id, { options: [selectinLoad(RlShop, 'items')] });
          expect(shop!.items).toHaveLength(2);
        });
      });
    });

    describe('cascades', () => {
      test("photo / tags with cascade 'all': deleting the photo deletes its tags; a removed tag stays with photo_id NULL", async () => {
        const photoId = await Session.run(async (s) => {
          const photo = make(RlPhoto, { name: 'beach' });
          photo.tags.push(make(RlPhotoTag, { label: 'sea' }), make(RlPhotoTag, { label: 'sun' }), make(RlPhotoTag, { label: 'sand' }));
          s.add(photo);
          await s.flush();
          return photo.id;
        });
        await Session.run(async (s) => {
          const photo = await s.get(RlPhoto, photoId, { options: [selectinLoad(RlPhoto, 'tags')] });
          const sand = photo!.tags.find((t) => t.label === 'sand')!;
          photo!.tags.splice(photo!.tags.indexOf(sand), 1);
        });
        expect(await count('rl_photo_tag')).toBe(3);
        expect(await count('rl_photo_tag', sql`WHERE photo_id IS NULL`)).toBe(1);
        await Session.run(async (s) => {
          // The tags are not loaded: the delete cascade loads them first.
          s.delete((await s.get(RlPhoto, photoId))!);
        });
        expect(await count('rl_photo')).toBe(0);
        expect(await count('rl_photo_tag')).toBe(1);
        expect(await count('rl_photo_tag', sql`WHERE photo_id IS NULL`)).toBe(1);
      });

      test("with 'all, delete-orphan' the removed tag's row is deleted; a tag moved to another album is not", async () => {
        const [first, second] = await Session.run(async (s) => {
          const a = make(RlAlbum, { name: 'a' });
          const b = make(RlAlbum, { name: 'b' });
          a.tags.push(make(RlAlbumTag, { label: 'x' }), make(RlAlbumTag, { label: 'y' }), make(RlAlbumTag, { label: 'z' }));
          s.addAll([a, b]);
          await s.flush();
          return [a.id, b.id];
        });
        await Session.run(async (s) => {
          const [a, b] = await s.scalars(select(RlAlbum).orderBy((x) => x.name).options(selectinLoad(RlAlbum, 'tags')));
          expect(a!.id).toBe(first);
          const x = a!.tags.find((t) => t.label === 'x')!;
          const y = a!.tags.find((t) => t.label === 'y')!;
          a!.tags.splice(a!.tags.indexOf(x), 1);
          b!.tags.push(y);
        });
        const rows = (await engine.execute(sql`SELECT label, album_id FROM rl_album_tag ORDER BY label`)).rows;
        expect(rows.map((r) => `${r.label}:${Number(r.album_id)}`)).toEqual([`y:${second}`, `z:${first}`]);
        await Session.run(async (s) => {
          const z = await s.scalar(select(RlAlbumTag).where({ label: 'z' }));
          z!.album = null;
        });
        expect(await count('rl_album_tag')).toBe(1);
      });

      test('a child removed from a collection whose key is NOT NULL, without delete-orphan, fails naming the relationship', async () => {
        await Session.run(async (s) => {
          const book = make(RlBook, { title: 'b' });
          book.chapters.push(make(RlChapter, { title: 'one' }), make(RlChapter, { title: 'two' }));
          s.add(book);
        });
        await within(async (s) => {
          const [book] = await s.scalars(select(RlBook).options(selectinLoad(RlBook, 'chapters')));
          book!.chapters.pop();
          const error = await s.flush().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(FlushError);
          expect((error as Error).message).toMatch(/RlBook\.chapters/);
          expect((error as Error).message).toMatch(/delete-orphan/);
          await s.rollback();
        });
        await within(async (s) => {
          const [book] = await s.scalars(select(RlBook));
          s.delete(book!);
          const error = await s.commit().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(FlushError);
          expect((error as Error).message).toMatch(/Deleting RlBook/);
          expect((error as Error).message).toMatch(/cascade of RlBook\.chapters/);
          await s.rollback();
        });
        expect(await count('rl_book')).toBe(1);
        expect(await count('rl_chapter')).toBe(2);
      });

      test('deleting a user deletes posts, comments, the profile and association rows, loading what is not loaded', async () => {
        await Session.run(async (s) => {
          const ann = make(RlUser, { name: 'ann', profile: make(RlProfile, { bio: 'b' }) });
          const tag = make(RlTag, { name: 't' });
          for (let i = 0; i < 3; i++) {
            const post = make(RlPost, { title: `p${i}`, author: ann });
            post.comments.push(make(RlComment, { body: 'c' }));
            post.tags.push(tag);
          }
          s.add(ann);
        });
        expect(await count('rl_post_tag')).toBe(3);
        await Session.run(async (s) => {
          s.delete((await s.scalar(select(RlUser)))!);
        });
        for (const table of ['rl_user', 'rl_profile', 'rl_post', 'rl_comment', 'rl_post_tag']) expect(await count(table)).toBe(0);
        expect(await count('rl_tag')).toBe(1);
      });

      test('passiveDeletes leaves the children to ON DELETE CASCADE: one DELETE', async () => {
        await Session.run(async (s) => {
          const folder = make(RlFolder, { name: 'f' });
          folder.files.push(make(RlFile, { name: 'a' }), make(RlFile, { name: 'b' }));
          s.add(folder);
        });
        await within(async (s) => {
          const folder = await s.scalar(select(RlFolder));
          s.delete(folder!);
          const { statements } = await engine.countStatements(() => s.commit());
          expect(statements.map((st) => st.sql.split(' ')[0])).toEqual(['DELETE']);
        });
        expect(await count('rl_file')).toBe(0);
      });

      test('deleting the root of a tree deletes every level below it', async () => {
        await Session.run(async (s) => {
          const root = make(RlNode, { label: 'root' });
          for (const a of ['a', 'b']) {
            const child = make(RlNode, { label: a, parent: root });
            for (const c of ['1', '2']) make(RlNode, { label: `${a}${c}`, parent: child }).children.push(make(RlNode, { label: `${a}${c}x` }));
          }
          s.add(root);
          s.add(make(RlNode, { label: 'other' }));
        });
        expect(await count('rl_node')).toBe(12);
        await within(async (s) => {
          const root = await s.scalar(select(RlNode).where({ label: 'root' }).options(selectinLoad(RlNode, 'children.children')));
          expect(root!.children.map((c) => c.label)).toEqual(['a', 'b']);
          expect(root!.children[0]!.children.map((c) => c.label)).toEqual(['a1', 'a2']);
          expect(root!.children[0]!.children[0]!.parent).toBe(root!.children[0]);
        });
        await Session.run(async (s) => {
          s.delete((await s.scalar(select(RlNode).where({ label: 'root' })))!);
        });
        expect((await engine.execute(sql`SELECT label FROM rl_node`)).rows.map((r) => r.label)).toEqual(['other']);
      });

      test('many-to-many: adding and removing writes and deletes association rows, once for both sides', async () => {
        const postId = await Session.run(async (s) => {
          const ann = make(RlUser, { name: 'ann' });
          const post = make(RlPost, { title: 'p', author: ann });
          post.tags.push(make(RlTag, { name: 'a' }), make(RlTag, { name: 'b' }));
          s.add(post);
          await s.flush();
          return post.id;
        });
        expect(await count('rl_post_tag')).toBe(2);
        await Session.run(async (s) => {
          const post = await s.get(RlPost, postId, { options: [selectinLoad(RlPost, 'tags.posts')] });
          const [a, b] = post!.tags;
          expect(a!.name).toBe('a');
          expect(b!.posts).toEqual([post]);
          post!.tags.splice(0, 1);
          const c: Loaded<RlTag, 'posts'> = make(RlTag, { name: 'c' });
          c.posts.push(post!);
          expect(post!.tags.map((t) => t.name)).toEqual(['b', 'c']);
          s.add(c);
        });
        const names = async () => (await engine.execute(sql`SELECT t.name FROM rl_post_tag pt JOIN rl_tag t ON t.id = pt.rl_tag_id ORDER BY t.name`)).rows.map((r) => r.name);
        expect(await names()).toEqual(['b', 'c']);
        await within(async (s) => {
          const post = await s.get(RlPost, postId, { options: [joinedLoad(RlPost, 'tags')] });
          expect(post!.tags.map((t) => t.name)).toEqual(['b', 'c']);
          post!.tags = [];
          await s.commit();
        });
        expect(await names()).toEqual([]);
        expect(await count('rl_tag')).toBe(3);
      });

      test('an explicit association entity: the collection reads and writes through it', async () => {
        await Session.run(async (s) => {
          const sam = make(RlStudent, { name: 'sam' });
          sam.courses.push(make(RlCourse, { title: 'math' }), make(RlCourse, { title: 'art' }));
          s.add(sam);
        });
        expect(await count('rl_enrollment')).toBe(2);
        await within(async (s) => {
          const [sam] = await s.scalars(select(RlStudent).options(selectinLoad(RlStudent, 'courses')));
          expect(sam!.courses.map((c) => c.title).sort()).toEqual(['art', 'math']);
          const courses = await s.scalars(select(RlCourse).options(joinedLoad(RlCourse, 'students')));
          expect(courses.every((c) => c.students[0] === sam)).toBe(true);
        });
      });

      test('expunge, refresh-expire and merge follow the cascades', async () => {
        await seedBlog(1, 2);
        await within(async (s) => {
          const user = await s.scalar(select(RlUser).options(selectinLoad(RlUser, 'posts')));
          const posts = [...user!.posts];
          s.expunge(user!);
          expect(posts.map((p) => inspect(p).status)).toEqual(['detached', 'detached']);
        });
        await within(async (s) => {
          const user = await s.scalar(select(RlUser).options(selectinLoad(RlUser, 'posts')));
          expect(inspect(user!.posts[0]!).expired).toBe(false);
          s.expire(user!);
          expect(inspect(user!.posts[0]!).expired).toBe(true);
          // A new transaction sees the changes made meanwhile (SQLite keeps a read snapshot per transaction).
          await s.commit();
          await engine.execute(sql`UPDATE rl_post SET title = ${'changed'}`);
          await engine.execute(sql`UPDATE rl_user SET name = ${'renamed'}`);
          await s.refresh(user!);
          expect(user!.name).toBe('renamed');
          expect(user!.posts.map((p) => p.title)).toEqual(['changed', 'changed']);
        });
        const detached = await within(async (s) => s.scalar(select(RlUser).options(selectinLoad(RlUser, 'posts'))));
        detached!.posts[0]!.title = 'merged';
        detached!.posts.push(make(RlPost, { title: 'new one' }));
        await Session.run(async (s) => {
          const merged = await s.merge(detached!);
          expect(merged).not.toBe(detached);
          expect(merged.posts.map((p) => p.title).sort()).toEqual(['changed', 'merged', 'new one']);
        });
        expect((await engine.execute(sql`SELECT title FROM rl_post ORDER BY title`)).rows.map((r) => r.title)).toEqual(['changed', 'merged', 'new one']);
      });
    });

    describe('edge cases', () => {
      test('changes made to a collection while its object was detached are flushed once it is added back', async () => {
        await seedBlog(1, 1);
        const user = await within((s) => s.scalar(select(RlUser).options(selectinLoad(RlUser, 'posts'))));
        user!.posts.push(make(RlPost, { title: 'while detached' }));
        await Session.run(async (s) => s.add(user!));
        expect(await count('rl_post')).toBe(2);
        expect((user!.posts.splice as () => RlPost[]).call(user!.posts)).toEqual([]);
        expect(user!.posts).toHaveLength(2);
      });

      test('a detached child pushed into a loaded collection is put back and linked', async () => {
        await Session.run(async (s) => {
          s.add(make(RlPhoto, { name: 'p' }));
          s.add(make(RlPhotoTag, { label: 'loose', photo: null }));
        });
        const tag = await within((s) => s.scalar(select(RlPhotoTag)));
        await Session.run(async (s) => {
          const photo = await s.scalar(select(RlPhoto).options(selectinLoad(RlPhoto, 'tags')));
          photo!.tags.push(tag!);
        });
        expect(await count('rl_photo_tag', sql`WHERE photo_id IS NOT NULL`)).toBe(1);
      });

      test('replacing a collection loaded before the last commit reads what the database holds now', async () => {
        await Session.run(async (s) => s.add(make(RlAlbum, { name: 'a', tags: [make(RlAlbumTag, { label: 'old' })] })));
        await within(async (s) => {
          const album = await s.scalar(select(RlAlbum).options(selectinLoad(RlAlbum, 'tags')));
          await s.commit();
          await engine.execute(sql`INSERT INTO rl_album_tag (label, album_id) VALUES (${'added elsewhere'}, ${album!.id})`);
          album!.tags = [make(RlAlbumTag, { label: 'new' })];
          await s.commit();
        });
        expect((await engine.execute(sql`SELECT label FROM rl_album_tag ORDER BY label`)).rows.map((r) => r.label)).toEqual(['new']);
      });

      test('deleting a parent whose collection was noLoad-ed still deletes its children', async () => {
        await seedBlog(1, 2);
        await Session.run(async (s) => {
          const user = await s.scalar(select(RlUser).options(noLoad(RlUser, 'posts')));
          expect(user!.posts).toEqual([]);
          s.delete(user!);
        });
        expect(await count('rl_post')).toBe(0);
        expect(await count('rl_user')).toBe(0);
      });

      test('deleting a pending parent takes its pending children out too', async () => {
        await Session.run(async (s) => {
          const user = make(RlUser, { name: 'gone', posts: [make(RlPost, { title: 'gone too' })] });
          s.add(user);
          s.delete(user);
        });
        expect(await count('rl_user')).toBe(0);
        expect(await count('rl_post')).toBe(0);
      });

      test('session.load of a to-one after commit reads the target again', async () => {
        await seedBlog(1, 1);
        await within(async (s) => {
          const post = await s.scalar(select(RlPost).options(joinedLoad(RlPost, 'author')));
          await s.commit();
          await engine.execute(sql`UPDATE rl_user SET name = ${'renamed'}`);
          await s.load(post!, 'author');
          expect(post!.author.name).toBe('renamed');
        });
      });

      test('rows whose same columns changed go out in one UPDATE; a row deleted meanwhile is reported', async () => {
        await Session.run(async (s) => s.addAll(['a', 'b', 'c'].map((name) => make(RlTag, { name }))));
        await within(async (s) => {
          const tags = await s.scalars(select(RlTag).orderBy((t) => t.name));
          for (const tag of tags) tag.name = `${tag.name}!`;
          const { statements } = await engine.countStatements(() => s.commit());
          expect(statements.filter((st) => /^UPDATE/i.test(st.sql))).toHaveLength(1);
        });
        expect((await engine.execute(sql`SELECT name FROM rl_tag ORDER BY name`)).rows.map((r) => r.name)).toEqual(['a!', 'b!', 'c!']);
        const error = await within(async (s) => {
          const tags = await s.scalars(select(RlTag));
          for (const tag of tags) tag.name = `${tag.name}?`;
          await engine.execute(sql`DELETE FROM rl_post_tag`);
          await engine.execute(sql`DELETE FROM rl_tag WHERE name = ${'b!'}`);
          return s.commit().catch((e: unknown) => e);
        });
        expect((error as Error).name).toBe('StaleDataError');
        expect((await engine.execute(sql`SELECT name FROM rl_tag ORDER BY name`)).rows.map((r) => r.name)).toEqual(['a!', 'c!']);
      });

      test('subqueryLoad under DISTINCT, ORDER BY and LIMIT', async () => {
        await seedBlog(5, 2);
        await within(async (s) => {
          const users = await s.scalars(select(RlUser).distinct().orderBy((u) => u.name).limit(2).options(subqueryLoad(RlUser, 'posts')));
          expect(users.map((u) => `${u.name}:${u.posts.length}`)).toEqual(['u0000:2', 'u0001:2']);
        });
      });
    });

    describe('after commit', () => {
      test('collections loaded before a commit are stale after it and reload on the next load', async () => {
        await seedBlog(1, 1);
        await within(async (s) => {
          const user = await s.scalar(select(RlUser).options(selectinLoad(RlUser, 'posts')));
          expect(user!.posts).toHaveLength(1);
          await s.commit();
          // Another session adds a post meanwhile.
          await Session.run(async (other) => {
            const same = await other.get(RlUser, user!.id);
            other.add(make<Loaded<RlPost, 'author'>>(RlPost, { title: 'elsewhere', author: same! }));
          });
          expect(user!.posts).toHaveLength(1);
          await expectStatements(engine, 1, () => s.load(user!, 'posts'));
          expect(user!.posts.map((p) => p.title).sort()).toEqual(['elsewhere', 'u0000-p0']);
          await s.scalars(select(RlUser).options(selectinLoad(RlUser, 'posts')));
        });
      });

      test('a push into the loaded collection of a clean parent is flushed', async () => {
        await seedBlog(1, 1);
        await within(async (s) => {
          const user = await s.scalar(select(RlUser).options(selectinLoad(RlUser, 'posts')));
          user!.posts.push(make(RlPost, { title: 'added' }));
          expect(s.hasPendingChanges).toBe(true);
          await s.commit();
        });
        expect(await count('rl_post')).toBe(2);
      });
    });
  });
}

/*
 * The Session conformance suite: identity map, unit of work (statement order, batching,
 * changed columns only, self-references and cycles), failure consistency, optimistic
 * locking, expire-on-commit, savepoints, hooks and object states, on every dialect.
 * One file because its blocks share one schema and helpers set up once per dialect;
 * previews of the same writes are in pending-changes-suite.ts.
 */
import {
  Column,
  createEngine,
  Entity,
  FlushError,
  inspect,
  IntegrityError,
  InvalidStateError,
  ManyToOne,
  MetaData,
  OneToMany,
  PrimaryGeneratedColumn,
  select,
  sessionMaker,
  sql,
  StaleDataError,
  VersionColumn,
  type Engine,
  type SessionFactory,
} from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';

@Entity('ss_user')
class SsUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ unique: true }) email!: string;
  @Column({ type: 'integer', default: 0 }) karma!: number;
  @VersionColumn() version!: number;
  @OneToMany(() => SsPost, 'author', { cascade: 'all, delete-orphan' }) posts!: SsPost[];
}

@Entity('ss_post')
class SsPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => SsUser, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: SsUser;
}

@Entity('ss_category')
class SsCategory {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
  @ManyToOne(() => SsCategory, 'children', { nullable: true }) parent!: SsCategory | null;
  @OneToMany(() => SsCategory, 'parent') children!: SsCategory[];
}

@Entity('ss_left')
class SsLeft {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => SsRight, undefined, { nullable: true }) partner!: SsRight | null;
}

@Entity('ss_right')
class SsRight {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => SsLeft, undefined, { nullable: false }) owner!: SsLeft;
}

function user(name: string): SsUser {
  const u = new SsUser();
  u.name = name;
  u.email = `${name}@example.com`;
  return u;
}

function post(title: string, author?: SsUser): SsPost {
  const p = new SsPost();
  p.title = title;
  if (author) p.author = author;
  return p;
}

/** Registers the session suite for one dialect. */
export function sessionSuite(dialect: DialectName): void {
  describe(`${dialect}: session and unit of work`, () => {
    const md = new MetaData([SsUser, SsPost, SsCategory, SsLeft, SsRight]);
    let engine: Engine;
    let Session: SessionFactory;
    const count = async (table: string) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 4 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      // MySQL checks a self-reference row by row during a DELETE: unlink the tree first.
      await engine.execute(sql`UPDATE ${sql.id('ss_category')} SET parent_id = NULL`);
      for (const table of ['ss_post', 'ss_user', 'ss_category']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
      await engine.execute(sql`UPDATE ${sql.id('ss_left')} SET partner_id = NULL`);
      await engine.execute(sql`DELETE FROM ${sql.id('ss_right')}`);
      await engine.execute(sql`DELETE FROM ${sql.id('ss_left')}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('adding parents with children inserts parents first, in one multi-row INSERT per table, and reads ids back', async () => {
      const users = [user('ann'), user('bob'), user('cy')];
      for (const u of users) u.posts = [post(`${u.name}-1`), post(`${u.name}-2`)];
      const { statements } = await recordStatements(engine, () =>
        Session.run((s) => {
          s.addAll(users);
        }),
      );
      const writes = statements.map((s) => s.sql).filter((q) => /^INSERT/i.test(q));
      if (engine.capabilities.returning) {
        expect(writes).toHaveLength(2);
        expect(writes[0]).toMatch(/ss_user/);
        expect(writes[1]).toMatch(/ss_post/);
        // Only what the rows did not provide comes back: the generated keys.
        for (const write of writes) expect(write.slice(write.search(/RETURNING/i))).toMatch(/^RETURNING\s+\S*id\S*$/i);
      } else {
        expect(writes.slice(0, 3).every((q) => /ss_user/.test(q))).toBe(true);
      }
      expect(users.every((u) => typeof u.id === 'number' && u.id > 0)).toBe(true);
      expect(users.every((u) => u.version === 1 && u.karma === 0)).toBe(true);
      const rows = (await engine.execute(sql`SELECT p.title, u.name FROM ss_post p JOIN ss_user u ON u.id = p.author_id ORDER BY p.title`)).rows;
      expect(rows.map((r) => `${r.name}:${r.title}`)).toEqual(['ann:ann-1', 'ann:ann-2', 'bob:bob-1', 'bob:bob-2', 'cy:cy-1', 'cy:cy-2']);
      expect(inspect(users[0]!).status).toBe('detached');
    });

    test('without RETURNING, rows go in one by one and take the generated id the driver reports', async () => {
      const users = [user('rr1'), user('rr2')];
      users[0]!.posts = [post('p1'), post('p2')];
      const { statements } = await recordStatements(engine, () =>
        Session.run((s) => {
          s.addAll(users);
        }),
      );
      const inserts = statements.filter((s) => /^INSERT/i.test(s.sql));
      expect(inserts.length).toBeGreaterThanOrEqual(2);
      expect(users.every((u) => u.id > 0)).toBe(true);
      const forced = sessionMaker({ bind: engine, registry: md, returning: false });
      const more = [user('rr3'), user('rr4')];
      more[1]!.posts = [post('p3')];
      const { statements: rowByRow } = await recordStatements(engine, () => forced.run((s) => s.addAll(more)));
      if (engine.capabilities.insertId) {
        expect(rowByRow.filter((s) => /^INSERT/i.test(s.sql))).toHaveLength(3);
        expect(rowByRow.some((s) => /RETURNING/i.test(s.sql))).toBe(false);
      }
      expect(more[0]!.id).toBeGreaterThan(users[1]!.id);
      const owner = (await engine.execute(sql`SELECT author_id FROM ss_post WHERE title = ${'p3'}`)).scalar();
      expect(Number(owner)).toBe(more[1]!.id);
    });

    test('rows changed in the same columns go out in a batched UPDATE, each with its own value', async () => {
      const author = user('batcher');
      author.posts = Array.from({ length: 700 }, (_, i) => post(`draft ${i}`));
      await Session.run((s) => s.add(author));
      const session = Session();
      try {
        const posts = await session.scalars(select(SsPost).orderBy((p) => p.id));
        posts.forEach((p, i) => (p.title = i % 7 === 0 ? `it's "final" ${i} ✓` : `final ${i}`));
        const { statements } = await recordStatements(engine, () => session.flush());
        const updates = statements.filter((s) => /^UPDATE/i.test(s.sql));
        // A VALUES join takes up to 1,000 rows a statement; a CASE, 500.
        expect(updates).toHaveLength(engine.capabilities.updateFromValues ? 1 : 2);
        await session.commit();
      } finally {
        await session.close();
      }
      const rows = (await engine.execute(sql`SELECT title FROM ss_post ORDER BY id`)).rows;
      expect(rows.map((r) => r.title)).toEqual(Array.from({ length: 700 }, (_, i) => (i % 7 === 0 ? `it's "final" ${i} ✓` : `final ${i}`)));
    });

    test('a batched UPDATE matching fewer rows than it should is a StaleDataError', async () => {
      const author = user('vanisher');
      author.posts = [post('a'), post('b'), post('c')];
      await Session.run((s) => s.add(author));
      const session = Session();
      try {
        const posts = await session.scalars(select(SsPost).orderBy((p) => p.id));
        for (const p of posts) p.title = `${p.title}!`;
        await engine.execute(sql`DELETE FROM ss_post WHERE id = ${posts[1]!.id}`);
        await expect(session.flush()).rejects.toBeInstanceOf(StaleDataError);
      } finally {
        await session.rollback();
        await session.close();
      }
    });

    test('a flush after loading many objects visits only the changed one', async () => {
      await Session.run((s) => s.addAll(Array.from({ length: 2000 }, (_, i) => user(`bulk${i}`))));
      const session = Session();
      try {
        const all = await session.scalars(select(SsUser));
        expect(all).toHaveLength(2000);
        all[1234]!.karma = 7;
        const { statements } = await recordStatements(engine, () => session.flush());
        // Reads ran outside a transaction; the flush begins it (BEGIN / START TRANSACTION), then one UPDATE.
        expect(statements.map((s) => s.sql.split(' ')[0]!).filter((w) => !/^(BEGIN|START)$/i.test(w))).toEqual(['UPDATE']);
        await session.commit();
      } finally {
        await session.close();
      }
    });

    test('two gets of one key give one object and one SELECT', async () => {
      await Session.run((s) => s.add(user('dee')));
      const id = Number((await engine.execute(sql`SELECT id FROM ss_user`)).scalar());
      const session = Session();
      try {
        const { result, statements } = await recordStatements(engine, async () => [await session.get(SsUser, id), await session.get(SsUser, id)]);
        expect(result[0]).toBe(result[1]);
        expect(result[0]!.name).toBe('dee');
        expect(statements.filter((s) => /^SELECT/i.test(s.sql))).toHaveLength(1);
        const [fromQuery] = await session.scalars(select(SsUser).where({ id }));
        expect(fromQuery).toBe(result[0]);
        expect(await session.get(SsUser, id + 1000)).toBeUndefined();
      } finally {
        await session.close();
      }
    });

    test('an update writes only the changed columns, and bumps the version', async () => {
      await Session.run((s) => s.add(user('eve')));
      const session = Session();
      try {
        const [eve] = await session.scalars(select(SsUser).where({ name: 'eve' }));
        eve!.karma = 5;
        expect(inspect(eve!).modified).toEqual(['karma']);
        const { statements } = await recordStatements(engine, () => session.flush());
        const update = statements.find((s) => /^UPDATE/i.test(s.sql))!;
        expect(update.sql).toMatch(/karma/);
        expect(update.sql).not.toMatch(/\bname\b|\bemail\b/);
        expect(eve!.version).toBe(2);
        await session.commit();
      } finally {
        await session.close();
      }
      expect((await engine.execute(sql`SELECT karma, version FROM ss_user WHERE name = ${'eve'}`)).rows[0]).toMatchObject({ karma: 5, version: 2 });
    });

    test('a concurrent change makes the second writer fail with StaleDataError', async () => {
      await Session.run((s) => s.add(user('fay')));
      const first = Session();
      const second = Session();
      try {
        const [a] = await first.scalars(select(SsUser).where({ name: 'fay' }));
        const [b] = await second.scalars(select(SsUser).where({ name: 'fay' }));
        a!.karma = 1;
        await first.commit();
        b!.karma = 2;
        const error = await second.commit().catch((e: unknown) => e);
        // The reads ran before either transaction began, so every dialect sees the version check fail.
        expect(error).toBeInstanceOf(StaleDataError);
        await second.rollback();
      } finally {
        await first.close();
        await second.close();
      }
      expect(Number((await engine.execute(sql`SELECT karma FROM ss_user WHERE name = ${'fay'}`)).scalar())).toBe(1);
    });

    test('a flush that fails half-way writes nothing and leaves a usable session after rollback()', async () => {
      await Session.run((s) => s.add(user('taken')));
      const session = Session();
      try {
        const fresh = user('gus');
        fresh.posts = [post('kept?')];
        const clash = user('taken');
        session.addAll([fresh, clash]);
        const error = await session.commit().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(IntegrityError);
        expect((error as Error).message).toMatch(/^Flushing SsUser \(INSERT ss_user\) failed: Integrity violation/);
        await expect(session.get(SsUser, 1)).rejects.toThrow(InvalidStateError);
        await session.rollback();
        expect(inspect(fresh).status).toBe('transient');
        expect(inspect(clash).status).toBe('transient');
        expect(fresh.id).toBeUndefined();
        expect(fresh.posts[0]!.id).toBeUndefined();
        expect(await count('ss_user')).toBe(1);
        expect(await count('ss_post')).toBe(0);
        // The same objects can be saved once the problem is fixed.
        clash.email = 'other@example.com';
        session.addAll([fresh, clash]);
        await session.commit();
        expect(await count('ss_user')).toBe(3);
        expect(await count('ss_post')).toBe(1);
      } finally {
        await session.close();
      }
    });

    test('a missing required parent is a FlushError naming the relationship, before any SQL', async () => {
      const session = Session();
      try {
        session.add(post('orphan'));
        const { result } = await recordStatements(engine, () => session.flush().catch((e: unknown) => e));
        expect(result).toBeInstanceOf(FlushError);
        expect((result as Error).message).toMatch(/SsPost\.author is required/);
        await session.rollback();
      } finally {
        await session.close();
      }
    });

    test('deleting children and parents removes children first', async () => {
      const u = user('hal');
      u.posts = [post('a'), post('b')];
      await Session.run((s) => s.add(u));
      const session = Session();
      try {
        const loaded = (await session.get(SsUser, u.id))!;
        const posts = await session.scalars(select(SsPost));
        session.delete(loaded);
        for (const p of posts) session.delete(p);
        const { statements } = await recordStatements(engine, () => session.commit());
        const deletes = statements.map((s) => s.sql).filter((q) => /^DELETE/i.test(q));
        expect(deletes[0]).toMatch(/ss_post/);
        expect(deletes[deletes.length - 1]).toMatch(/ss_user/);
        expect(inspect(loaded).status).toBe('detached');
      } finally {
        await session.close();
      }
      expect(await count('ss_user')).toBe(0);
    });

    test('a self-referencing tree inserts parents before children', async () => {
      const root = new SsCategory();
      root.label = 'root';
      root.parent = null;
      const child = new SsCategory();
      child.label = 'child';
      child.parent = root;
      const grandchild = new SsCategory();
      grandchild.label = 'grandchild';
      grandchild.parent = child;
      await Session.run((s) => s.addAll([grandchild, child, root]));
      const rows = (await engine.execute('SELECT c.label, p.label AS parent FROM ss_category c LEFT JOIN ss_category p ON p.id = c.parent_id ORDER BY c.id')).rows;
      expect(rows).toEqual([
        { label: 'root', parent: null },
        { label: 'child', parent: 'root' },
        { label: 'grandchild', parent: 'child' },
      ]);
    });

    test('a foreign-key cycle is written with a post-update', async () => {
      const left = new SsLeft();
      const right = new SsRight();
      right.owner = left;
      left.partner = right;
      await Session.run((s) => s.addAll([left, right]));
      const row = (await engine.execute('SELECT l.partner_id, r.owner_id, r.id AS rid, l.id AS lid FROM ss_left l JOIN ss_right r ON r.owner_id = l.id')).rows[0]!;
      expect(Number(row.partner_id)).toBe(Number(row.rid));
      expect(Number(row.owner_id)).toBe(Number(row.lid));
    });

    test('expire-on-commit: committed values stay readable, and the next get sees another connection\'s change', async () => {
      const session = Session();
      try {
        const ivy = user('ivy');
        session.add(ivy);
        await session.commit();
        expect(ivy.name).toBe('ivy');
        expect(inspect(ivy).expired).toBe(true);
        await engine.execute(sql`UPDATE ss_user SET name = ${'ivy2'} WHERE id = ${ivy.id}`);
        const again = await session.get(SsUser, ivy.id);
        expect(again).toBe(ivy);
        expect(ivy.name).toBe('ivy2');
        expect(inspect(ivy).expired).toBe(false);
      } finally {
        await session.close();
      }
    });

    test('strict mode refuses an expired read; expireOnCommit: false keeps state', async () => {
      const strict = Session({ strict: true });
      try {
        const jo = user('jo');
        strict.add(jo);
        await strict.commit();
        expect(() => jo.name).toThrow(/read after the session committed/);
      } finally {
        await strict.close();
      }
      const keeping = Session({ expireOnCommit: false });
      try {
        const kim = user('kim');
        keeping.add(kim);
        await keeping.commit();
        expect(inspect(kim).expired).toBe(false);
        const { statements } = await recordStatements(engine, () => keeping.get(SsUser, kim.id));
        expect(statements).toHaveLength(0);
      } finally {
        await keeping.close();
      }
    });

    test('autoflush writes pending objects before a query; noAutoflush holds them back', async () => {
      const session = Session();
      try {
        session.add(user('lu'));
        const held = await session.noAutoflush(() => session.scalars(select(SsUser)));
        expect(held).toHaveLength(0);
        const seen = await session.scalars(select(SsUser));
        expect(seen.map((u) => u.name)).toEqual(['lu']);
        await session.rollback();
      } finally {
        await session.close();
      }
      expect(await count('ss_user')).toBe(0);
    });

    test('rolling back a savepoint undoes its rows and restores attributes', async () => {
      const session = Session();
      try {
        const mo = user('mo');
        session.add(mo);
        await session.flush();
        const sp = await session.beginNested();
        mo.name = 'changed';
        const extra = user('extra');
        session.add(extra);
        await session.flush();
        await sp.rollback();
        expect(mo.name).toBe('mo');
        expect(inspect(extra).status).toBe('transient');
        await session.commit();
      } finally {
        await session.close();
      }
      expect((await engine.execute('SELECT name FROM ss_user')).rows.map((r) => r.name)).toEqual(['mo']);
    });

    test('onCommit runs after COMMIT, where another connection sees the row; a rollback runs none', async () => {
      const seen: unknown[] = [];
      await Session.run(async (s) => {
        const nia = user('nia');
        s.add(nia);
        await s.flush();
        s.onCommit(async () => {
          seen.push((await engine.execute(sql`SELECT name FROM ss_user WHERE id = ${nia.id}`)).rows[0]?.name);
        });
      });
      expect(seen).toEqual(['nia']);
      const session = Session();
      let ran = false;
      let rolledBack = false;
      try {
        session.add(user('ola'));
        await session.flush();
        session.onCommit(() => {
          ran = true;
        });
        session.onRollback(() => {
          rolledBack = true;
        });
        await session.rollback();
      } finally {
        await session.close();
      }
      expect(ran).toBe(false);
      expect(rolledBack).toBe(true);
    });

    test('onCommit registered before the first write waits for the session\'s commit, and is dropped by rollback or close', async () => {
      const seen: unknown[] = [];
      await Session.run((s) => {
        const early = user('early');
        s.add(early);
        s.onCommit(() => void seen.push(early.id));
        expect(seen).toEqual([]);
      });
      expect(seen).toHaveLength(1);
      expect(typeof seen[0]).toBe('number');
      const session = Session();
      try {
        session.add(user('dropped'));
        session.onCommit(() => void seen.push('dropped'));
        await session.rollback();
        // Registered with nothing pending and no transaction: it waits for the commit of what follows.
        session.onCommit(() => void seen.push('after the next commit'));
        await new Promise((resolve) => setImmediate(resolve));
        expect(seen).toHaveLength(1);
        session.add(user('later'));
        await session.commit();
        expect(seen).toEqual([seen[0], 'after the next commit']);
        // A hook registered first, then work that fails: nothing is published.
        session.onCommit(() => void seen.push('never'));
        session.add(user('failed'));
      } finally {
        await session.close();
      }
      await Session.run((s) => s.onCommit(() => void seen.push('read-only commit')));
      expect(seen).toEqual([seen[0], 'after the next commit', 'read-only commit']);
    });

    test('object states: transient, pending, persistent, deleted, detached; expunge and merge', async () => {
      const session = Session();
      try {
        const pat = user('pat');
        expect(inspect(pat).status).toBe('transient');
        session.add(pat);
        expect(inspect(pat).status).toBe('pending');
        await session.flush();
        expect(inspect(pat)).toMatchObject({ status: 'persistent', identity: [pat.id] });
        session.expunge(pat);
        expect(inspect(pat).status).toBe('detached');
        pat.name = 'patricia';
        const merged = await session.merge(pat);
        expect(merged).not.toBe(pat);
        expect(merged.name).toBe('patricia');
        session.delete(merged);
        await session.flush();
        expect(inspect(merged).status).toBe('deleted');
        await session.commit();
        expect(inspect(merged).status).toBe('detached');
      } finally {
        await session.close();
      }
      expect(await count('ss_user')).toBe(0);
    });

    test('refresh reloads from the database, dropping local changes', async () => {
      await Session.run((s) => s.add(user('quin')));
      const session = Session();
      try {
        const [q] = await session.scalars(select(SsUser));
        await session.commit();
        await engine.execute(sql`UPDATE ss_user SET karma = ${9}`);
        q!.name = 'local';
        await session.refresh(q!);
        expect(q!.name).toBe('quin');
        expect(q!.karma).toBe(9);
      } finally {
        await session.close();
      }
    });

    test('one() and scalar() over column selections', async () => {
      await Session.run((s) => s.addAll([user('ray'), user('sue')]));
      const session = Session();
      try {
        const names = await session.scalars(select(SsUser).orderBy((u) => u.name));
        expect(names.map((u) => u.name)).toEqual(['ray', 'sue']);
        await expect(session.one(select(SsUser))).rejects.toThrow(/found 2 rows/);
        await expect(session.one(select(SsUser).where({ name: 'zed' }))).rejects.toThrow(/found no row/);
        expect((await session.one(select(SsUser).where({ name: 'sue' }))).email).toBe('sue@example.com');
      } finally {
        await session.close();
      }
    });

    test('reassigning a relationship of a loaded object is saved', async () => {
      const [a, b] = [user('ra'), user('rb')];
      a.posts = [post('moving')];
      await Session.run((s) => s.addAll([a, b]));
      await Session.run(async (s) => {
        const [p] = await s.scalars(select(SsPost));
        p!.author = (await s.get(SsUser, b.id))!;
      });
      expect(Number((await engine.execute(sql`SELECT author_id FROM ss_post`)).scalar())).toBe(b.id);
    });

    test('a collection assigned on a loaded parent inserts its new children', async () => {
      const a = user('ca');
      await Session.run((s) => s.add(a));
      await Session.run(async (s) => {
        const loaded = (await s.get(SsUser, a.id))!;
        loaded.posts = [post('new child')];
      });
      expect(Number((await engine.execute(sql`SELECT author_id FROM ss_post WHERE title = ${'new child'}`)).scalar())).toBe(a.id);
    });

    test('rolling back an outer savepoint restores the value from before it, and hooks keep their order', async () => {
      const session = Session();
      const order: string[] = [];
      try {
        const a = user('nest');
        session.add(a);
        await session.flush();
        session.onCommit(() => void order.push('root'));
        const sp1 = await session.beginNested();
        session.onCommit(() => void order.push('sp1'));
        a.name = 'b2';
        const sp2 = await session.beginNested();
        session.onCommit(() => void order.push('sp2'));
        a.name = 'c3';
        await session.flush();
        await sp2.commit();
        await sp1.commit();
        const sp3 = await session.beginNested();
        a.name = 'd4';
        await session.beginNested();
        a.name = 'e5';
        await session.flush();
        await sp3.rollback();
        expect(a.name).toBe('c3');
        await session.commit();
      } finally {
        await session.close();
      }
      expect(order).toEqual(['root', 'sp1', 'sp2']);
      expect((await engine.execute('SELECT name FROM ss_user')).scalar()).toBe('c3');
    });

    test('an object whose delete was flushed cannot be added back; merge onto a deleted key is refused', async () => {
      const a = user('del');
      await Session.run((s) => s.add(a));
      const session = Session();
      try {
        const loaded = (await session.get(SsUser, a.id))!;
        session.delete(loaded);
        const detached = user('del');
        detached.id = a.id;
        await expect(session.merge(detached)).rejects.toThrow(/marked for deletion/);
        await session.flush();
        expect(() => session.add(loaded)).toThrow(/cannot bring it back/);
        await session.rollback();
      } finally {
        await session.close();
      }
      expect(await count('ss_user')).toBe(1);
    });

    test('writing the value an expired object already shows still reaches the database', async () => {
      const a = user('same');
      const session = Session();
      try {
        session.add(a);
        await session.commit();
        await engine.execute(sql`UPDATE ss_user SET name = ${'other'} WHERE id = ${a.id}`);
        a.name = 'same';
        await session.commit();
      } finally {
        await session.close();
      }
      expect((await engine.execute(sql`SELECT name FROM ss_user WHERE id = ${a.id}`)).scalar()).toBe('same');
    });

    test('100 concurrent Session.run scopes through the pool leave nothing checked out', async () => {
      await Promise.all(Array.from({ length: 100 }, (_, i) => Session.run((s) => s.add(user(`u${i}`)))));
      expect(await count('ss_user')).toBe(100);
      expect(engine.status()).toMatchObject({ checkedOut: 0, waiting: 0 });
    });

    test('reads started together on one session, while its connection is still being opened, share it and leak nothing', async () => {
      await Session.run((s) => s.addAll([user('r1'), user('r2')]));
      for (let round = 0; round < 30; round++) {
        const session = Session();
        try {
          // Staggered by a microtask or a macrotask, so some reads start while the first is opening a connection and some after.
          const reads = Array.from({ length: 6 }, (_, i) =>
            (i % 3 === 0 ? Promise.resolve() : new Promise((resolve) => (i % 3 === 1 ? queueMicrotask : setImmediate)(() => resolve(undefined)))).then(() =>
              session.scalars(select(SsUser).orderBy((u) => u.name)),
            ),
          );
          const results = await Promise.all(reads);
          for (const users of results) expect(users.map((u) => u.name)).toEqual(['r1', 'r2']);
          // One object per row, whichever read loaded it.
          expect(new Set(results.flat()).size).toBe(2);
        } finally {
          await session.close();
        }
        expect(engine.status()).toMatchObject({ checkedOut: 0, waiting: 0 });
      }
    });
  });
}

/*
 * Statements a user must be able to run through a session, on every dialect: raw SQL
 * (fragments and strings with parameters) in the session's transaction, the session's
 * connection, loader options that name the wrong entity, and relationship comparisons
 * (in / notIn / the shorthand) by object, key and composite-key tuple.
 */
import {
  ArgumentError,
  Column,
  createEngine,
  type Engine,
  Entity,
  InvalidStateError,
  joinedLoad,
  type Loaded,
  ManyToOne,
  MetaData,
  OneToMany,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  ref,
  select,
  selectinLoad,
  type SessionFactory,
  sessionMaker,
  sql,
  ValidationError,
} from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';
import { TRAITS } from '../traits';

@Entity('rs_user')
class RsUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @OneToMany(() => RsPost, 'author') posts!: RsPost[];
  @OneToOne(() => RsProfile, 'user') profile!: RsProfile | null;
}

@Entity('rs_profile')
class RsProfile {
  @PrimaryGeneratedColumn() id!: number;
  @Column() bio!: string;
  /** The owning one-to-one side: the foreign key is here. */
  @OneToOne(() => RsUser, 'profile', { joinColumn: true, nullable: true }) user!: RsUser | null;
}

@Entity('rs_post')
class RsPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => RsUser, 'posts', { nullable: false }) author!: RsUser;
}

@Entity('rs_region')
class RsRegion {
  declare [PrimaryKeyProps]?: ['country', 'code'];
  @PrimaryColumn({ length: 40 }) country!: string;
  @PrimaryColumn({ length: 40 }) code!: string;
  @Column() name!: string;
  @OneToMany(() => RsCity, 'region') cities!: RsCity[];
}

@Entity('rs_city')
class RsCity {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  /** A composite foreign key (country, code). */
  @ManyToOne(() => RsRegion, 'cities', { nullable: true }) region!: RsRegion | null;
}

/** Columns and a relationship declared on an abstract base, inherited by an entity. */
abstract class RsOwned {
  @Column({ length: 100 }) label!: string;
  @ManyToOne(() => RsUser, undefined, { nullable: true }) owner!: RsUser | null;
}

@Entity('rs_note')
class RsNote extends RsOwned {
  @PrimaryGeneratedColumn() id!: number;
}

function make<T extends object>(type: new () => T, values: Partial<T>): T {
  return Object.assign(new type(), values);
}

/** Registers the raw statements and relationship comparisons suite for one dialect. */
export function rawStatementsSuite(dialect: DialectName): void {
  describe(`${dialect}: raw statements, loader options and relationship comparisons`, () => {
    const md = new MetaData([RsUser, RsProfile, RsPost, RsRegion, RsCity, RsNote]);
    const placeholder = TRAITS[dialect].placeholder;
    let engine: Engine;
    let Session: SessionFactory;
    /** The committed row count, read on a connection of its own. */
    const count = async (table: string) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());
    const titles = (posts: Loaded<RsPost>[]) => posts.map((p) => p.title).sort();
    const cities = (list: Loaded<RsCity>[]) => list.map((c) => c.name).sort();

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 4 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      for (const table of ['rs_note', 'rs_city', 'rs_region', 'rs_post', 'rs_profile', 'rs_user']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    /** ann (posts a1, a2, profile), bob (post b1), cy (no post); regions se/ab, se/c, no/os with a city each, and one without. */
    async function seed() {
      return Session.run(async (s) => {
        const ann = make(RsUser, { name: 'ann' });
        const bob = make(RsUser, { name: 'bob' });
        const cy = make(RsUser, { name: 'cy' });
        s.addAll([ann, bob, cy]);
        s.addAll([make(RsPost, { title: 'a1', author: ann }), make(RsPost, { title: 'a2', author: ann }), make(RsPost, { title: 'b1', author: bob })]);
        s.add(make(RsProfile, { bio: 'ann bio', user: ann }));
        s.add(make(RsProfile, { bio: 'nobody', user: null }));
        const seAb = make(RsRegion, { country: 'se', code: 'ab', name: 'Stockholm' });
        const seC = make(RsRegion, { country: 'se', code: 'c', name: 'Uppsala' });
        const noOs = make(RsRegion, { country: 'no', code: 'os', name: 'Oslo' });
        s.addAll([seAb, seC, noOs]);
        s.addAll([
          make(RsCity, { name: 'Solna', region: seAb }),
          make(RsCity, { name: 'Enkoping', region: seC }),
          make(RsCity, { name: 'Baerum', region: noOs }),
          make(RsCity, { name: 'Nowhere', region: null }),
        ]);
        s.add(make(RsNote, { label: 'ann note', owner: ann }));
        await s.flush();
        return { ann: ann.id, bob: bob.id, cy: cy.id };
      });
    }

    describe('raw SQL in a session', () => {
      test('a raw SELECT through session.execute sees pending changes (autoflush) and returns plain records', async () => {
        const s = Session();
        try {
          s.add(make(RsUser, { name: 'pending' }));
          const rows = await s.execute(sql`SELECT name FROM rs_user WHERE name = ${'pending'}`);
          expect(rows).toEqual([{ name: 'pending' }]);
          expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
          expect(s.hasPendingChanges).toBe(false);
        } finally {
          await s.close();
        }
      });

      test('a raw INSERT and UPDATE through session.execute run in the session transaction and session.rollback() undoes them', async () => {
        const ids = await seed();
        const s = Session();
        try {
          await s.execute(sql`INSERT INTO rs_user (name) VALUES (${'raw'})`);
          expect(s.inTransaction).toBe(true);
          await s.execute(sql`UPDATE rs_user SET name = ${'renamed'} WHERE id = ${ids.ann}`);
          // The session's own transaction sees its writes; other connections do not yet.
          expect(await s.execute(sql`SELECT name FROM rs_user WHERE name IN (${'raw'}, ${'renamed'}) ORDER BY name`)).toEqual([{ name: 'raw' }, { name: 'renamed' }]);
          expect(await count('rs_user')).toBe(3);
          await s.rollback();
          expect(await count('rs_user')).toBe(3);
          expect((await engine.execute(sql`SELECT name FROM rs_user WHERE id = ${ids.ann}`)).scalar()).toBe('ann');
          await s.execute(sql`INSERT INTO rs_user (name) VALUES (${'kept'})`);
          await s.commit();
          expect(await count('rs_user')).toBe(4);
        } finally {
          await s.close();
        }
      });

      test('a raw string runs with a parameter array in the dialect placeholder style', async () => {
        await seed();
        const s = Session();
        try {
          const rows = await s.execute<{ name: string }>(`SELECT name FROM rs_user WHERE name = ${placeholder(1)} OR name = ${placeholder(2)} ORDER BY name`, ['bob', 'cy']);
          expect(rows).toEqual([{ name: 'bob' }, { name: 'cy' }]);
          // A value with quotes is bound, never spliced into the text.
          expect(await s.execute(`SELECT name FROM rs_user WHERE name = ${placeholder(1)}`, ["ann' OR '1'='1"])).toEqual([]);
        } finally {
          await s.close();
        }
      });

      test('a raw UPDATE leaves held objects as they were until the session expires them', async () => {
        const ids = await seed();
        const s = Session();
        try {
          const ann = (await s.get(RsUser, ids.ann))!;
          await s.execute(sql`UPDATE rs_user SET name = ${'changed'} WHERE id = ${ids.ann}`);
          expect(ann.name).toBe('ann');
          s.expire(ann);
          expect((await s.get(RsUser, ids.ann))!.name).toBe('changed');
        } finally {
          await s.close();
        }
      });

      test('session.connection() is the connection of the session transaction, after an autoflush', async () => {
        const s = Session();
        try {
          s.add(make(RsUser, { name: 'flushed' }));
          const conn = await s.connection();
          expect(conn.inTransaction).toBe(true);
          expect(s.inTransaction).toBe(true);
          expect(Number((await conn.execute(sql`SELECT count(*) AS n FROM rs_user WHERE name = ${'flushed'}`)).scalar())).toBe(1);
          await conn.execute(sql`INSERT INTO rs_user (name) VALUES (${'via connection'})`);
          expect(await s.scalars(select(RsUser).where({ name: 'via connection' }))).toHaveLength(1);
          expect(await s.connection()).toBe(conn);
          expect(await count('rs_user')).toBe(0);
          await s.rollback();
          expect(await count('rs_user')).toBe(0);
        } finally {
          await s.close();
        }
      });

      test('the connection from session.connection() refuses to end the session transaction, and refuses all calls after it ended', async () => {
        const s = Session();
        try {
          const conn = await s.connection();
          for (const end of [() => conn.commit(), () => conn.rollback(), () => conn.close(), () => conn.begin()]) {
            await expect(end()).rejects.toThrow(InvalidStateError);
          }
          await expect(conn.commit()).rejects.toThrow(/session owns this transaction/);
          expect(conn.inTransaction).toBe(true);
          await conn.execute(sql`INSERT INTO rs_user (name) VALUES (${'in tx'})`);
          await s.commit();
          expect(await count('rs_user')).toBe(1);
          await expect(conn.execute(sql`SELECT 1 AS one`)).rejects.toThrow(/transaction that has ended/);
          const next = await s.connection();
          expect(next).not.toBe(conn);
          expect(Number((await next.execute(sql`SELECT count(*) AS n FROM rs_user`)).scalar())).toBe(1);
        } finally {
          await s.close();
        }
      });

      test('session.scalars() given raw SQL raises ArgumentError pointing to session.execute', async () => {
        const s = Session();
        try {
          await expect(s.scalars(sql`SELECT 1` as never)).rejects.toThrow(ArgumentError);
          await expect(s.scalars(sql`SELECT 1` as never)).rejects.toThrow(/session\.execute\(sql/);
          await expect(s.execute(select(RsUser) as never, [1] as never)).rejects.toThrow(/pass no parameter array/);
        } finally {
          await s.close();
        }
      });
    });

    describe('loader options', () => {
      test('a loader option for another entity raises ArgumentError naming both entities', async () => {
        const ids = await seed();
        const s = Session();
        try {
          const wrong = joinedLoad(RsUser, 'posts');
          // @ts-expect-error the option starts from another entity: the run-time check for untyped callers
          await expect(s.scalars(select(RsPost).options(wrong))).rejects.toThrow(ArgumentError);
          // @ts-expect-error the option starts from another entity
          await expect(s.scalars(select(RsPost).options(wrong))).rejects.toThrow(/starts from RsUser, but this query loads RsPost/);
          // @ts-expect-error the option starts from another entity
          await expect(s.get(RsPost, ids.ann, { options: [selectinLoad(RsUser, 'posts')] })).rejects.toThrow(/starts from RsUser, but session\.get\(RsPost\) loads RsPost/);
          const posts = await s.scalars(select(RsPost));
          // @ts-expect-error the option starts from another entity
          await expect(s.load(posts, [selectinLoad(RsUser, 'posts')])).rejects.toThrow(/starts from RsUser.*loads RsPost/);
          const u = ref(RsUser);
          // @ts-expect-error the option starts from another entity
          await expect(s.execute(select({ user: u }).from(u).options(joinedLoad(RsPost, 'author')))).rejects.toThrow(/starts from RsPost, but this query loads RsUser/);
        } finally {
          await s.close();
        }
      });

      test('a loader option on a column-only query raises ArgumentError', async () => {
        await seed();
        const s = Session();
        try {
          const p = ref(RsPost);
          await expect(s.execute(select({ title: p.title }).from(p).options(joinedLoad(RsPost, 'author')))).rejects.toThrow(/selects no entity/);
        } finally {
          await s.close();
        }
      });

      test('loader options apply to a tuple query for either of its entities, and from an abstract base class', async () => {
        const ids = await seed();
        const s = Session();
        try {
          const rows = await s.execute(select(RsPost, RsUser).join((p) => p.author).where((p) => p.title.eq('b1')).options(selectinLoad(RsUser, 'posts')));
          expect(rows).toHaveLength(1);
          expect(titles(rows[0]![1].posts)).toEqual(['b1']);
          const [note] = await s.scalars(select(RsNote).options(joinedLoad(RsOwned, 'owner')));
          expect(note!.label).toBe('ann note');
          expect(note!.owner!.id).toBe(ids.ann);
          const [held] = await s.scalars(select(RsNote).options(joinedLoad(RsNote, 'owner')));
          expect(held!.owner!.name).toBe('ann');
        } finally {
          await s.close();
        }
      });
    });

    describe('relationship comparisons', () => {
      test('in() and notIn() on a many-to-one take target objects or keys, mixed', async () => {
        const ids = await seed();
        const s = Session();
        try {
          const ann = (await s.get(RsUser, ids.ann))!;
          const bob = (await s.get(RsUser, ids.bob))!;
          expect(titles(await s.scalars(select(RsPost).where((p) => p.author.in([ann, bob]))))).toEqual(['a1', 'a2', 'b1']);
          expect(titles(await s.scalars(select(RsPost).where((p) => p.author.in([ids.bob, ids.cy]))))).toEqual(['b1']);
          // @ts-expect-error an object holding the key is accepted at run time (JavaScript callers); the types take the object or its key
          expect(titles(await s.scalars(select(RsPost).where((p) => p.author.in([ann, { id: ids.bob }]))))).toEqual(['a1', 'a2', 'b1']);
          expect(titles(await s.scalars(select(RsPost).where((p) => p.author.notIn([ann]))))).toEqual(['b1']);
          expect(await s.scalars(select(RsPost).where((p) => p.author.in([])))).toEqual([]);
          expect(titles(await s.scalars(select(RsPost).where((p) => p.author.notIn([]))))).toEqual(['a1', 'a2', 'b1']);
          const bobs = select({ id: sql`id` }).from(RsUser).where((u) => u.name.eq('bob'));
          expect(titles(await s.scalars(select(RsPost).where((p) => p.author.in(bobs))))).toEqual(['b1']);
        } finally {
          await s.close();
        }
      });

      test('the shorthand on a relationship: a list means IN, an object or a key means equality, null IS NULL', async () => {
        const ids = await seed();
        const s = Session();
        try {
          const ann = (await s.get(RsUser, ids.ann))!;
          expect(titles(await s.scalars(select(RsPost).where({ author: [ids.ann, ids.bob] })))).toEqual(['a1', 'a2', 'b1']);
          expect(titles(await s.scalars(select(RsPost).where({ author: [ann] })))).toEqual(['a1', 'a2']);
          expect(titles(await s.scalars(select(RsPost).where({ author: ann })))).toEqual(['a1', 'a2']);
          expect(titles(await s.scalars(select(RsPost).where({ author: ids.bob })))).toEqual(['b1']);
          expect(await s.scalars(select(RsPost).where({ author: [] }))).toEqual([]);
          const orphans = await s.scalars(select(RsProfile).where({ user: null }));
          expect(orphans.map((p) => p.bio)).toEqual(['nobody']);
        } finally {
          await s.close();
        }
      });

      test('the owning side of a one-to-one compares by object, key and list', async () => {
        const ids = await seed();
        const s = Session();
        try {
          const ann = (await s.get(RsUser, ids.ann))!;
          const bios = (list: Loaded<RsProfile>[]) => list.map((p) => p.bio);
          expect(bios(await s.scalars(select(RsProfile).where((p) => p.user.in([ann, ids.bob]))))).toEqual(['ann bio']);
          expect(bios(await s.scalars(select(RsProfile).where({ user: ann })))).toEqual(['ann bio']);
          expect(bios(await s.scalars(select(RsProfile).where({ user: [ids.cy] })))).toEqual([]);
        } finally {
          await s.close();
        }
      });

      test('a composite foreign key compares by tuple or object, in a list or alone', async () => {
        await seed();
        const s = Session();
        try {
          const oslo = (await s.get(RsRegion, ['no', 'os']))!;
          expect(cities(await s.scalars(select(RsCity).where((c) => c.region.in([['se', 'ab'], oslo]))))).toEqual(['Baerum', 'Solna']);
          expect(cities(await s.scalars(select(RsCity).where((c) => c.region.eq(['se', 'c']))))).toEqual(['Enkoping']);
          expect(cities(await s.scalars(select(RsCity).where({ region: [['se', 'ab'], { country: 'se', code: 'c' }] })))).toEqual(['Enkoping', 'Solna']);
          expect(cities(await s.scalars(select(RsCity).where((c) => c.region.notIn([['se', 'ab']]))))).toEqual(['Baerum', 'Enkoping']);
          expect(await s.scalars(select(RsCity).where((c) => c.region.in([])))).toEqual([]);
          expect(() => select(RsCity).where({ region: ['se', 'ab'] })).toThrow(/2 columns \(country, code\)/);
        } finally {
          await s.close();
        }
      });

      test('key values in a relationship comparison are bound, never spliced into the SQL', async () => {
        await seed();
        const hostile = "se' OR '1'='1";
        const s = Session();
        try {
          const { result, statements } = await recordStatements(engine, () => s.scalars(select(RsCity).where({ region: [[hostile, "ab'--"]] })));
          expect(result).toEqual([]);
          const sent = statements.find((entry) => /rs_city/.test(entry.sql))!;
          expect(sent.sql).not.toContain(hostile);
          expect(sent.params).toContain(hostile);
          // A key of the wrong type is checked by the column's codec before any SQL is sent.
          // @ts-expect-error RsUser's key is a number: the run-time check for untyped callers
          await expect(s.scalars(select(RsPost).where((p) => p.author.in([hostile])))).rejects.toThrow(ValidationError);
        } finally {
          await s.close();
        }
      });

      test('a relationship comparison with an object that has no key yet raises ArgumentError', async () => {
        const s = Session();
        try {
          const fresh = make(RsUser, { name: 'new' });
          s.add(fresh);
          expect(() => select(RsPost).where((p) => p.author.in([fresh]))).toThrow(/has no key yet/);
          expect(() => select(RsPost).where({ author: fresh })).toThrow(ArgumentError);
          expect(() => select(RsPost).where({ author: [fresh] })).toThrow(/flush the session first/i);
          await s.flush();
          expect(await s.scalars(select(RsPost).where((p) => p.author.in([fresh])))).toEqual([]);
        } finally {
          await s.close();
        }
      });

      test('a collection is not comparable with in(): ArgumentError naming the relationship and the fix', () => {
        // @ts-expect-error a collection is not comparable: the compiler refuses in(); kept to test the run-time check for JavaScript callers
        expect(() => select(RsUser).where((u) => u.posts.in([1]))).toThrow(/RsUser\.posts is a collection.*exists/);
        expect(() => select(RsUser).where({ posts: [1] } as never)).toThrow(ArgumentError);
        expect(() => select(RsUser).where((u) => u.profile.in([1]))).toThrow(/foreign key is on RsProfile/);
      });
    });
  });
}

/*
 * Bound-parameter limits on the real servers. A user's IN list of 70,000 ids is one array
 * parameter where the server binds arrays, and elsewhere is refused with ArgumentError
 * naming the limit before anything is sent; any statement past the limit is refused the
 * same way; an IN list keeps its meaning for every column type; and the ORM's own lists (loads by parent key, multi-row inserts, batched
 * updates, deletes, association rows) of 40,000 objects run in batches under the limit.
 */
import {
  ArgumentError,
  Column,
  insert,
  createEngine,
  Entity,
  ManyToMany,
  ManyToOne,
  MetaData,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  select,
  selectinLoad,
  sessionMaker,
  sql,
  VersionColumn,
  type Engine,
  type Expr,
  type Predicate,
  type SessionFactory,
} from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';

@Entity('pl_user')
class PlUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40 }) name!: string;
  @OneToMany(() => PlPost, 'author', { cascade: 'all' }) posts!: PlPost[];
  @ManyToMany(() => PlTag, 'users', { joinTable: 'pl_user_tag' }) tags!: PlTag[];
}

@Entity('pl_post')
class PlPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40 }) title!: string;
  @ManyToOne(() => PlUser, 'posts', { nullable: false }) author!: PlUser;
}

@Entity('pl_tag')
class PlTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40 }) label!: string;
  @ManyToMany(() => PlUser, 'tags') users!: PlUser[];
}

/** Deleted row by row condition (key and version), not by an IN list. */
@Entity('pl_versioned')
class PlVersioned {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @VersionColumn() version!: number;
  @Column({ length: 40 }) label!: string;
}

/** A column of each type, for IN lists typed by their column. */
@Entity('pl_typed')
class PlTyped {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) qty!: number;
  @Column({ type: 'bigint' }) big!: bigint;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'double' }) ratio!: number;
  @Column() active!: boolean;
  @Column({ length: 3 }) code!: string;
  @Column({ type: 'text' }) note!: string;
  @Column({ type: 'uuid' }) uid!: string;
  @Column({ type: 'enum', enum: ['red', 'green'], enumName: 'pl_colour' }) colour!: string;
  @Column({ type: 'bytes' }) blob!: Buffer;
  @Column({ type: 'date' }) day!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'timestamp' }) local!: string;
}

const TYPED: readonly PlTyped[] = [
  { id: 1, qty: -4, big: 9007199254740993n, price: '1.01', ratio: 0.1 + 0.2, active: true, code: 'abc', note: 'x "y" \\ z', uid: '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f', colour: 'red', blob: Buffer.from([0, 1, 255]), day: '2024-02-29', at: new Date('2024-03-01T12:00:00.123Z'), local: '2024-03-01T12:00:00' },
  { id: 2, qty: 7, big: 2n, price: '2.50', ratio: 1.5, active: false, code: 'xyz', note: '{a,b}', uid: '00000000-0000-4000-8000-000000000002', colour: 'green', blob: Buffer.from([7]), day: '1999-12-31', at: new Date('1999-12-31T23:59:59Z'), local: '1999-12-31T23:59:59' },
];

/** Users seeded; every tenth has a post, every hundredth the tag. */
const USERS = 40_000;

function make<T extends object>(type: new () => T, values: Partial<T>): T {
  return Object.assign(new type(), values);
}

/** Registers the bound-parameter limit suite for one dialect. */
export function parameterLimitsSuite(dialect: DialectName): void {
  describe(`${dialect}: bound-parameter limits`, () => {
    const md = new MetaData([PlUser, PlPost, PlTag, PlVersioned, PlTyped]);
    let engine: Engine;
    let Session: SessionFactory;
    let userIds: number[];
    const count = async (table: string) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
      // One flush of 40,000 users, 4,000 posts and 400 association rows: multi-row INSERTs under the limit.
      await Session.run(async (s) => {
        const tag = make(PlTag, { label: 'hundredth' });
        for (let i = 0; i < USERS; i++) {
          const user = make(PlUser, { name: `u${i}`, posts: [], tags: [] });
          if (i % 10 === 0) user.posts.push(make(PlPost, { title: `p${i}` }));
          if (i % 100 === 0) user.tags.push(tag);
          s.add(user);
        }
      });
      userIds = (await engine.execute(sql`SELECT id FROM pl_user ORDER BY id`)).rows.map((r) => Number(r.id));
    }, 300_000);

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    }, 60_000);

    test('a flush inserting 40,000 objects with their posts and association rows stores them all', async () => {
      expect(userIds).toHaveLength(USERS);
      expect(await count('pl_post')).toBe(USERS / 10);
      expect(await count('pl_user_tag')).toBe(USERS / 100);
    });

    test('an IN list of 70,000 ids is one array parameter where arrays bind, else ArgumentError naming the limit before anything is sent', async () => {
      const ids = [...userIds, ...Array.from({ length: 70_000 - USERS }, (_, i) => -1 - i)];
      const query = select(PlUser).where((u) => u.id.in(ids));
      const { result, statements } = await recordStatements(engine, () => Session.run((s) => s.scalars(query)).catch((error: unknown) => error));
      const limit = engine.capabilities.maxParameters!;
      if (engine.capabilities.arrayParameters) {
        expect((result as PlUser[]).length).toBe(USERS);
        const sent = statements.filter((s) => s.sql.includes('pl_user'));
        expect(sent).toHaveLength(1);
        expect(sent[0]!.params).toHaveLength(1);
        // The statement text does not depend on the list's length.
        const { statements: short } = await recordStatements(engine, () => Session.run((s) => s.scalars(select(PlUser).where((u) => u.id.in(userIds.slice(0, 3))))));
        expect(short.filter((s) => s.sql.includes('pl_user'))[0]!.sql).toBe(sent[0]!.sql);
      } else {
        expect(result).toBeInstanceOf(ArgumentError);
        expect((result as Error).message).toContain(`binds 70,000 parameters`);
        expect((result as Error).message).toContain(`at most ${limit.toLocaleString('en-US')} in one statement`);
        expect((result as Error).message).toMatch(/Split the values into batches .* temporary table/);
        expect(statements.filter((s) => s.sql.includes('pl_user'))).toEqual([]);
      }
    }, 120_000);

    test('an IN list over every column type finds the rows equality finds, NOT IN the others, and a NULL element matches nothing', async () => {
      await engine.execute(insert(PlTyped).values([...TYPED]));
      const ids = async (where: (t: Record<string, Expr<unknown>>) => Predicate) =>
        (await engine.execute(select(PlTyped).where((t) => where(t as unknown as Record<string, Expr<unknown>>)).orderBy((t) => t.id))).rows.map((r) => r.id);
      const [first, second] = TYPED as [PlTyped, PlTyped];
      for (const key of Object.keys(first).filter((k) => k !== 'id') as (keyof PlTyped)[]) {
        expect([key, await ids((t) => t[key]!.in([first[key], null]))]).toEqual([key, [1]]);
        expect([key, await ids((t) => t[key]!.in([first[key], second[key]]))]).toEqual([key, [1, 2]]);
        expect([key, await ids((t) => t[key]!.notIn([first[key]]))]).toEqual([key, [2]]);
        // NOT IN a list holding NULL is never true, as in SQL.
        expect([key, await ids((t) => t[key]!.notIn([first[key], null]))]).toEqual([key, []]);
      }
    });

    test('a statement binding one parameter more than the server takes raises ArgumentError before it is sent', async () => {
      const limit = engine.capabilities.maxParameters!;
      expect(limit).toBeGreaterThan(900);
      const values = Array.from({ length: limit + 1 }, (_, i) => i);
      const { result, statements } = await recordStatements(engine, () => engine.execute(sql`SELECT count(*) AS n FROM pl_user WHERE id IN (${sql.join(values)})`).catch((error: unknown) => error));
      expect(result).toBeInstanceOf(ArgumentError);
      expect((result as Error).message).toContain(`binds ${(limit + 1).toLocaleString('en-US')} parameters`);
      expect(statements.filter((s) => s.sql.includes('pl_user'))).toEqual([]);
      // At the limit itself the server takes it.
      const atLimit = await engine.execute(sql`SELECT count(*) AS n FROM pl_user WHERE id IN (${sql.join(values.slice(1))})`);
      expect(Number(atLimit.scalar())).toBe(userIds.filter((id) => id <= limit).length);
    }, 120_000);

    test('IN lists of 400 different lengths give the right rows, and one statement text where arrays bind', async () => {
      const texts = new Set<string>();
      const conn = await engine.connect();
      try {
        const stop = engine.on('statement', (entry) => texts.add(entry.sql));
        try {
          for (let n = 1; n <= 400; n++) {
            const rows = (await conn.execute(select(PlUser).where((u) => u.id.in(userIds.slice(0, n * 10))))).rows;
            expect(rows).toHaveLength(n * 10);
          }
        } finally {
          stop();
        }
      } finally {
        await conn.close();
      }
      if (engine.capabilities.arrayParameters) expect(texts.size).toBe(1);
      else expect(texts.size).toBe(400);
    }, 120_000);

    test('selectinLoad of 40,000 parents loads every parent\'s posts in batches under the limit', async () => {
      const { result: users, statements } = await recordStatements(engine, () => Session.run((s) => s.scalars(select(PlUser).options(selectinLoad(PlUser, 'posts')))));
      const loaded = users;
      expect(loaded).toHaveLength(USERS);
      expect(loaded.reduce((n, u) => n + u.posts.length, 0)).toBe(USERS / 10);
      expect(loaded.filter((u) => Number(u.name.slice(1)) % 10 === 0).every((u) => u.posts.length === 1 && u.posts[0]!.title === `p${u.name.slice(1)}`)).toBe(true);
      const limit = engine.capabilities.maxParameters!;
      const loads = statements.filter((s) => s.sql.includes('pl_post'));
      expect(loads.length).toBeGreaterThan(1);
      expect(loads.every((s) => (s.params?.length ?? 0) <= limit)).toBe(true);
    }, 300_000);

    test('a flush updating 40,000 objects writes them all in batches under the limit', async () => {
      await Session.run(async (s) => {
        for (const user of await s.scalars(select(PlUser))) (user).name = `renamed ${(user).id}`;
      });
      expect(Number((await engine.execute(sql`SELECT count(*) AS n FROM pl_user WHERE name LIKE ${'renamed %'}`)).scalar())).toBe(USERS);
    }, 300_000);

    test('a flush deleting 40,000 versioned objects (each row matched by key and version) deletes them all', async () => {
      await Session.run(async (s) => {
        for (let i = 1; i <= USERS; i++) s.add(make(PlVersioned, { id: i, label: `v${i}` }));
      });
      await Session.run(async (s) => {
        for (const row of await s.scalars(select(PlVersioned))) s.delete(row);
      });
      expect(await count('pl_versioned')).toBe(0);
    }, 300_000);

    test('a flush deleting 40,000 objects with their posts and association rows deletes them all', async () => {
      const { statements } = await recordStatements(engine, () =>
        Session.run(async (s) => {
          for (const user of await s.scalars(select(PlUser))) s.delete(user);
        }),
      );
      expect(await count('pl_user')).toBe(0);
      expect(await count('pl_post')).toBe(0);
      expect(await count('pl_user_tag')).toBe(0);
      const limit = engine.capabilities.maxParameters!;
      expect(statements.every((s) => (s.params?.length ?? 0) <= limit)).toBe(true);
    }, 300_000);
  });
}

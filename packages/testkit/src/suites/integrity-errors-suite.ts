/*
 * The integrity-error conformance suite: unique, foreign-key, NOT NULL and CHECK violations
 * come out as their own IntegrityError subclasses with the same constraint name, table,
 * columns, entity and properties on every dialect, and a flush refuses a missing NOT NULL
 * value before any SQL.
 */
import {
  Check,
  CheckViolationError,
  Column,
  createEngine,
  deleteFrom,
  type Engine,
  Entity,
  ForeignKeyViolationError,
  insert,
  IntegrityError,
  ManyToOne,
  MetaData,
  NotNullViolationError,
  OptionalProps,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  type SessionFactory,
  sessionMaker,
  sql,
  Unique,
  UniqueViolationError,
  ValidationError,
} from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';

@Entity('ie_user')
@Check('age >= 0')
class IeUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ unique: true, length: 200 }) email!: string;
  @Column({ length: 100 }) name!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Column({ length: 20, default: () => 'member' }) role!: string;
  @Column({ type: 'integer', serverDefault: 0 }) karma!: number;
}

@Entity('ie_post')
class IePost {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) title!: string;
  @ManyToOne(() => IeUser, undefined, { nullable: false }) author!: IeUser;
}

@Entity('ie_comment')
class IeComment {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) body!: string;
  @ManyToOne(() => IePost, undefined, { nullable: false }) post!: IePost;
  // SET NULL: deleting a user never fails on this key, so a failed DELETE of a user can only be ie_post's.
  @ManyToOne(() => IeUser, undefined, { nullable: true, onDelete: 'SET NULL' }) editor!: IeUser | null;
}

@Entity('ie_code')
@Unique(['label', 'lang'])
class IeCode {
  declare [PrimaryKeyProps]?: 'code';
  declare [OptionalProps]?: 'lang';
  @PrimaryColumn({ length: 10 }) code!: string;
  @Column({ length: 100 }) label!: string;
  @Column({ length: 5, default: () => 'en' }) lang!: string;
}

function user(name: string, email = `${name}@example.com`): IeUser {
  return Object.assign(new IeUser(), { name, email });
}

/** What a REST handler would do with an error: no driver code in sight. */
function httpStatus(error: unknown): number {
  if (error instanceof UniqueViolationError && error.columns?.includes('email')) return 409;
  if (error instanceof ForeignKeyViolationError || error instanceof ValidationError) return 422;
  return 500;
}

/** Registers the integrity-error suite for one dialect. */
export function integrityErrorsSuite(dialect: DialectName): void {
  describe(`${dialect}: integrity errors`, () => {
    const md = new MetaData([IeUser, IePost, IeComment, IeCode]);
    const checkName = md.entity(IeUser).checks[0]!.name;
    let engine: Engine;
    let Session: SessionFactory;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      for (const table of ['ie_comment', 'ie_post', 'ie_user', 'ie_code']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('a duplicate from a flush is a UniqueViolationError naming the constraint, table, columns, entity and property', async () => {
      await Session.run((s) => s.add(user('ann')));
      const error = await Session.run((s) => s.add(user('other', 'ann@example.com'))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({
        code: 'integrity',
        constraint: 'uq_ie_user_email',
        table: 'ie_user',
        columns: ['email'],
        entity: 'IeUser',
        properties: ['email'],
      });
      expect((error as Error).message).toMatch(/^Flushing IeUser \(INSERT ie_user\) failed: Integrity violation \(unique key uq_ie_user_email on IeUser\.email\)/);
    });

    test('a duplicate from engine.execute(insert(...)) names the constraint from the statement entity', async () => {
      await engine.execute(insert(IeUser).values({ name: 'bo', email: 'bo@example.com', role: 'x', karma: 0 }));
      const error = await engine.execute(insert(IeUser).values({ name: 'bo2', email: 'bo@example.com', role: 'x', karma: 0 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ constraint: 'uq_ie_user_email', table: 'ie_user', columns: ['email'], entity: 'IeUser', properties: ['email'] });
    });

    test('a duplicate primary key is a UniqueViolationError naming the primary key as the DDL does (MySQL reports PRIMARY)', async () => {
      await engine.execute(insert(IeCode).values({ code: 'A1', label: 'first' }));
      const error = await engine.execute(insert(IeCode).values({ code: 'A1', label: 'again' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ constraint: md.entity(IeCode).primaryKeyName, table: 'ie_code', columns: ['code'], entity: 'IeCode', properties: ['code'] });
    });

    test('a duplicate over a two-column unique constraint names it with both columns and properties', async () => {
      await engine.execute(insert(IeCode).values({ code: 'B1', label: 'same', lang: 'sv' }));
      const error = await engine.execute(insert(IeCode).values({ code: 'B2', label: 'same', lang: 'sv' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ constraint: 'uq_ie_code_label_lang', table: 'ie_code', columns: ['label', 'lang'], entity: 'IeCode', properties: ['label', 'lang'] });
    });

    test('a REST handler maps a unique violation on email to 409 without reading driver codes', async () => {
      await Session.run((s) => s.add(user('cy')));
      const duplicate = await Session.run((s) => s.add(user('cy-again', 'cy@example.com'))).catch((e: unknown) => e);
      expect(httpStatus(duplicate)).toBe(409);
      const missingAuthor = await Session.run((s) => s.add(Object.assign(new IePost(), { title: 'orphan' }))).catch((e: unknown) => e);
      expect(httpStatus(missingAuthor)).not.toBe(409);
    });

    test('a row pointing at a missing parent is a ForeignKeyViolationError naming the key, its columns and the relationship', async () => {
      const author = user('dee');
      await Session.run((s) => s.add(author));
      const session = Session();
      try {
        const loaded = (await session.get(IeUser, author.id))!;
        // The author's row goes away behind the session's back; the loaded object keeps its id.
        await engine.execute(sql`DELETE FROM ie_user WHERE id = ${author.id}`);
        session.add(Object.assign(new IePost(), { title: 'lost', author: loaded }));
        const error = await session.commit().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ForeignKeyViolationError);
        expect(error).toMatchObject({
          constraint: 'fk_ie_post_author_id_ie_user',
          table: 'ie_post',
          columns: ['author_id'],
          entity: 'IePost',
          properties: ['author'],
        });
      } finally {
        await session.close();
      }
    });

    test('of two foreign keys, one NULL, the one that failed is named (SQLite: told apart by the values written)', async () => {
      const post = Object.assign(new IePost(), { title: 'soon gone', author: user('dan') });
      await Session.run((s) => s.add(post));
      const session = Session();
      try {
        const loaded = (await session.get(IePost, post.id))!;
        await engine.execute(sql`DELETE FROM ie_post WHERE id = ${post.id}`);
        session.add(Object.assign(new IeComment(), { body: 'late', post: loaded, editor: null }));
        const error = await session.commit().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ForeignKeyViolationError);
        expect(error).toMatchObject({ constraint: 'fk_ie_comment_post_id_ie_post', table: 'ie_comment', columns: ['post_id'], entity: 'IeComment', properties: ['post'] });
      } finally {
        await session.close();
      }
    });

    test('deleting a parent that rows still reference is a ForeignKeyViolationError naming the referencing key', async () => {
      const author = user('eve');
      await Session.run((s) => s.add(Object.assign(new IePost(), { title: 'kept', author })));
      const error = await Session.run(async (s) => {
        s.delete((await s.get(IeUser, author.id))!);
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      expect(error).toMatchObject({ constraint: 'fk_ie_post_author_id_ie_user', table: 'ie_post', columns: ['author_id'], entity: 'IePost', properties: ['author'] });
    });

    test('a foreign-key violation from engine.execute(deleteFrom(...)) is a ForeignKeyViolationError', async () => {
      const author = user('fay');
      await Session.run((s) => s.add(Object.assign(new IePost(), { title: 'kept', author })));
      const error = await engine.execute(deleteFrom(IeUser).where({ id: author.id })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      if (dialect === 'sqlite') {
        // SQLite names no key, and outside a session the tables referencing ie_user are not all known: nothing is guessed.
        expect(error).toMatchObject({ constraint: undefined, table: undefined });
      } else {
        expect(error).toMatchObject({ constraint: 'fk_ie_post_author_id_ie_user', table: 'ie_post' });
      }
    });

    test('NULL in a NOT NULL column through raw SQL is a NotNullViolationError naming the column', async () => {
      const error = await engine.execute(sql`INSERT INTO ie_user (email, name, role, karma) VALUES (${'gus@example.com'}, ${null}, ${'x'}, ${0})`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotNullViolationError);
      // MySQL's message names the column only; raw SQL has no statement entity to take the table from.
      expect(error).toMatchObject({ constraint: undefined, table: dialect === 'mysql' ? undefined : 'ie_user', columns: ['name'] });
    });

    test('NULL in a NOT NULL column through insert() is a NotNullViolationError naming table, column, entity and property', async () => {
      const error = await engine.execute(insert(IeUser).values({ email: 'hal@example.com', name: null as unknown as string, role: 'x', karma: 0 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotNullViolationError);
      expect(error).toMatchObject({ constraint: undefined, table: 'ie_user', columns: ['name'], entity: 'IeUser', properties: ['name'] });
    });

    test('a row breaking a CHECK is a CheckViolationError naming the check as the metadata does', async () => {
      const flushed = await Session.run((s) => s.add(Object.assign(user('ivy'), { age: -1 }))).catch((e: unknown) => e);
      expect(flushed).toBeInstanceOf(CheckViolationError);
      expect(flushed).toMatchObject({ constraint: checkName, table: 'ie_user', entity: 'IeUser' });
      const raw = await engine.execute(sql`INSERT INTO ie_user (email, name, age, role, karma) VALUES (${'jo@example.com'}, ${'jo'}, ${-5}, ${'x'}, ${0})`).catch((e: unknown) => e);
      expect(raw).toBeInstanceOf(CheckViolationError);
      expect((raw as CheckViolationError).constraint).toBe(checkName);
    });

    test('a flush refuses a new object missing a NOT NULL value with a ValidationError naming entity and property, before any SQL', async () => {
      const nameless = Object.assign(new IeUser(), { email: 'kim@example.com' });
      const { result: error, statements } = await recordStatements(engine, () => Session.run((s) => s.add(nameless)).catch((e: unknown) => e));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'validation', entity: 'IeUser', property: 'name', column: 'name' });
      expect((error as Error).message).toMatch(/IeUser\.name is required.*Set IeUser\.name before flushing/);
      expect(statements.filter((s) => /INSERT/i.test(s.sql))).toEqual([]);
      // Columns with a default of either kind, and nullable ones, need no value.
      const filled = user('kim');
      await Session.run((s) => s.add(filled));
      expect([filled.role, filled.age ?? null]).toEqual(['member', null]);
    });

    test('a flush refuses an update that sets a NOT NULL property to null with a ValidationError', async () => {
      const saved = user('lee');
      await Session.run((s) => s.add(saved));
      const error = await Session.run(async (s) => {
        const loaded = await s.get(IeUser, saved.id);
        (loaded as { name: string | null }).name = null;
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ entity: 'IeUser', property: 'name' });
      expect(Number((await engine.execute(sql`SELECT count(*) AS n FROM ie_user WHERE name = ${'lee'}`)).scalar())).toBe(1);
    });
  });
}

/*
 * `session.pendingChanges()` on a real server: the preview lists the next flush's commands
 * and renders the very statements the flush then sends (generated keys as placeholders),
 * writes nothing, and leaves the objects' values as they were.
 */
import { Column, createEngine, Entity, GeneratedValue, ManyToOne, MetaData, OneToMany, PrimaryGeneratedColumn, sessionMaker, sql, VersionColumn, type Engine, type SessionFactory } from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';

@Entity('pc_author')
class PcAuthor {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @VersionColumn() version!: number;
  @OneToMany(() => PcBook, 'author') books!: PcBook[];
}

@Entity('pc_book')
class PcBook {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => PcAuthor, 'books', { nullable: false }) author!: PcAuthor;
}

/** Registers the pending-changes suite for one dialect. */
export function pendingChangesSuite(dialect: DialectName): void {
  describe(`${dialect}: session.pendingChanges()`, () => {
    const md = new MetaData([PcAuthor, PcBook]);
    let engine: Engine;
    let Session: SessionFactory;
    const count = async (table: string) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect));
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      await engine.execute(sql`DELETE FROM ${sql.id('pc_book')}`);
      await engine.execute(sql`DELETE FROM ${sql.id('pc_author')}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('new rows: the preview names each INSERT and the generated key it waits for, writes nothing, and its SQL is what the flush sends', async () => {
      const session = Session();
      try {
        const ann = Object.assign(new PcAuthor(), { name: 'Ann' });
        ann.books.push(Object.assign(new PcBook(), { title: 'One' }), Object.assign(new PcBook(), { title: 'Two' }));
        session.add(ann);
        const pending = await session.pendingChanges();
        expect(pending.changes.map((c) => [c.kind, c.entity, c.table, c.rows])).toEqual([
          ['insert', 'PcAuthor', 'pc_author', 1],
          ['insert', 'PcBook', 'pc_book', 2],
        ]);
        expect(pending.changes[1]!.columns).toEqual(['title', 'author_id']);
        expect(String(pending.changes[0]!.keys[0]![0])).toBe('<PcAuthor#1.id>');
        // Nothing written, and the objects are as they were: no key, no version yet.
        expect(await count('pc_author')).toBe(0);
        expect(ann.id).toBeUndefined();
        expect(ann.version).toBeUndefined();

        const preview = pending.toSQL();
        const bookInsert = preview.find((s) => /pc_book/.test(s.sql))!;
        expect(bookInsert.params.filter((p) => p instanceof GeneratedValue).map(String)).toEqual(['<PcAuthor#1.id>', '<PcAuthor#1.id>']);

        const { statements } = await recordStatements(engine, () => session.flush());
        const sent = statements.map((s) => s.sql).filter((text) => /INSERT/i.test(text));
        expect(sent).toEqual(preview.map((s) => s.sql));
        expect((await session.pendingChanges()).empty).toBe(true);
        await session.commit();
        expect(await count('pc_book')).toBe(2);
      } finally {
        await session.close();
      }
    });

    test('changed and deleted rows: UPDATE and DELETE by key, the version not moved by the preview', async () => {
      const ids = await Session.run((s) => {
        const author = Object.assign(new PcAuthor(), { name: 'Bo' });
        author.books.push(Object.assign(new PcBook(), { title: 'Gone' }));
        s.add(author);
        return s.flush().then(() => ({ author: author.id, book: author.books[0]!.id }));
      });
      const session = Session();
      try {
        const author = (await session.get(PcAuthor, ids.author))!;
        const book = (await session.get(PcBook, ids.book))!;
        author.name = 'Bea';
        session.delete(book);
        const pending = await session.pendingChanges();
        expect(pending.changes.map((c) => [c.kind, c.entity, c.columns, c.keys])).toEqual([
          ['update', 'PcAuthor', ['name', 'version'], [[ids.author]]],
          ['delete', 'PcBook', ['id'], [[ids.book]]],
        ]);
        expect(author.version).toBe(1);
        expect(await count('pc_book')).toBe(1);
        await session.commit();
      } finally {
        await session.close();
      }
      const stored = (await engine.execute(sql`SELECT name, version FROM ${sql.id('pc_author')}`)).rows[0]!;
      expect([stored.name, Number(stored.version)]).toEqual(['Bea', 2]);
      expect(await count('pc_book')).toBe(0);
    });
  });
}

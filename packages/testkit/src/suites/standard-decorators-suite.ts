/*
 * Entities declared with standard (TC39) decorators (standard-decorator-entities.std.ts,
 * compiled without experimentalDecorators or type metadata) on a real server: their tables,
 * a flush with cascades and a many-to-many, loads by default and by option, composite keys,
 * columns from a base class. (The error for a column whose type cannot be known is in
 * core's standard-decorators.test.ts, so its broken entity stays out of this run's registry.)
 */
import { createEngine, MetaData, select, selectinLoad, sessionMaker, sql, type Engine, type SessionFactory } from '@strata/core';
import { testUrl, type DialectName } from '../targets';
import { SdAuthor, SdBook, SdShelf, SdTag } from './standard-decorator-entities.std';

/** Registers the standard-decorators suite for one dialect. */
export function standardDecoratorsSuite(dialect: DialectName): void {
  describe(`${dialect}: entities declared with standard decorators`, () => {
    const md = new MetaData([SdAuthor, SdBook, SdTag, SdShelf]);
    let engine: Engine;
    let Session: SessionFactory;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect));
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('columns, keys and relationships come from the decorators, types from the options or initial values, inherited columns from the base class', () => {
      const book = md.entity(SdBook);
      expect(book.columns.map((c) => [c.propertyName, c.type.name])).toEqual(
        expect.arrayContaining([['id', 'integer'], ['title', 'varchar'], ['pages', 'integer'], ['inPrint', 'boolean'], ['createdAt', 'timestamptz'], ['version', 'integer']]),
      );
      expect(book.relations.map((r) => [r.propertyName, r.kind])).toEqual([['author', 'many-to-one'], ['tags', 'many-to-many']]);
      expect(md.entity(SdShelf).primaryKey.map((c) => c.propertyName)).toEqual(['room', 'slot']);
      expect(md.entity(SdAuthor).indexes.map((i) => i.columns)).toEqual([['name']]);
      expect(md.entity(SdAuthor).uniques.map((u) => u.columns)).toEqual([['email']]);
    });

    test('a flush writes the graph, defaults and versions are filled in, and loads work as with legacy decorators', async () => {
      const authorId = await Session.run(async (s) => {
        const tags = [Object.assign(new SdTag(), { code: 'sf' }), Object.assign(new SdTag(), { code: 'classic' })];
        const books = [Object.assign(new SdBook(), { title: 'Solaris', pages: 204, tags }), Object.assign(new SdBook(), { title: 'Eden', inPrint: false, tags: [tags[0]!] })];
        const author = Object.assign(new SdAuthor(), { name: 'Lem', email: 'lem@example.com', books });
        s.add(author);
        s.add(Object.assign(new SdShelf(), { room: 'a', slot: 1, label: null }));
        await s.flush();
        expect(author.version).toBe(1);
        expect(author.createdAt).toBeInstanceOf(Date);
        return author.id;
      });
      await Session.run(async (s) => {
        const [book] = await s.scalars(select(SdBook).where({ title: 'Solaris' }).options(selectinLoad(SdBook, 'tags')));
        expect(book!.author.name).toBe('Lem');
        expect([book!.pages, book!.inPrint]).toEqual([204, true]);
        const eden = await s.scalar(select(SdBook).where({ title: 'Eden' }));
        expect([eden!.pages, eden!.inPrint]).toEqual([0, false]);
        expect(book!.tags.map((t) => t.code).sort()).toEqual(['classic', 'sf']);
        const author = await s.load((await s.get(SdAuthor, authorId))!, 'books');
        expect(author.books.map((b) => b.title)).toEqual(['Eden', 'Solaris']);
        author.name = 'Stanisław Lem';
        const shelf = await s.get(SdShelf, ['a', 1]);
        expect(shelf!.label).toBeNull();
      });
      const names = await engine.execute(sql`SELECT ${sql.id('name')} AS n, ${sql.id('version')} AS v FROM ${sql.id('sd_author')}`);
      expect(names.rows.map((r) => [r.n, Number(r.v)])).toEqual([['Stanisław Lem', 2]]);
    });
  });
}

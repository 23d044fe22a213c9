/*
 * The result-label conformance suite: keys a user gives a selection, however long and in
 * whatever script, come back under those keys on every dialect, through subqueries, CTEs,
 * unions and RETURNING; joined loading works through tables and properties with names as
 * long as the servers allow. PostgreSQL cuts labels at 63 bytes, so Strata writes longer
 * ones shortened and maps them back.
 */
import {
  ArgumentError,
  Column,
  createEngine,
  Entity,
  insert,
  joinedLoad,
  ManyToOne,
  MetaData,
  OneToMany,
  PrimaryGeneratedColumn,
  ref,
  select,
  sessionMaker,
  union,
  type Engine,
  type SessionFactory,
} from '@strata/core';
import { testUrl, type DialectName } from '../targets';

/** 33 characters, 63 bytes of UTF-8: as long as a PostgreSQL name can be. */
const WIDE_TABLE = `lb_${'ö'.repeat(30)}`;
/** 80 ASCII characters. */
const LONG_KEY = 'theIdentifierOfTheAuthorAsTheCatalogueKnowsItWhichIsLongerThanAnyServerKeepsIt!';
/** 40 characters, 80 bytes of UTF-8. */
const WIDE_KEY = 'ä'.repeat(40);
/** Longer than MariaDB's 255 bytes too. */
const HUGE_KEY = `k${'x'.repeat(299)}`;

@Entity(WIDE_TABLE)
class LbPerson {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) theNameThisPersonIsKnownByInEveryCatalogueEntry!: string;
  @OneToMany(() => LbBook, 'writtenByThePersonWhoseNameIsOnTheCover') books!: LbBook[];
}

@Entity('lb_book')
class LbBook {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) title!: string;
  @ManyToOne(() => LbPerson, 'books', { nullable: false }) writtenByThePersonWhoseNameIsOnTheCover!: LbPerson;
  @ManyToOne(() => LbPerson, undefined, { nullable: true }) editedBy!: LbPerson | null;
}

/** Registers the result-label suite for one dialect. */
export function resultLabelSuite(dialect: DialectName): void {
  describe(`${dialect}: long result labels`, () => {
    const md = new MetaData([LbPerson, LbBook]);
    const Person = ref(LbPerson, md);
    const Book = ref(LbBook, md);
    let engine: Engine;
    let Session: SessionFactory;
    let annId: number;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
      await Session.run((s) => {
        const ann = Object.assign(new LbPerson(), { theNameThisPersonIsKnownByInEveryCatalogueEntry: 'Ann' });
        const bo = Object.assign(new LbPerson(), { theNameThisPersonIsKnownByInEveryCatalogueEntry: 'Bo' });
        s.add(Object.assign(new LbBook(), { title: 'A', writtenByThePersonWhoseNameIsOnTheCover: ann, editedBy: bo }));
        s.add(Object.assign(new LbBook(), { title: 'B', writtenByThePersonWhoseNameIsOnTheCover: ann, editedBy: null }));
        s.add(Object.assign(new LbBook(), { title: 'C', writtenByThePersonWhoseNameIsOnTheCover: bo, editedBy: ann }));
      });
      annId = Number((await engine.execute(select({ id: Person.id }).where(Person.theNameThisPersonIsKnownByInEveryCatalogueEntry.eq('Ann')))).scalar());
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('a select with an 80-character key, a multibyte key and a 300-character key returns each value under its key', async () => {
      const { rows } = await engine.execute(
        select({ [LONG_KEY]: Person.id, [WIDE_KEY]: Person.theNameThisPersonIsKnownByInEveryCatalogueEntry, [HUGE_KEY]: Person.id.add(1), short: Person.id })
          .where(Person.id.eq(annId)),
      );
      expect(rows).toEqual([{ [LONG_KEY]: annId, [WIDE_KEY]: 'Ann', [HUGE_KEY]: annId + 1, short: annId }]);
    });

    test('keys that share their first 63 bytes stay apart', async () => {
      const stem = 'x'.repeat(63);
      const { rows } = await engine.execute(select({ [`${stem}A`]: Person.id, [`${stem}B`]: Person.theNameThisPersonIsKnownByInEveryCatalogueEntry }).where(Person.id.eq(annId)));
      expect(rows).toEqual([{ [`${stem}A`]: annId, [`${stem}B`]: 'Ann' }]);
    });

    test('an entity under a long key comes back whole, its columns under the key', async () => {
      const { rows } = await engine.execute(
        select({ [LONG_KEY]: Person, title: Book.title }).from(Book).join(Person, (b, p) => b.writtenByThePersonWhoseNameIsOnTheCover.eq(p)).orderBy(Book.title),
      );
      expect(rows.map((r) => [(r[LONG_KEY] as LbPerson).theNameThisPersonIsKnownByInEveryCatalogueEntry, r.title])).toEqual([['Ann', 'A'], ['Ann', 'B'], ['Bo', 'C']]);
    });

    test('a subquery, a CTE and a union with long column keys are read through those keys', async () => {
      const titles = select({ [LONG_KEY]: Book.id, [WIDE_KEY]: Book.title }).where(Book.title.ne('B')).subquery('titles');
      const viaSubquery = await engine.execute(select({ [HUGE_KEY]: titles[WIDE_KEY]! }).from(titles).where(titles[LONG_KEY]!.isNotNull()).orderBy(titles[LONG_KEY]!));
      expect(viaSubquery.rows).toEqual([{ [HUGE_KEY]: 'A' }, { [HUGE_KEY]: 'C' }]);
      const titled = select({ [WIDE_KEY]: Book.title, [LONG_KEY]: Book.id }).cte('titled');
      const viaCte = await engine.execute(select({ [WIDE_KEY]: titled[WIDE_KEY]! }).from(titled).orderBy(titled[WIDE_KEY]!));
      expect(viaCte.rows.map((r) => (r as Record<string, unknown>)[WIDE_KEY])).toEqual(['A', 'B', 'C']);
      const both = union(select({ [LONG_KEY]: Book.title }), select({ [LONG_KEY]: Person.theNameThisPersonIsKnownByInEveryCatalogueEntry })).orderBy((c) => c[LONG_KEY].desc());
      expect((await engine.execute(both)).rows.map((r) => r[LONG_KEY])).toEqual(['C', 'Bo', 'B', 'Ann', 'A']);
    });

    test('RETURNING with a long key gives the inserted row under that key, where the server has RETURNING', async () => {
      const statement = insert(LbPerson).values({ theNameThisPersonIsKnownByInEveryCatalogueEntry: 'Cy' }).returning((p) => ({ [WIDE_KEY]: p.theNameThisPersonIsKnownByInEveryCatalogueEntry }));
      if (!engine.capabilities.returning) {
        await expect(engine.execute(statement)).rejects.toThrow(/RETURNING is not available/);
        return;
      }
      expect((await engine.execute(statement)).rows).toEqual([{ [WIDE_KEY]: 'Cy' }]);
    });

    test('a key written like another key is shortened is refused, naming both', () => {
      const compiled = engine.dialect.compiler.compileStatement(select({ [LONG_KEY]: Person.id }), { capabilities: engine.capabilities });
      const written = compiled.columns[0]!.label;
      const clash = select({ [LONG_KEY]: Person.id, [written]: Person.id });
      if (engine.capabilities.maxLabelBytes === undefined) {
        // No limit: every label is written as given.
        expect(written).toBe(LONG_KEY);
        return;
      }
      expect(Buffer.byteLength(written)).toBeLessThanOrEqual(engine.capabilities.maxLabelBytes);
      expect(() => engine.dialect.compiler.compileStatement(clash, { capabilities: engine.capabilities })).toThrow(ArgumentError);
      expect(() => engine.dialect.compiler.compileStatement(clash, { capabilities: engine.capabilities })).toThrow(new RegExp(`${written}.*Rename one of the keys`));
    });

    test('joinedLoad of two relations to a table with a 63-byte name, and of a collection under LIMIT, loads every object', async () => {
      const session = Session();
      try {
        const books = await session.scalars(
          select(LbBook).orderBy((b) => b.title).limit(3).options(joinedLoad(LbBook, 'writtenByThePersonWhoseNameIsOnTheCover'), joinedLoad(LbBook, 'editedBy')),
        );
        expect(books.map((b) => [b.title, b.writtenByThePersonWhoseNameIsOnTheCover.theNameThisPersonIsKnownByInEveryCatalogueEntry, b.editedBy?.theNameThisPersonIsKnownByInEveryCatalogueEntry ?? null])).toEqual([
          ['A', 'Ann', 'Bo'],
          ['B', 'Ann', null],
          ['C', 'Bo', 'Ann'],
        ]);
        const [first] = await session.scalars(select(LbPerson).orderBy((p) => p.theNameThisPersonIsKnownByInEveryCatalogueEntry).limit(1).options(joinedLoad(LbPerson, 'books')));
        expect(first!.books.map((b) => b.title).sort()).toEqual(['A', 'B']);
      } finally {
        await session.close();
      }
    });
  });
}

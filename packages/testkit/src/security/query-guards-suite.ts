/*
 * Security conformance: what a hostile client or a careless filter sends through the query
 * builder stays harmless. A forged version cannot overwrite a newer row, an empty filter
 * cannot update or delete every row, and text searched with contains / startsWith /
 * endsWith matches as written, wildcards and escape characters included.
 */
import {
  and,
  ArgumentError,
  Column,
  createEngine,
  deleteFrom,
  Entity,
  MetaData,
  PrimaryGeneratedColumn,
  select,
  sessionMaker,
  sql,
  StaleDataError,
  update,
  VersionColumn,
  type Engine,
  type EntityRef,
  type Predicate,
  type SessionFactory,
} from '@strata/core';
import { testUrl, type DialectName } from '../targets';

@Entity('sg_word')
class SgWord {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) text!: string;
}

@Entity('sg_account')
class SgAccount {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) owner!: string;
  @Column({ type: 'integer' }) balance!: number;
  @VersionColumn() version!: number;
}

/** Words whose matches differ once wildcards are taken literally. */
const WORDS = ['a%b', 'axb', 'a_b', 'ayb', 'a!b', 'a\\b', 'C%D', '100%', '100 percent', 'end\\'];

/** Registers the query-guards security suite for one dialect. */
export function queryGuardsSuite(dialect: DialectName): void {
  describe(`${dialect}: security: forged versions, empty filters, LIKE input`, () => {
    const md = new MetaData([SgWord, SgAccount]);
    let engine: Engine;
    let Session: SessionFactory;
    const words = async (where: (w: EntityRef<SgWord>) => Predicate) =>
      (await engine.execute(select(SgWord).where(where).orderBy((w) => w.id))).rows.map((r) => r.text);
    const count = async (table: string) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      await engine.execute(deleteFrom(SgWord).all());
      await engine.execute(deleteFrom(SgAccount).all());
      await Session.run((s) => s.addAll(WORDS.map((text) => Object.assign(new SgWord(), { text }))));
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    describe('forged versions through merge', () => {
      const accountAtVersion3 = async (): Promise<number> => {
        const account = Object.assign(new SgAccount(), { owner: 'ann', balance: 100 });
        await Session.run((s) => s.add(account));
        for (const balance of [110, 120]) await Session.run(async (s) => void ((await s.get(SgAccount, account.id))!.balance = balance));
        return account.id;
      };

      test('a merged object carrying a forged older version raises StaleDataError and writes nothing', async () => {
        const id = await accountAtVersion3();
        const forged = Object.assign(new SgAccount(), { id, owner: 'mallory', balance: 1_000_000, version: 1 });
        await expect(Session.run(async (s) => void (await s.merge(forged)))).rejects.toBeInstanceOf(StaleDataError);
        const row = (await engine.execute(select(SgAccount).where({ id }))).rows[0]!;
        expect({ owner: row.owner, balance: row.balance, version: row.version }).toEqual({ owner: 'ann', balance: 120, version: 3 });
      });

      test('a merged object carrying a forged future version raises StaleDataError too: versions cannot be skipped ahead', async () => {
        const id = await accountAtVersion3();
        const forged = Object.assign(new SgAccount(), { id, owner: 'mallory', balance: 0, version: 99 });
        const failure = await Session.run(async (s) => void (await s.merge(forged))).then(() => undefined, (e: unknown) => e);
        expect(failure).toBeInstanceOf(StaleDataError);
        expect({ expected: (failure as StaleDataError).expectedVersion, current: (failure as StaleDataError).currentVersion }).toEqual({ expected: 99, current: 3 });
        expect(Number((await engine.execute(select(SgAccount).where({ id }))).rows[0]!.version)).toBe(3);
      });
    });

    describe('empty filters never update or delete every row', () => {
      const emptyFilters: [string, unknown][] = [
        ['{}', {}],
        ['undefined', undefined],
        ['a callback returning undefined', () => undefined],
        ['an and() whose parts were all skipped', () => and(undefined, undefined)],
      ];

      test.each(emptyFilters)('deleteFrom().where(%s) raises ArgumentError and deletes nothing', async (_name, filter) => {
        expect(() => deleteFrom(SgWord).where(filter as never)).toThrow(ArgumentError);
        expect(() => deleteFrom(SgWord).where(filter as never)).toThrow(/deleteFrom\(SgWord\)\.where\(\) got an empty condition.*deleteFrom\(SgWord\)\.all\(\)/);
        expect(await count('sg_word')).toBe(WORDS.length);
      });

      test.each(emptyFilters)('update().where(%s) raises ArgumentError and updates nothing', async (_name, filter) => {
        expect(() => update(SgWord).set({ text: 'gone' }).where(filter as never)).toThrow(/update\(SgWord\)\.where\(\) got an empty condition.*\.all\(\)/);
        expect(await words((w) => w.text.eq('gone'))).toEqual([]);
      });

      test('a DELETE or UPDATE with no WHERE at all is refused before it is sent; all() does it on purpose', async () => {
        await expect(engine.execute(deleteFrom(SgWord))).rejects.toThrow(/deleteFrom\(SgWord\) has no WHERE.*\.all\(\)/);
        await expect(engine.execute(update(SgWord).set({ text: 'x' }))).rejects.toThrow(/update\(SgWord\) has no WHERE.*\.all\(\)/);
        expect(await count('sg_word')).toBe(WORDS.length);
        const updated = await engine.execute(update(SgWord).set({ text: 'same' }).all());
        expect(updated.rowCount).toBe(WORDS.length);
        const deleted = await engine.execute(deleteFrom(SgWord).all());
        expect(deleted.rowCount).toBe(WORDS.length);
        expect(await count('sg_word')).toBe(0);
      });
    });

    describe('text matched as written', () => {
      // contains / startsWith / endsWith are LIKE: case follows the server, as for like().
      test('contains() takes % and _ in user input literally', async () => {
        expect(await words((w) => w.text.contains('%'))).toEqual(['a%b', 'C%D', '100%']);
        expect(await words((w) => w.text.contains('_'))).toEqual(['a_b']);
        expect(await words((w) => w.text.contains('%b'))).toEqual(['a%b']);
      });

      test('startsWith() and endsWith() escape the wildcards and the escape character itself', async () => {
        expect(await words((w) => w.text.startsWith('a_'))).toEqual(['a_b']);
        expect(await words((w) => w.text.startsWith('100%'))).toEqual(['100%']);
        expect(await words((w) => w.text.endsWith('%'))).toEqual(['100%']);
        expect(await words((w) => w.text.contains('!'))).toEqual(['a!b']);
        expect(await words((w) => w.text.startsWith('a!'))).toEqual(['a!b']);
      });

      test('a backslash in the text is an ordinary character, also at the end (no DataError on PostgreSQL)', async () => {
        expect(await words((w) => w.text.contains('\\'))).toEqual(['a\\b', 'end\\']);
        expect(await words((w) => w.text.endsWith('\\'))).toEqual(['end\\']);
        expect(await words((w) => w.text.startsWith('a\\'))).toEqual(['a\\b']);
      });

      test('icontains / istartsWith / iendsWith ignore case and still take wildcards literally', async () => {
        expect(await words((w) => w.text.icontains('%d'))).toEqual(['C%D']);
        expect(await words((w) => w.text.istartsWith('A_'))).toEqual(['a_b']);
        expect(await words((w) => w.text.iendsWith('%D'))).toEqual(['C%D']);
        expect(await words((w) => w.text.iendsWith('%B'))).toEqual(['a%b']);
      });

      test('like() takes a pattern; { escape } names its escape character on every server', async () => {
        expect(await words((w) => w.text.like('a%b'))).toEqual(expect.arrayContaining(['a%b', 'axb', 'a_b', 'ayb', 'a!b', 'a\\b']));
        expect(await words((w) => w.text.like('a#%b', { escape: '#' }))).toEqual(['a%b']);
        expect(await words((w) => w.text.like('a\\_b', { escape: '\\' }))).toEqual(['a_b']);
        expect(await words((w) => w.text.notLike('%#%%', { escape: '#' }))).not.toContain('a%b');
      });

      test('a bad escape character or a non-text value is an ArgumentError naming the method', () => {
        expect(() => select(SgWord).where((w) => w.text.like('a', { escape: "'" }))).toThrow(/like\(pattern, \{ escape \}\) takes one character/);
        expect(() => select(SgWord).where((w) => w.text.like('a', { escape: 'ab' }))).toThrow(ArgumentError);
        expect(() => select(SgWord).where((w) => w.text.contains(undefined as never))).toThrow(/contains\(\) takes the text to look for as a string/);
      });
    });
  });
}

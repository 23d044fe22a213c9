/*
 * The pathological-input suite: values built to make parsing slow, sent through the ORM
 * to a real server. A numeric value longer than its column could mean is refused with a
 * ValidationError before any SQL and in linear time, in a WHERE as in a write; a long
 * numeric the server does store reads back exactly, in linear time, on every read.
 */
import { Column, createEngine, Entity, insert, MetaData, PrimaryColumn, select, sessionMaker, sql, ValidationError, type Engine, type SessionFactory } from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';
import { expectLinearTimeAsync } from './linear-time';

@Entity('rd_item')
class RdItem {
  @PrimaryColumn() id!: number;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'numeric', nullable: true }) amount!: string | null;
}

/** '0.' + zeros + '1': what `/0+$/` took seconds over. */
function hostileDecimal(zeros: number): string {
  return `0.${'0'.repeat(zeros)}1`;
}

/** Registers the pathological-input suite for one dialect. */
export function redosSuite(dialect: DialectName): void {
  describe(`${dialect}: pathological input`, () => {
    const md = new MetaData([RdItem]);
    let engine: Engine;
    let Session: SessionFactory;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      await engine.execute(insert(RdItem).values({ id: 1, price: '9.99', amount: null }));
      Session = sessionMaker({ bind: engine, registry: md });
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test("where({ price: '0.' + 80,000 zeros + '1' }) is refused promptly with a ValidationError naming the column and its limit, before any SQL", async () => {
      const hostile = hostileDecimal(80_000);
      const started = Date.now();
      const { result: error, statements } = await recordStatements(engine, () => engine.execute(select(RdItem).where({ price: hostile })).catch((e: unknown) => e));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/RdItem\.price: numeric\(10, 2\) takes a decimal text of at most \d+ characters .*this has 80003/);
      expect(statements).toEqual([]);
      await expectLinearTimeAsync(hostileDecimal, (text) => engine.execute(select(RdItem).where({ price: text })).then(
        () => Promise.reject(new Error('accepted')),
        (e: unknown) => expect(e).toBeInstanceOf(ValidationError),
      ));
    });

    test('a hostile price in a flush is refused before the INSERT, and an ordinary price next to it still works', async () => {
      const session = Session();
      try {
        const { result: error, statements } = await recordStatements(engine, async () => {
          session.add(Object.assign(new RdItem(), { id: 2, price: hostileDecimal(80_000), amount: null }));
          return session.commit().catch((e: unknown) => e);
        });
        expect(error).toBeInstanceOf(ValidationError);
        expect(statements.filter((s) => /^INSERT/i.test(s.sql))).toEqual([]);
        await session.rollback();
      } finally {
        await session.close();
      }
      const rows = (await engine.execute(select(RdItem).where({ price: '9.990' }))).rows;
      expect(rows.map((r) => r.price)).toEqual(['9.99']);
    });

    test('a stored numeric with a long run of fractional zeros reads back exactly and promptly, on every read', async () => {
      // Written by another program: PostgreSQL keeps up to 16,383 fractional digits as given, SQLite any text, MySQL rounds to 30.
      const zeros = dialect === 'postgresql' ? 16_000 : 80_000;
      await engine.execute(sql`INSERT INTO rd_item (id, price, amount) VALUES (${3}, ${'1.00'}, ${`1.${'0'.repeat(zeros)}`})`);
      await engine.execute(sql`INSERT INTO rd_item (id, price, amount) VALUES (${4}, ${'1.00'}, ${`0.${'0'.repeat(zeros - 1)}1`})`);
      for (let read = 0; read < 3; read++) {
        const started = Date.now();
        const rows = (await engine.execute(select(RdItem).where((i) => i.id.in([3, 4])).orderBy((i) => i.id))).rows;
        expect(Date.now() - started).toBeLessThan(1000);
        expect(rows[0]!.amount).toBe('1');
        expect(rows[1]!.amount).toBe(dialect === 'mysql' ? '0' : `0.${'0'.repeat(zeros - 1)}1`);
      }
    });
  });
}

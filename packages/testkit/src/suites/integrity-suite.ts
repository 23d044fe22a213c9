/*
 * The integrity conformance suite: optimistic locking that never goes backwards (assigned and
 * merged versions are expectations, retried conflicts), rows with no values, deletes in a
 * foreign-key cycle, and rollbacks that put relationships and deleted objects back.
 */
import { createEngine, inspect, MetaData, select, sessionMaker, sql, StaleDataError, ValidationError, type Engine, type SessionFactory } from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';
import { ball, IgBadge, IgCart, IgPerson, IgProduct, INTEGRITY_ENTITIES, person, product } from './integrity-fixtures';

/** Registers the integrity suite for one dialect. */
export function integritySuite(dialect: DialectName): void {
  describe(`${dialect}: integrity of the unit of work`, () => {
    const md = new MetaData(INTEGRITY_ENTITIES);
    let engine: Engine;
    let Session: SessionFactory;
    const row = async (table: string, id: number) => (await engine.execute(sql`SELECT * FROM ${sql.id(table)} WHERE id = ${id}`)).rows[0];
    const count = async (table: string) => Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());
    /** A product saved and then changed once by someone else, so its row is at version 2. */
    const productAtVersion2 = async (): Promise<number> => {
      const p = product('lamp');
      await Session.run((s) => s.add(p));
      await Session.run(async (s) => {
        (await s.get(IgProduct, p.id))!.price = '20.00';
      });
      return p.id;
    };

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 10, maxOverflow: 25, poolTimeout: 60_000 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      await engine.execute(sql`UPDATE ${sql.id('ig_person')} SET favorite_ball_id = NULL`);
      for (const table of ['ig_ball', 'ig_person', 'ig_product', 'ig_cart', 'ig_badge']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await engine.execute(sql`UPDATE ${sql.id('ig_person')} SET favorite_ball_id = NULL`);
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    describe('optimistic locking from HTTP', () => {
      test('an assigned stale version is the version the UPDATE expects: StaleDataError, and the row keeps its version and values', async () => {
        const id = await productAtVersion2();
        const session = Session();
        try {
          const p = (await session.get(IgProduct, id))!;
          expect(p.version).toBe(2);
          p.version = 1; // what a client that read the row before the other change sends back
          p.price = '30.00';
          const failure = await session.commit().then(() => undefined, (e: unknown) => e);
          expect(failure).toBeInstanceOf(StaleDataError);
          const stale = failure as StaleDataError;
          expect(stale.entity).toBe('IgProduct');
          expect(stale.identity).toEqual([id]);
          expect(stale.expectedVersion).toBe(1);
          expect(stale.currentVersion).toBe(2);
          expect(stale.message).toMatch(/IgProduct \(id=\d+\) expected version 1, but the row is at version 2/);
        } finally {
          await session.rollback();
          await session.close();
        }
        const stored = await row('ig_product', id);
        expect(Number(stored!.version)).toBe(2);
        expect(Number(stored!.price)).toBe(20);
      });

      test('an assigned current version moves the row forward by one, matching that version', async () => {
        const id = await productAtVersion2();
        const { statements } = await recordStatements(engine, () =>
          Session.run(async (s) => {
            const p = (await s.get(IgProduct, id))!;
            p.version = 2;
            p.price = '30.00';
          }),
        );
        const update = statements.find((st) => /^UPDATE/i.test(st.sql))!;
        expect(update.sql).toMatch(/version/i);
        expect(update.params).toEqual(expect.arrayContaining([3]));
        const stored = await row('ig_product', id);
        expect(Number(stored!.version)).toBe(3);
        expect(Number(stored!.price)).toBe(30);
      });

      test('an assigned version alone is checked too: a stale one fails even when nothing else changed', async () => {
        const id = await productAtVersion2();
        await expect(
          Session.run(async (s) => {
            (await s.get(IgProduct, id))!.version = 1;
          }),
        ).rejects.toBeInstanceOf(StaleDataError);
        expect(Number((await row('ig_product', id))!.version)).toBe(2);
      });

      test('a version assigned as undefined or null (a client that sent none) is a ValidationError before SQL, not a conflict', async () => {
        const id = await productAtVersion2();
        for (const missing of [undefined, null]) {
          const session = Session();
          try {
            const p = (await session.get(IgProduct, id))!;
            p.version = missing as never;
            p.price = '31.00';
            const { result, statements } = await recordStatements(engine, () => session.flush().then(() => undefined, (e: unknown) => e));
            expect(result).toBeInstanceOf(ValidationError);
            expect((result as ValidationError).message).toMatch(/IgProduct\.version was set to (undefined|null)/);
            expect(statements.filter((st) => /^(UPDATE|INSERT|DELETE)/i.test(st.sql))).toEqual([]);
          } finally {
            await session.rollback();
            await session.close();
          }
        }
        expect(Number((await row('ig_product', id))!.version)).toBe(2);
      });

      test('merge of a detached object carrying an old version raises StaleDataError instead of overwriting', async () => {
        const id = await productAtVersion2();
        const forged = Object.assign(new IgProduct(), { id, version: 1, name: 'stale' });
        await expect(Session.run(async (s) => void (await s.merge(forged)))).rejects.toBeInstanceOf(StaleDataError);
        const stored = await row('ig_product', id);
        expect(stored!.name).toBe('lamp');
        expect(Number(stored!.version)).toBe(2);
      });

      test('merge of a detached object carrying the current version writes and moves the version on', async () => {
        const id = await productAtVersion2();
        await Session.run(async (s) => void (await s.merge(Object.assign(new IgProduct(), { id, version: 2, name: 'fresh' }))));
        const stored = await row('ig_product', id);
        expect(stored!.name).toBe('fresh');
        expect(Number(stored!.version)).toBe(3);
      });

      test('a delete of an object whose assigned version is stale raises StaleDataError and deletes nothing', async () => {
        const id = await productAtVersion2();
        const failure = await Session.run(async (s) => {
          const p = (await s.get(IgProduct, id))!;
          p.version = 1;
          s.delete(p);
        }).then(() => undefined, (e: unknown) => e);
        expect(failure).toBeInstanceOf(StaleDataError);
        expect((failure as StaleDataError).expectedVersion).toBe(1);
        expect(await count('ig_product')).toBe(1);
      });

      test('transaction retry re-runs the callback on StaleDataError, re-reading the row', async () => {
        const p = product('counter');
        await Session.run((s) => s.add(p));
        let attempts = 0;
        await Session.transaction(
          async (s) => {
            attempts++;
            const mine = (await s.get(IgProduct, p.id))!;
            // Someone else commits a change between this read and the flush, once.
            if (attempts === 1) await Session.run(async (other) => void ((await other.get(IgProduct, p.id))!.stock -= 10));
            mine.stock -= 1;
          },
          { retry: 3 },
        );
        expect(attempts).toBe(2);
        const stored = await row('ig_product', p.id);
        expect(Number(stored!.stock)).toBe(89);
        expect(Number(stored!.version)).toBe(3);
      });

      test('30 concurrent requests decrementing one versioned row all succeed with retry, none lost', async () => {
        const p = product('hot item', 100);
        await Session.run((s) => s.add(p));
        const requests = Array.from({ length: 30 }, () =>
          Session.transaction(
            async (s) => {
              (await s.get(IgProduct, p.id))!.stock -= 1;
            },
            { retry: { attempts: 200, baseDelayMs: 2, maxDelayMs: 40 } },
          ),
        );
        const outcomes = await Promise.allSettled(requests);
        expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o).reason))).toEqual([]);
        const stored = await row('ig_product', p.id);
        expect(Number(stored!.stock)).toBe(70);
        expect(Number(stored!.version)).toBe(31);
      });
    });

    describe('values refused before SQL', () => {
      test('a NOT NULL column left empty is refused before any statement of the flush, and the transaction goes on', async () => {
        const session = Session();
        try {
          const first = product('first');
          session.add(first);
          await session.flush();
          const cart = new IgCart();
          const bad = Object.assign(new IgProduct(), { name: 'no price', stock: 1 });
          session.addAll([cart, bad]);
          const { result, statements } = await recordStatements(engine, () => session.flush().then(() => undefined, (e: unknown) => e));
          expect(result).toBeInstanceOf(ValidationError);
          expect((result as ValidationError).property).toBe('price');
          // Nothing of this flush was sent, and the transaction was not rolled back.
          expect(statements.map((st) => st.sql)).toEqual([]);
          bad.price = '5.00';
          await session.commit();
        } finally {
          await session.close();
        }
        const names = (await engine.execute(sql`SELECT name FROM ig_product ORDER BY name`)).rows.map((r) => r.name);
        expect(names).toEqual(['first', 'no price']);
        expect(await count('ig_cart')).toBe(1);
      });
    });

    describe('rows with no values', () => {
      test('objects whose only column is a generated key each get a row and a key of their own in one flush', async () => {
        const carts = [new IgCart(), new IgCart(), new IgCart()];
        await Session.run((s) => s.addAll(carts));
        const ids = carts.map((c) => c.id);
        expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);
        expect(new Set(ids).size).toBe(3);
        const stored = (await engine.execute(sql`SELECT id FROM ig_cart ORDER BY id`)).rows.map((r) => Number(r.id));
        expect(stored).toEqual([...ids].sort((a, b) => a - b));
      });

      test('rows giving no values and rows with values mix in one flush, each with its own key', async () => {
        const badges = [new IgBadge(), Object.assign(new IgBadge(), { label: 'gold' }), new IgBadge(), Object.assign(new IgBadge(), { label: 'silver' })];
        await Session.run((s) => s.addAll(badges));
        expect(new Set(badges.map((b) => b.id)).size).toBe(4);
        const stored = (await engine.execute(sql`SELECT id, label FROM ig_badge`)).rows;
        const byId = new Map(stored.map((r) => [Number(r.id), r.label ?? null]));
        expect(badges.map((b) => byId.get(b.id))).toEqual([null, 'gold', null, 'silver']);
      });
    });

    describe('deletes in a foreign-key cycle', () => {
      const savePersonWithFavorite = async (): Promise<IgPerson> => {
        const ann = person('ann', 'red', 'blue');
        ann.favoriteBall = ann.balls[1]!;
        await Session.run((s) => s.add(ann));
        expect(Number((await row('ig_person', ann.id))!.favorite_ball_id)).toBe(ann.balls[1]!.id);
        return ann;
      };

      test('a person in a cycle is deleted with its balls in one flush: the cycle key is set NULL first', async () => {
        const ann = await savePersonWithFavorite();
        const { statements } = await recordStatements(engine, () =>
          Session.run(async (s) => {
            const loaded = (await s.get(IgPerson, ann.id))!;
            await s.load(loaded, ['balls', 'favoriteBall']);
            s.delete(loaded);
          }),
        );
        const writes = statements.map((st) => st.sql).filter((q) => /^(UPDATE|DELETE)/i.test(q));
        expect(writes[0]).toMatch(/^UPDATE\s+\S*ig_person/i);
        expect(writes.findIndex((q) => /^DELETE\s+FROM\s+\S*ig_ball/i.test(q))).toBeGreaterThan(0);
        expect(await count('ig_person')).toBe(0);
        expect(await count('ig_ball')).toBe(0);
      });

      test('a person in a cycle is deleted with balls nobody loaded', async () => {
        const ann = await savePersonWithFavorite();
        await Session.run(async (s) => s.delete((await s.get(IgPerson, ann.id))!));
        expect(await count('ig_person')).toBe(0);
        expect(await count('ig_ball')).toBe(0);
      });
    });

    describe('rollback restores relationships and deleted objects', () => {
      test('a savepoint rollback puts collections and to-ones back as they were when it began', async () => {
        const ed = person('ed', 'a1');
        const jack = person('jack');
        await Session.run((s) => s.addAll([ed, jack]));
        const session = Session();
        try {
          const people = await session.scalars(select(IgPerson).orderBy((p) => p.name));
          const [e, j] = await session.load([people[0]!, people[1]!], ['balls', 'favoriteBall']);
          const a1 = e!.balls[0]!;
          const sp = await session.beginNested();
          const a2 = ball('a2');
          e!.balls.push(a2);
          e!.favoriteBall = a2;
          a1.owner = j!; // moves a1 from ed's balls to jack's
          await session.flush();
          expect(e!.balls).toEqual([a2]);
          await sp.rollback();
          expect(e!.balls).toEqual([a1]);
          expect(e!.favoriteBall).toBeNull();
          expect(a1.owner).toBe(e);
          expect(j!.balls).toEqual([]);
          expect(inspect(a2).status).toBe('transient');
          // Memory and database agree: a flush has nothing to write, and the rows are as before.
          expect(session.hasPendingChanges).toBe(false);
          await session.commit();
        } finally {
          await session.close();
        }
        const balls = (await engine.execute(sql`SELECT color, owner_id FROM ig_ball ORDER BY color`)).rows;
        expect(balls.map((b) => [b.color, Number(b.owner_id)])).toEqual([['a1', ed.id]]);
      });

      test('a full rollback puts collections and to-ones back as they were when the transaction began', async () => {
        const ed = person('ed', 'a1');
        await Session.run((s) => s.add(ed));
        const session = Session();
        try {
          const e = await session.load((await session.get(IgPerson, ed.id))!, 'balls');
          const a1 = e.balls[0]!;
          e.balls.push(ball('a2'));
          await session.flush();
          e.balls.splice(0, 1); // a1 is an orphan now, unflushed
          await session.rollback();
          expect(e.balls).toEqual([a1]);
          expect(a1.owner).toBe(e);
        } finally {
          await session.close();
        }
        expect(await count('ig_ball')).toBe(1);
      });

      test('a rollback with nothing flushed puts a changed collection back too', async () => {
        const ed = person('ed', 'a1');
        await Session.run((s) => s.add(ed));
        const session = Session();
        try {
          const e = await session.load((await session.get(IgPerson, ed.id))!, 'balls');
          const a1 = e.balls[0]!;
          const a2 = ball('a2');
          e.balls.push(a2);
          await session.rollback();
          expect(e.balls).toEqual([a1]);
          expect(inspect(a2).status).toBe('transient');
        } finally {
          await session.close();
        }
      });

      test('rolling back a flushed delete brings the same object back into the identity map', async () => {
        const p = product('keeper');
        await Session.run((s) => s.add(p));
        const session = Session();
        try {
          const x = (await session.get(IgProduct, p.id))!;
          session.delete(x);
          await session.flush();
          expect(inspect(x).status).toBe('deleted');
          await session.rollback();
          expect(inspect(x).status).toBe('persistent');
          expect(await session.get(IgProduct, p.id)).toBe(x);
          expect(session.contains(x)).toBe(true);
        } finally {
          await session.close();
        }
        expect(await count('ig_product')).toBe(1);
      });

      test('rolling back a savepoint with a flushed delete brings the same object back', async () => {
        const p = product('keeper');
        await Session.run((s) => s.add(p));
        const session = Session();
        try {
          const x = (await session.get(IgProduct, p.id))!;
          const sp = await session.beginNested();
          session.delete(x);
          await session.flush();
          await sp.rollback();
          expect(await session.get(IgProduct, p.id)).toBe(x);
          x.name = 'kept';
          await session.commit();
        } finally {
          await session.close();
        }
        expect((await row('ig_product', p.id))!.name).toBe('kept');
      });
    });
  });
}

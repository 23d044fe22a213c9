/*
 * What the compile-time checks of loading promise, held to at run time on a real server:
 * `session.load` gives back the objects it loaded, a relationship declared in `EagerProps`
 * is loaded in every result, `refresh` gives back the object with what it had loaded still
 * readable, insert rows may leave out `OptionalProps` columns, composite keys are taken as
 * tuples or objects, relationship comparisons match the same rows whichever form they take,
 * and JavaScript callers that pass what the types refuse get ArgumentError.
 */
import {
  ArgumentError,
  Column,
  CreateDateColumn,
  EagerProps,
  Entity,
  insert,
  ManyToOne,
  MetaData,
  OneToMany,
  OptionalProps,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  createEngine,
  select,
  selectinLoad,
  sessionMaker,
  sql,
  UnloadedRelationError,
  VersionColumn,
  type Engine,
  type SessionFactory,
} from '@strata/core';
import { testUrl, type DialectName } from '../targets';

@Entity('tl_shop')
class TlShop {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) name!: string;
  @OneToMany(() => TlOrder, 'shop') orders!: TlOrder[];
}

@Entity('tl_order')
class TlOrder {
  declare [OptionalProps]?: 'status' | 'placedAt' | 'version';
  declare [EagerProps]?: 'shop';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 20, default: 'new' }) status!: string;
  @CreateDateColumn() placedAt!: Date;
  @VersionColumn() version!: number;
  @ManyToOne(() => TlShop, 'orders', { nullable: false, lazy: 'joined' }) shop!: TlShop;
  @OneToMany(() => TlLine, 'order') lines!: TlLine[];
}

@Entity('tl_line')
class TlLine {
  declare [PrimaryKeyProps]?: ['orderId', 'position'];
  @PrimaryColumn({ type: 'integer' }) orderId!: number;
  @PrimaryColumn({ type: 'integer' }) position!: number;
  @Column({ type: 'integer' }) quantity!: number;
  @ManyToOne(() => TlOrder, 'lines', { joinColumn: 'order_id', nullable: false }) order!: TlOrder;
}

/** Registers the typed-loading suite for one dialect. */
export function typedLoadingSuite(dialect: DialectName): void {
  describe(`${dialect}: loading as the types describe it`, () => {
    const md = new MetaData([TlShop, TlOrder, TlLine]);
    let engine: Engine;
    let Session: SessionFactory;
    let shopId: number;
    let orderIds: number[];

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect));
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      for (const table of ['tl_line', 'tl_order', 'tl_shop']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
      ({ shopId, orderIds } = await Session.run(async (s) => {
        const shop = Object.assign(new TlShop(), { name: 'corner' });
        const orders = [1, 2].map(() => Object.assign(new TlOrder(), { shop }));
        orders[0]!.lines.push(Object.assign(new TlLine(), { position: 1, quantity: 3 }), Object.assign(new TlLine(), { position: 2, quantity: 4 }));
        s.add(shop);
        orders.forEach((o) => s.add(o));
        await s.flush();
        return { shopId: shop.id, orderIds: orders.map((o) => o.id) };
      }));
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('session.load resolves to the objects it was given, a list or one object, with the paths loaded', async () => {
      await Session.run(async (s) => {
        const orders = await s.scalars(select(TlOrder).orderBy((o) => o.id));
        const loaded = await s.load(orders, 'lines');
        expect(loaded).toBe(orders);
        expect(loaded.map((o) => o.lines.length)).toEqual([2, 0]);
        const shop = await s.get(TlShop, shopId);
        const same = await s.load(shop!, ['orders', 'orders.lines']);
        expect(same).toBe(shop);
        expect(same.orders.map((o) => o.lines.length).sort()).toEqual([0, 2]);
        const byOption = await s.load(orders, selectinLoad(TlOrder, 'lines.order'));
        expect(byOption[0]!.lines[0]!.order).toBe(orders[0]);
      });
    });

    test('a relationship declared in EagerProps (lazy: joined) is loaded in every result, as its type says; the others are not', async () => {
      await Session.run(async (s) => {
        const [first] = await s.scalars(select(TlOrder).where((o) => o.id.eq(orderIds[0]!)));
        expect(first!.shop.name).toBe('corner');
        // @ts-expect-error lines are not loaded: the compiler refuses the read, the run time explains it
        expect(() => first!.lines.length).toThrow(UnloadedRelationError);
      });
      await Session.run(async (s) => {
        const got = await s.get(TlOrder, orderIds[1]!);
        expect(got!.shop.id).toBe(shopId);
      });
    });

    test('refresh resolves to the object as it was typed: columns reloaded, loaded relationships still readable', async () => {
      await Session.run(async (s) => {
        const order = await s.one(select(TlOrder).where((o) => o.id.eq(orderIds[0]!)).options(selectinLoad(TlOrder, 'lines')));
        order.status = 'unsaved';
        const fresh = await s.refresh(order);
        expect(fresh).toBe(order);
        expect(fresh.status).toBe('new');
        expect(fresh.shop.name).toBe('corner');
        expect(fresh.lines).toHaveLength(2);
      });
    });

    test('insert rows may leave out the OptionalProps columns: the default, the creation time and the version are filled in', async () => {
      const before = Date.now() - 60_000;
      await engine.execute(insert(TlOrder).values({ shop: shopId }));
      const [row] = await Session.run(async (s) => s.scalars(select(TlOrder).where((o) => o.id.notIn(orderIds))));
      expect(row!.status).toBe('new');
      expect(row!.version).toBe(1);
      expect(row!.placedAt.getTime()).toBeGreaterThan(before);
    });

    test('session.get takes a composite key as a tuple in key order or as an object holding the key properties', async () => {
      await Session.run(async (s) => {
        const byTuple = await s.get(TlLine, [orderIds[0]!, 2]);
        const byObject = await s.get(TlLine, { orderId: orderIds[0]!, position: 2 });
        expect(byTuple!.quantity).toBe(4);
        expect(byObject).toBe(byTuple);
        expect(await s.get(TlLine, [orderIds[1]!, 2])).toBeUndefined();
      });
    });

    test('a relationship comparison takes the related object, its key, or a list of them, and they match the same rows', async () => {
      await Session.run(async (s) => {
        const shop = await s.get(TlShop, shopId);
        const byObject = await s.scalars(select(TlOrder).where((o) => o.shop.eq(shop!)));
        const byKey = await s.scalars(select(TlOrder).where((o) => o.shop.eq(shopId)));
        const byList = await s.scalars(select(TlOrder).where((o) => o.shop.in([shop!, shopId])));
        const byShorthand = await s.scalars(select(TlOrder).where({ shop: shopId }));
        expect([byObject, byKey, byList, byShorthand].map((orders) => orders.length)).toEqual([2, 2, 2, 2]);
      });
    });

    test('JavaScript callers passing what the types refuse get ArgumentError: a column as a path, an option for another entity', async () => {
      await Session.run(async (s) => {
        // @ts-expect-error 'status' is a column; kept to test the run-time check for JavaScript callers
        await expect(s.scalars(select(TlOrder).options(selectinLoad(TlOrder, 'status')))).rejects.toThrow(ArgumentError);
        // @ts-expect-error an option built for TlShop on a query of TlOrder
        await expect(s.scalars(select(TlOrder).options(selectinLoad(TlShop, 'orders')))).rejects.toThrow(/starts from TlShop/);
        const orders = await s.scalars(select(TlOrder));
        // @ts-expect-error a typo in a session.load path
        await expect(s.load(orders, 'linez')).rejects.toThrow(/has no relationship 'linez'/);
      });
    });
  });
}

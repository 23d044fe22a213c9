/*
 * The three layers of issue 3 together: decorated entities -> createAll (DDL) -> insert()
 * and select() through the codecs -> the same values back, on every dialect. Proves that
 * the SQL types the DDL declares are the ones the codecs read exactly.
 */
import {
  Column,
  createEngine,
  Entity,
  func,
  insert,
  ManyToOne,
  MetaData,
  OneToMany,
  PrimaryGeneratedColumn,
  ref,
  select,
  update,
  type Engine,
} from '@strata/core';
import { testUrl, type DialectName } from '../targets';

@Entity('rt_owner')
class RtOwner {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: bigint;
  @Column({ length: 80 }) name!: string;
  @OneToMany(() => RtThing, 'owner') things!: RtThing[];
}

@Entity('rt_thing')
class RtThing {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'integer' }) qty!: number;
  @Column({ type: 'bigint' }) big!: bigint;
  @Column({ type: 'numeric', precision: 20, scale: 2 }) price!: string;
  @Column({ type: 'double' }) ratio!: number;
  @Column() active!: boolean;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ type: 'json' }) data!: unknown;
  @Column({ type: 'enum', enum: ['red', 'green'] }) colour!: string;
  @Column({ type: 'bytes' }) blob!: Buffer;
  @Column({ type: 'date' }) day!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'timestamp' }) local!: string;
  @Column({ type: 'timestamp', timeZone: 'Europe/Stockholm' }) meeting!: Date;
  @ManyToOne(() => RtOwner, 'things', { nullable: false, onDelete: 'CASCADE' }) owner!: RtOwner;
}

/** Registers the entity round-trip suite for one dialect. */
export function entityRoundTripSuite(dialect: DialectName): void {
  describe(`${dialect}: entities through DDL, insert and select`, () => {
    const md = new MetaData([RtOwner, RtThing]);
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('every type written through insert() reads back identical through select()', async () => {
      const owner = { id: 9007199254740993n, name: 'Ödön ✓' };
      await engine.execute(insert(RtOwner).values([owner]));
      const thing = {
        id: '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
        qty: -42,
        big: 9007199254740995n,
        price: '12345678901234567.89',
        ratio: 0.1 + 0.2,
        active: true,
        note: '',
        data: { list: [1, 'two', null], nested: { emoji: '🎉' } },
        colour: 'green',
        blob: Buffer.from([0, 1, 254, 255, 0]),
        day: '2024-02-29',
        at: new Date('2024-03-31T00:59:59.123Z'),
        local: '2024-03-31T02:30:00',
        meeting: new Date('2024-06-01T08:00:00Z'),
      };
      await engine.execute(insert(RtThing).values([{ ...thing, owner: owner.id }]));
      const [row] = (await engine.execute(select(RtThing).where({ id: thing.id }))).rows;
      expect(row).toMatchObject(thing);
      expect((row as Record<string, unknown>).blob).toEqual(thing.blob);
      const [back] = (await engine.execute(select(RtOwner))).rows;
      expect(back).toEqual(owner);
    });

    test('a join through the relationship and an aggregate', async () => {
      const rows = (await engine.execute(select(RtOwner).join((o) => o.things).where((_o, t) => t.colour.eq('green')))).rows;
      expect(rows).toHaveLength(1);
      const t = ref(RtThing, md);
      const counted = (await engine.execute(select({ n: func.count(), total: func.sum(t.qty) }).from(t))).rows;
      expect(Number(counted[0]!.n)).toBe(1);
      expect(Number(counted[0]!.total)).toBe(-42);
    });

    test('update() converts values through the codecs too', async () => {
      const moment = new Date('2030-01-02T03:04:05.678Z');
      await engine.execute(update(RtThing).set({ at: moment, active: false, price: '0.10' }).where({ colour: 'green' }));
      const [row] = (await engine.execute(select(RtThing))).rows as { at: Date; active: boolean; price: string }[];
      expect(row!.at.toISOString()).toBe(moment.toISOString());
      expect(row!.active).toBe(false);
      expect(row!.price).toBe('0.10');
    });
  });
}

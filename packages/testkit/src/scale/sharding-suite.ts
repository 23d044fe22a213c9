/*
 * Horizontal sharding over two real databases of one server: objects written to the shard
 * their key hashes to (with their cascades), lookups by key on one shard, queries fanned out
 * and merged by ORDER BY / LIMIT / OFFSET, changes and deletes committed shard by shard.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ArgumentError, Column, createEngine, Entity, ManyToOne, MetaData, OneToMany, PrimaryColumn, ref, select, shardedSessionMaker, sql, type Engine, type ShardedSessionFactory } from '@strata/core';
import { recordStatements } from '../harness';
import { testUrl, withDatabase } from '../targets';

@Entity('sh_customer')
class ShCustomer {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ length: 50 }) name!: string;
  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true }) balance!: string | null;
  @OneToMany(() => ShOrder, 'customer', { cascade: 'all, delete-orphan' }) orders!: ShOrder[];
}

@Entity('sh_order')
class ShOrder {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'integer' }) amount!: number;
  @ManyToOne(() => ShCustomer, 'orders', { nullable: false }) customer!: ShCustomer;
}

const md = new MetaData([ShCustomer, ShOrder]);
type Shard = 'a' | 'b';

/** The shard a customer key lives on: the first byte of its hash. */
function shardOfKey(id: string): Shard {
  return createHash('sha1').update(id).digest()[0]! % 2 === 0 ? 'a' : 'b';
}

/** Registers the sharding tests for a client/server dialect. */
export function shardingSuite(dialect: 'postgresql' | 'mysql'): void {
  describe(`${dialect}: horizontal sharding`, () => {
    const base = testUrl(dialect);
    const names = { a: `${new URL(base).pathname.slice(1)}_shard_a`, b: `${new URL(base).pathname.slice(1)}_shard_b` };
    const engines = {} as Record<Shard, Engine>;
    let Shards: ShardedSessionFactory<Shard>;
    const count = async (shard: Shard, table: string) => Number((await engines[shard].execute(sql`SELECT count(*) AS n FROM ${sql.id(table)}`)).scalar());

    beforeAll(async () => {
      const admin = createEngine(withDatabase(base, dialect === 'postgresql' ? 'postgres' : ''), { poolSize: 1 });
      try {
        for (const name of Object.values(names)) {
          if (dialect === 'mysql') await admin.execute(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
          else if (!(await admin.execute(sql`SELECT 1 FROM pg_database WHERE datname = ${name}`)).rows.length) await admin.execute(`CREATE DATABASE "${name}"`);
        }
      } finally {
        await admin.dispose();
      }
      for (const shard of ['a', 'b'] as const) {
        engines[shard] = createEngine(withDatabase(base, names[shard]), { poolSize: 3 });
        await md.dropAll(engines[shard], { checkFirst: true });
        await md.createAll(engines[shard]);
      }
      Shards = shardedSessionMaker<Shard>({
        shards: engines,
        shardFor: (object) => shardOfKey(object instanceof ShOrder ? object.customer.id : (object as ShCustomer).id),
        shardsForKey: (entity, key) => (entity === ShCustomer ? shardOfKey(String(key)) : ['a', 'b']),
        session: { registry: md },
      });
    });

    afterAll(async () => {
      for (const engine of Object.values(engines)) {
        await md.dropAll(engine, { checkFirst: true });
        await engine.dispose();
      }
    });

    beforeEach(async () => {
      for (const engine of Object.values(engines)) {
        await engine.execute('DELETE FROM sh_order');
        await engine.execute('DELETE FROM sh_customer');
      }
    });

    /** 40 customers named c00..c39 with 3 orders each, written through the sharded session. */
    async function seed(): Promise<ShCustomer[]> {
      const customers = Array.from({ length: 40 }, (_, i) => {
        const customer = new ShCustomer();
        customer.id = randomUUID();
        customer.name = `c${String(i).padStart(2, '0')}`;
        customer.orders = [1, 2, 3].map((n) => Object.assign(new ShOrder(), { id: randomUUID(), amount: i * 10 + n }));
        return customer;
      });
      await Shards.run((s) => s.addAll(customers));
      return customers;
    }

    test('each object is written to the shard its key picks, its cascaded children with it', async () => {
      const customers = await seed();
      for (const shard of ['a', 'b'] as const) {
        const ids = (await engines[shard].execute('SELECT id FROM sh_customer')).rows.map((r) => String(r.id));
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) expect(shardOfKey(id)).toBe(shard);
        const orphans = await engines[shard].execute('SELECT count(*) AS n FROM sh_order o LEFT JOIN sh_customer c ON c.id = o.customer_id WHERE c.id IS NULL');
        expect(Number(orphans.scalar())).toBe(0);
      }
      expect((await count('a', 'sh_customer')) + (await count('b', 'sh_customer'))).toBe(customers.length);
      expect((await count('a', 'sh_order')) + (await count('b', 'sh_order'))).toBe(customers.length * 3);
    });

    test('a lookup by key runs on the one shard the key picks', async () => {
      const [customer] = await seed();
      const home = shardOfKey(customer!.id);
      const other: Shard = home === 'a' ? 'b' : 'a';
      const session = Shards();
      try {
        const seen = await recordStatements(engines[other], async () => {
          const { result, statements } = await recordStatements(engines[home], () => session.get(ShCustomer, customer!.id));
          expect(result!.name).toBe(customer!.name);
          expect(statements.filter((s) => /^SELECT/i.test(s.sql))).toHaveLength(1);
        });
        expect(seen.statements).toHaveLength(0);
        expect(session.shardOf((await session.get(ShCustomer, customer!.id))!)).toBe(home);
        // An order's key says nothing of its shard: every shard is asked.
        const order = await session.get(ShOrder, customer!.orders[1]!.id);
        expect(order!.amount).toBe(customer!.orders[1]!.amount);
      } finally {
        await session.close();
      }
    });

    test('a query fans out to every shard and is merged by its ORDER BY, then cut by OFFSET and LIMIT', async () => {
      const customers = await seed();
      const all = customers.map((c) => c.name).sort();
      const session = Shards();
      try {
        const page = await session.scalars(select(ShCustomer).orderBy((c) => c.name).limit(7).offset(5));
        expect(page.map((c) => c.name)).toEqual(all.slice(5, 12));
        const last = await session.scalars(select(ShCustomer).orderBy((c) => c.name.desc()).limit(3));
        expect(last.map((c) => c.name)).toEqual(all.slice(-3).reverse());
        const everything = await session.scalars(select(ShOrder));
        expect(everything).toHaveLength(120);
        const one = await session.scalars(select(ShCustomer), { shard: 'a' });
        expect(one.every((c) => shardOfKey(c.id) === 'a')).toBe(true);
        await expect(session.scalars(select(ShCustomer).limit(3))).rejects.toThrow(/ORDER BY columns of its own entity/);
      } finally {
        await session.close();
      }
    });

    test('a fanned-out page matches the page one database would give: NULLs where the server puts them, numeric text by value, text by the given collation', async () => {
      // Mixed case, NULL balances, numbers of different lengths and signs.
      const rows = Array.from({ length: 60 }, (_, i) => ({
        id: randomUUID(),
        name: `${i % 3 === 0 ? 'X' : 'x'}${String((i * 7) % 60).padStart(2, '0')}`,
        balance: i % 6 === 0 ? null : `${((i * 37) % 23) - 10}.${i % 2 ? '50' : '05'}`,
      }));
      await Shards.run((s) => s.addAll(rows.map((r) => Object.assign(new ShCustomer(), r, { orders: [] }))));
      expect(await count('a', 'sh_customer')).toBeGreaterThan(10);
      expect(await count('b', 'sh_customer')).toBeGreaterThan(10);
      // The oracle: the same rows in one table of one database, ordered by the server.
      const oracle = engines.a;
      await oracle.execute('DROP TABLE IF EXISTS sh_oracle');
      await oracle.execute(`CREATE TABLE sh_oracle (id varchar(36) PRIMARY KEY, name varchar(50) NOT NULL, balance numeric(12,2))${dialect === 'mysql' ? ' DEFAULT CHARSET=utf8mb4' : ''}`);
      try {
        for (const r of rows) await oracle.execute(sql`INSERT INTO sh_oracle (id, name, balance) VALUES (${r.id}, ${r.name}, ${r.balance})`);
        const serverPage = async (orderBy: string, limit: number, offset: number) =>
          (await oracle.execute(`SELECT id FROM sh_oracle ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`)).rows.map((r) => String(r.id));
        // MariaDB's default collation ignores case; PostgreSQL's here (C) compares code points, the default.
        const caseless = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
        const Merged = shardedSessionMaker<Shard>({ shards: engines, shardFor: () => 'a', session: { registry: md }, ...(dialect === 'mysql' ? { compareText: caseless } : {}) });
        const session = Merged();
        try {
          for (const [limit, offset] of [[7, 0], [9, 13], [20, 40]] as const) {
            const byBalance = await session.scalars(select(ShCustomer).orderBy((c) => [c.balance, c.id]).limit(limit).offset(offset));
            expect(byBalance.map((c) => c.id)).toEqual(await serverPage('balance, id', limit, offset));
            const byBalanceDesc = await session.scalars(select(ShCustomer).orderBy((c) => [c.balance.desc(), c.id]).limit(limit).offset(offset));
            expect(byBalanceDesc.map((c) => c.id)).toEqual(await serverPage('balance DESC, id', limit, offset));
            const byName = await session.scalars(select(ShCustomer).orderBy((c) => [c.name, c.id]).limit(limit).offset(offset));
            expect(byName.map((c) => c.id)).toEqual(await serverPage('name, id', limit, offset));
          }
          // Selected values merge by themselves.
          const c = ref(ShCustomer);
          const balances = await session.scalars(select({ balance: c.balance }).from(c).where(c.balance.isNotNull()).orderBy(c.balance).limit(5));
          const expected = (await oracle.execute('SELECT balance FROM sh_oracle WHERE balance IS NOT NULL ORDER BY balance LIMIT 5')).rows.map((r) => Number(r.balance));
          expect(balances.map(Number)).toEqual(expected);
          // An ORDER BY the results do not carry cannot be merged: refused, not answered in the wrong order.
          await expect(session.scalars(select({ name: c.name }).from(c).orderBy(c.balance).limit(5))).rejects.toThrow(ArgumentError);
          await expect(session.scalars(select(ShOrder).join((o) => o.customer).orderBy((_o, cu) => cu.name).limit(5))).rejects.toThrow(
            /must name columns of the selected entity; ShCustomer\.name is not/,
          );
          await expect(session.scalars(select(ShCustomer).orderBy((cu) => cu.name).union(select(ShCustomer)).limit(3))).rejects.toThrow(/A UNION with ORDER BY, LIMIT or OFFSET cannot be merged/);
        } finally {
          await session.close();
        }
      } finally {
        await oracle.execute('DROP TABLE IF EXISTS sh_oracle');
      }
    });

    test('changes, relationship loads and deletes go to each object\'s own shard', async () => {
      await seed();
      await Shards.run(async (s) => {
        const customers = await s.load(await s.scalars(select(ShCustomer).orderBy((c) => c.name)), 'orders');
        for (const customer of customers) customer.orders[0]!.amount += 1000;
        s.delete(customers[0]!);
        customers[1]!.name = 'renamed';
      });
      const total = async (text: string) => Number((await engines.a.execute(text)).scalar()) + Number((await engines.b.execute(text)).scalar());
      expect(await total('SELECT count(*) AS n FROM sh_customer')).toBe(39);
      expect(await total('SELECT count(*) AS n FROM sh_order')).toBe(117);
      expect(await total('SELECT count(*) AS n FROM sh_order WHERE amount >= 1000')).toBe(39);
      expect(await total("SELECT count(*) AS n FROM sh_customer WHERE name = 'renamed'")).toBe(1);
    });
  });
}

/*
 * The README's "What the compiler checks", as written there: each listed mistake does not
 * compile, and the results have the types it says.
 */
import { Column, Entity, insert, joinedLoad, ManyToOne, OneToMany, PrimaryGeneratedColumn, select, selectinLoad, Session, type LoadOption, type Loaded } from '@strata/core';
import { Customer, Order, OrderLine } from './model';
import { use, type Equal, type Expect } from './expect';

@Entity()
class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @Column() email!: string;
  @OneToMany(() => Account, 'owner') orders!: Account[];
}

@Entity()
class Account {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => User, 'orders') owner!: User;
}

declare const session: Session;
declare const email: string;

export async function readme(): Promise<void> {
  const orders = await session.scalars(select(Order).options(selectinLoad(Order, 'lines.product')));
  type _1 = Expect<Equal<typeof orders, Loaded<Order, 'lines.product'>[]>>;
  const plain = await session.scalars(select(Order));
  // @ts-expect-error reading lines that were not loaded
  use(plain[0]!.lines.length);
  const withLines = await session.load(plain, 'lines');
  type _2 = Expect<Equal<typeof withLines, Loaded<Order, 'lines'>[]>>;
  function total(order: Loaded<Order, 'lines'>): number {
    return order.lines.reduce((n, l) => n + l.quantity, 0);
  }
  use(total(withLines[0]!), total(new Order()));
  // @ts-expect-error total of an Order without its lines
  total(plain[0]!);

  // @ts-expect-error nested typo
  selectinLoad(Order, 'lines.prodcut');
  // @ts-expect-error a column, not a relationship
  selectinLoad(Order, 'status');
  // @ts-expect-error chained typo
  selectinLoad(Order, 'lines').joinedLoad('prodcut');
  // @ts-expect-error session.load path
  await session.load(orders, 'linez');
  // @ts-expect-error option for another entity
  select(Order).options(joinedLoad(User, 'orders'));
  // @ts-expect-error key type
  await session.get(User, 'abc');
  // @ts-expect-error required column missing
  insert(User).values([{ email }]);
  // @ts-expect-error relationship compared with anything (User's key is a number)
  select(Account).where((a) => a.owner.eq('whatever'));

  // An option list built at run time types nothing as loaded (its paths are unknown).
  const built: LoadOption[] = [selectinLoad(Order, 'lines')];
  const dynamic = await session.scalars(select(Order).options(...built));
  // @ts-expect-error lines may or may not be loaded
  use(dynamic[0]!.lines.length);
  // A choice between options loading the same path keeps it.
  const either = Math.random() > 0.5 ? joinedLoad(Order, 'lines') : selectinLoad(Order, 'lines');
  const chosen = await session.scalars(select(Order).options(either));
  use(chosen[0]!.lines.length);
  // Hanging loaded objects on new ones.
  const customer = await session.get(Customer, 'c-1');
  session.add(Object.assign(new Order(), { customer }));
  const order: Loaded<Order, 'lines'> = new Order();
  order.lines = await session.scalars(select(OrderLine).where({ order: 7n }));
  // @ts-expect-error a parameter typed with the class takes new objects only
  takesClass(plain[0]!);
  takesClass(new Order());
}

function takesClass(order: Order): string {
  return order.status;
}

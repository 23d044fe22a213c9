import { eagerLoad, joinedLoad, lazyLoad, raiseLoad, select, selectinLoad, Session, subqueryLoad, noLoad, type Loaded, type NotLoaded } from '@strata/core';
import { Customer, Order, OrderLine, Product } from './model';
import { use, type Equal, type Expect } from './expect';

declare const session: Session;

export async function paths(): Promise<void> {
  // Valid paths, to three levels.
  use(selectinLoad(Order, 'lines'), selectinLoad(Order, 'lines.product'), joinedLoad(Order, 'lines.product.category'));
  use(selectinLoad(Order, 'lines').joinedLoad('product').selectinLoad('tags'));

  // @ts-expect-error a nested typo
  selectinLoad(Order, 'lines.prodcut');
  // @ts-expect-error a column, not a relationship
  selectinLoad(Order, 'status');
  // @ts-expect-error a chained typo
  selectinLoad(Order, 'lines').joinedLoad('prodcut');
  // @ts-expect-error a method is not a relationship
  subqueryLoad(Order, 'total');
  // @ts-expect-error json column
  raiseLoad(Product, 'details');
  // @ts-expect-error eagerLoad checks every path
  eagerLoad(Order, 'lines', 'customr');
  use(lazyLoad, noLoad);

  const orders = await session.scalars(select(Order));
  // @ts-expect-error session.load path
  await session.load(orders, 'linez');
  // @ts-expect-error an option for another entity
  select(Order).options(joinedLoad(Customer, 'orders'));

  const loaded = await session.scalars(select(Order).options(selectinLoad(Order, 'lines.product')));
  type _1 = Expect<Equal<typeof loaded, Loaded<Order, 'lines.product'>[]>>;
  const first = loaded[0]!;
  type _2 = Expect<Equal<typeof first.lines, Loaded<OrderLine, 'product'>[]>>;
  type _3 = Expect<Equal<(typeof first.lines)[number]['product'], Loaded<Product, never>>>;
  use(first.lines[0]?.product.name, first.customer.email);
  // @ts-expect-error not loaded
  use(first.lines[0]?.order.status);
  const plain = orders[0]!;
  // @ts-expect-error lines not loaded
  use(plain.lines.length);
  const held = plain.lines;
  type _4 = Expect<Equal<typeof held, Loaded<OrderLine, never>[] | NotLoaded<"lines is not loaded: name it in a loader option (selectinLoad, joinedLoad, ...) or call session.load(object, 'lines')">>>;
  const after = await session.load(plain, 'lines');
  type _5 = Expect<Equal<typeof after, Loaded<Order, 'lines'>>>;
  const more = await session.load(after, ['lines.product', 'lines.order']);
  type _6 = Expect<Equal<typeof more, Loaded<Order, 'lines' | 'lines.product' | 'lines.order'>>>;
  const narrower: Loaded<Order, 'lines'> = more;
  // @ts-expect-error fewer paths loaded than the type needs
  const wider: Loaded<Order, 'lines.product'> = after;
  const transient: Loaded<Order, 'lines.product'> = new Order();
  use(narrower, wider, transient);
  const hover = session.scalars(select(Order).options(selectinLoad(Order, 'lines')));
  const shown: number = hover;
}

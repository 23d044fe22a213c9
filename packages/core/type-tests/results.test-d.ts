/*
 * Results carry what was loaded: every way a session returns objects types them as
 * Loaded<E, paths>; relationships nobody loaded cannot be read; Loaded arguments can be
 * demanded; objects made with `new` keep their declared types.
 */
import { joinedLoad, lazyLoad, raiseLoad, select, selectinLoad, Session, type Loaded, type NotLoaded } from '@strata/core';
import { Category, Customer, Order, OrderLine, Product, Setting, Tag } from './model';
import { use, type Equal, type Expect } from './expect';

declare const session: Session;

type LinesHint = NotLoaded<"lines is not loaded: name it in a loader option (selectinLoad, joinedLoad, ...) or use what session.load(object, 'lines') returns">;

export async function queryResults(): Promise<void> {
  const loaded = await session.scalars(select(Order).options(selectinLoad(Order, 'lines.product')));
  type _1 = Expect<Equal<typeof loaded, Loaded<Order, 'lines.product'>[]>>;
  const order = loaded[0]!;
  type _2 = Expect<Equal<typeof order.lines, Loaded<OrderLine, 'product'>[]>>;
  type _3 = Expect<Equal<(typeof order.lines)[number]['product'], Loaded<Product>>>;
  use(order.lines[0]?.product.name, order.customer.email, order.itemCount());
  // @ts-expect-error a line's order was not loaded
  use(order.lines[0]?.order.status);
  // @ts-expect-error nor a product's category
  use(order.lines[0]?.product.category.name);

  const plain = (await session.scalars(select(Order)))[0]!;
  type _4 = Expect<Equal<typeof plain, Loaded<Order>>>;
  // @ts-expect-error lines not loaded: reading them does not compile
  use(plain.lines.length);
  // @ts-expect-error nor does iterating them
  for (const line of plain.lines) use(line);
  const held = plain.lines;
  type _5 = Expect<Equal<typeof held, Loaded<OrderLine>[] | LinesHint>>;
  use(held);
  // The relationship loaded by default (lazy: 'joined', declared with EagerProps) is loaded.
  type _6 = Expect<Equal<typeof plain.customer, Loaded<Customer>>>;
  // An option switching it off takes that away.
  const lazy = await session.one(select(Order).options(lazyLoad(Order, 'customer')));
  // @ts-expect-error customer left unloaded by lazyLoad
  use(lazy.customer.email);
  const guarded = await session.one(select(Order).options(raiseLoad(Order, 'customer'), selectinLoad(Order, 'lines')));
  type _7 = Expect<Equal<typeof guarded, Loaded<Order, 'lines' | '!customer'>>>;
  use(guarded.lines.length);
  // A chained option loads every step it names.
  const chained = await session.one(select(Order).options(selectinLoad(Order, 'lines').joinedLoad('product').selectinLoad('tags')));
  type _8 = Expect<Equal<typeof chained, Loaded<Order, 'lines' | 'lines.product' | 'lines.product.tags'>>>;
  use(chained.lines[0]?.product.tags.map((t) => t.label));
}

export async function everyWayOfReading(): Promise<void> {
  const one = await session.one(select(Order).options(joinedLoad(Order, 'lines')));
  type _1 = Expect<Equal<typeof one, Loaded<Order, 'lines'>>>;
  const maybe = await session.scalar(select(Order).options(joinedLoad(Order, 'lines')));
  type _2 = Expect<Equal<typeof maybe, Loaded<Order, 'lines'> | undefined>>;
  const got = await session.get(Order, 1n, { options: [selectinLoad(Order, 'lines')] });
  type _3 = Expect<Equal<typeof got, Loaded<Order, 'lines'> | undefined>>;
  const bare = await session.get(Order, 1n);
  type _4 = Expect<Equal<typeof bare, Loaded<Order> | undefined>>;
  for await (const streamed of session.stream(select(Order).options(selectinLoad(Order, 'lines')))) {
    type _5 = Expect<Equal<typeof streamed, Loaded<Order, 'lines'>>>;
    use(streamed.lines.length);
  }
  const orders = await session.scalars(select(Order));
  const withLines = await session.load(orders, 'lines');
  type _6 = Expect<Equal<typeof withLines, Loaded<Order, 'lines'>[]>>;
  const deeper = await session.load(withLines[0]!, ['lines.product', 'lines.order']);
  type _7 = Expect<Equal<typeof deeper, Loaded<Order, 'lines' | 'lines.product' | 'lines.order'>>>;
  const byOption = await session.load(orders, selectinLoad(Order, 'lines.product'));
  type _8 = Expect<Equal<typeof byOption, Loaded<Order, 'lines.product'>[]>>;
  const refreshed = await session.refresh(deeper);
  type _9 = Expect<Equal<typeof refreshed, typeof deeper>>;
  // Joined tuples: each entity typed with what the options load for it.
  const rows = await session.execute(select(Order, Customer).join((o) => o.customer).options(selectinLoad(Customer, 'orders')));
  type _10 = Expect<Equal<(typeof rows)[number], [Loaded<Order>, Loaded<Customer, 'orders'>]>>;
  // An entity without relationships keeps its class type.
  const settings = await session.scalars(select(Setting));
  type _11 = Expect<Equal<typeof settings, Setting[]>>;
  use(one, maybe, got, bare, byOption, refreshed, rows, settings);
}

/** An application function that demands loaded lines. */
function total(order: Loaded<Order, 'lines'>): number {
  return order.lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** And one that demands deeper loads. */
function productNames(order: Loaded<Order, 'lines.product'>): string[] {
  return order.lines.map((line) => line.product.name);
}

export async function demandingLoadedArguments(): Promise<void> {
  const withLines = await session.one(select(Order).options(selectinLoad(Order, 'lines')));
  const withProducts = await session.one(select(Order).options(selectinLoad(Order, 'lines.product')));
  const without = await session.one(select(Order));
  use(total(withLines), total(withProducts), productNames(withProducts));
  // @ts-expect-error an Order whose lines are not loaded
  total(without);
  // @ts-expect-error lines loaded, but not their products
  productNames(withLines);
  // Transient objects keep their declared types, and fit any Loaded view.
  const fresh = new Order();
  fresh.lines = [];
  use(total(fresh), productNames(fresh), fresh.lines.length);
  // A new object typed as a view takes query results into its relationships.
  const tags = await session.scalars(select(Tag));
  const product: Loaded<Product, 'tags'> = new Product();
  product.tags = tags;
  // Assigning to a relationship that is not loaded is allowed; reading it stays refused.
  without.lines = [new OrderLine()];
  use(product);
}

export async function trees(): Promise<void> {
  const roots = await session.scalars(select(Category).options(selectinLoad(Category, 'children.children.children')));
  const leaf = roots[0]?.children[0]?.children[0]?.children[0];
  type _1 = Expect<Equal<typeof leaf, Loaded<Category> | undefined>>;
  // @ts-expect-error the fourth level's children were not loaded
  use(leaf?.children.length);
  // @ts-expect-error nor the parent of a child
  use(roots[0]?.children[0]?.parent?.name);
  const up = await session.scalars(select(Category).options(joinedLoad(Category, 'parent.parent')));
  use(up[0]?.parent?.parent?.name);
  // Many-to-many, both ways.
  const products = await session.scalars(select(Product).options(selectinLoad(Product, 'tags.products')));
  use(products[0]?.tags[0]?.products[0]?.sku);
}

/** Where options disagree, or a step is switched off, the types say not loaded, as the run time does (or more strictly). */
export async function switchedOff(): Promise<void> {
  // A step switched off stops loading below it: lines raise, so neither lines nor their products load.
  const raised = await session.one(select(Order).options(raiseLoad(Order, 'lines').joinedLoad('product')));
  // @ts-expect-error lines raise
  use(raised.lines.length);
  // Two options on one relationship, one loading and one not: not loaded, whatever their order.
  const both = await session.one(select(Order).options(selectinLoad(Order, 'lines'), raiseLoad(Order, 'lines')));
  // @ts-expect-error lines may be switched off
  use(both.lines.length);
  // A step switched off below a loaded one leaves the upper step loaded.
  const upper = await session.one(select(Order).options(selectinLoad(Order, 'lines').raiseLoad('product')));
  use(upper.lines.length);
  // @ts-expect-error product raise
  use(upper.lines[0]?.product.name);
  // A choice between loading and not: not loaded.
  const either = await session.one(select(Order).options(Math.random() > 0.5 ? selectinLoad(Order, 'lines') : lazyLoad(Order, 'lines')));
  // @ts-expect-error lines may not be loaded
  use(either.lines.length);
  // A list that may be empty loads nothing as far as the types know.
  const maybe = await session.one(select(Order).options(...(Math.random() > 0.5 ? [selectinLoad(Order, 'lines')] : [])));
  // @ts-expect-error lines may not be loaded
  use(maybe.lines.length);
  // session.load keeps what was switched off, and switches back on what it loads.
  const lazyCustomer = await session.one(select(Order).options(lazyLoad(Order, 'customer')));
  const afterLines = await session.load(lazyCustomer, 'lines');
  // @ts-expect-error customer was switched off and session.load did not load it
  use(afterLines.customer.email);
  const afterCustomer = await session.load(afterLines, 'customer');
  use(afterCustomer.customer.email, afterCustomer.lines.length);
  // A path known only at run time is checked at run time and loads nothing in the types.
  const include: string[] = ['lines'];
  const dynamic = await session.load(lazyCustomer, include);
  // @ts-expect-error lines may or may not be loaded
  use(dynamic.lines.length);
}

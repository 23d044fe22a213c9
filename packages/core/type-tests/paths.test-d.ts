/*
 * Relationship paths: checked wherever a path is written, to any depth, with the wrong
 * step named in the error; options built for another entity refused.
 */
import { eagerLoad, joinedLoad, lazyLoad, noLoad, raiseLoad, select, selectinLoad, Session, subqueryLoad } from '@strata/core';
import { Category, Customer, Order, Product, Setting } from './model';
import { use, type Equal, type Expect } from './expect';

declare const session: Session;

export async function validPaths(): Promise<void> {
  use(selectinLoad(Order, 'lines'), selectinLoad(Order, 'lines.product'), joinedLoad(Order, 'lines.product.category'));
  use(subqueryLoad(Order, 'lines.product.tags'), lazyLoad(Order, 'customer'), raiseLoad(Order, 'lines'), noLoad(Order, 'lines'));
  use(selectinLoad(Order, 'lines').joinedLoad('product').selectinLoad('tags'), joinedLoad(Order, 'lines', { innerJoin: true }));
  use(selectinLoad(Category, 'children.children.children.parent'), selectinLoad(Product, 'tags.products.category'));
  use(...eagerLoad(Order, 'lines', 'customer.orders'));
  const orders = await session.scalars(select(Order));
  await session.load(orders, 'lines.product');
  await session.load(orders, ['lines', 'customer']);
  await session.load(orders[0]!, selectinLoad(Order, 'lines'));
  await session.get(Order, 1n, { options: [selectinLoad(Order, 'lines')] });
}

export async function wrongPaths(): Promise<void> {
  // @ts-expect-error a nested typo ('prodcut')
  selectinLoad(Order, 'lines.prodcut');
  // @ts-expect-error a column, not a relationship
  selectinLoad(Order, 'status');
  // @ts-expect-error a chained typo
  selectinLoad(Order, 'lines').joinedLoad('prodcut');
  // @ts-expect-error a chained step starts from the last step's entity (OrderLine has no 'customer')
  selectinLoad(Order, 'lines').joinedLoad('customer');
  // @ts-expect-error a method is not a relationship
  subqueryLoad(Order, 'itemCount');
  // @ts-expect-error a json column is not a relationship
  raiseLoad(Product, 'details');
  // @ts-expect-error a typo three levels down
  joinedLoad(Order, 'lines.product.categroy');
  // @ts-expect-error eagerLoad checks every path
  eagerLoad(Order, 'lines', 'customr');
  // @ts-expect-error an entity without relationships has no paths
  selectinLoad(Setting, 'value');
  // @ts-expect-error a trailing dot is an empty step
  selectinLoad(Order, 'lines.');

  const orders = await session.scalars(select(Order));
  // @ts-expect-error session.load checks its path against the objects' entity
  await session.load(orders, 'linez');
  // @ts-expect-error and each path of a list
  await session.load(orders, ['lines', 'customr']);
  // @ts-expect-error an option for another entity than the objects'
  await session.load(orders, selectinLoad(Customer, 'orders'));
  // @ts-expect-error an option for another entity than the query's
  select(Order).options(joinedLoad(Customer, 'orders'));
  // @ts-expect-error session.get options are checked against its entity
  await session.get(Order, 1n, { options: [selectinLoad(Customer, 'orders')] });
}

export function completion(): void {
  // What the editor offers after 'lines.': the relationships of OrderLine, written out.
  type Offered = Parameters<typeof selectinLoad<Order, 'lines.'>>[1];
  type _1 = Expect<Equal<Offered, 'lines.order' | 'lines.product'>>;
  // A valid path also offers its next steps.
  type Next = Parameters<typeof selectinLoad<Order, 'lines'>>[1];
  type _2 = Expect<Equal<Next, 'lines' | 'lines.order' | 'lines.product'>>;
}

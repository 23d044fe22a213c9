/*
 * Keys and values typed from the entity: session.get takes the key's type (a tuple or an
 * object for a composite key); insert rows need the NOT NULL columns nobody fills in and
 * refuse unknown ones; relationship comparisons take the target, its key, or lists of them.
 */
import { insert, select, Session, update } from '@strata/core';
import { Customer, Order, OrderLine, Product, Setting, Tag } from './model';
import { use } from './expect';

declare const session: Session;
declare const customer: Customer;
declare const product: Product;
declare const tag: Tag;

export async function keys(): Promise<void> {
  await session.get(Order, 1n);
  await session.get(Customer, '0f8fad5b-d9cb-469f-a165-70867728950e');
  await session.get(Product, 'SKU-1');
  await session.get(Setting, 'theme');
  await session.get(OrderLine, [1n, 2]);
  await session.get(OrderLine, { orderId: 1n, position: 2 });
  // @ts-expect-error Order's key is a bigint
  await session.get(Order, 'abc');
  // @ts-expect-error Customer's key is a string (uuid)
  await session.get(Customer, 42);
  // @ts-expect-error a composite key needs both values, in key order
  await session.get(OrderLine, [1n]);
  // @ts-expect-error in key order: (orderId bigint, position number)
  await session.get(OrderLine, [2, 1n]);
  // @ts-expect-error an object needs every key property
  await session.get(OrderLine, { orderId: 1n });
}

export function insertRows(): void {
  use(insert(Customer).values({ email: 'a@example.com' }));
  use(insert(Customer).values([{ email: 'a@example.com', nickname: null }, { email: 'b@example.com', id: 'given' }]));
  // Defaults declared with OptionalProps, nullable and optional properties may be left out.
  use(insert(Order).values({ customer }));
  use(insert(OrderLine).values({ quantity: 2, order: 1n, product: 'SKU-1' }));
  // @ts-expect-error a required column (email) is missing
  insert(Customer).values([{ nickname: 'x' }]);
  // @ts-expect-error an unknown property
  insert(Customer).values({ email: 'a@example.com', emial: 'typo' });
  // @ts-expect-error a value of the wrong type
  insert(Customer).values({ email: 42 });
  // @ts-expect-error a relationship takes the related object or its key (Product's key is a string)
  insert(OrderLine).values({ quantity: 1, product: 42 });
  use(update(Order).set({ status: 'paid' }));
  // @ts-expect-error update checks value types too
  update(Order).set({ status: 7 });
}

export function relationshipComparisons(): void {
  use(select(Order).where((o) => o.customer.eq(customer)));
  use(select(Order).where((o) => o.customer.eq('0f8fad5b-d9cb-469f-a165-70867728950e')));
  use(select(Order).where((o) => o.customer.in([customer, 'id-2'])));
  use(select(Order).where((o) => o.customer.eq(null)));
  use(select(OrderLine).where((l) => l.product.eq(product)));
  use(select(OrderLine).where((l) => l.order.in([1n, 2n])));
  use(select(Order).where({ customer }), select(Order).where({ customer: ['id-1', 'id-2'] }), select(OrderLine).where({ product: 'SKU-1' }));
  use(select(Order, Customer).join((o) => o.customer).where((o, c) => o.customer.eq(c)));
  // @ts-expect-error Customer's key is a string, not a number
  select(Order).where((o) => o.customer.eq(42));
  // @ts-expect-error an object of another entity
  select(OrderLine).where((l) => l.product.eq(customer));
  // @ts-expect-error a list of the wrong keys
  select(Order).where((o) => o.customer.in([1, 2]));
  // @ts-expect-error the shorthand takes the target or its key
  select(OrderLine).where({ product: 7 });
  // @ts-expect-error an object of another entity whose key has the same name and type (Tag.id, Category.id)
  select(Product).where((p) => p.category.eq(tag));
  // @ts-expect-error and in insert rows
  insert(Product).values({ sku: 'S', name: 'x', category: tag, details: null });
  // @ts-expect-error a collection is not comparable: join it or use exists()
  select(Product).where((p) => p.tags.eq(tag));
  use(select(Product).join((p) => p.tags).where((p, t) => t.label.eq('red')));
  // @ts-expect-error a reference to another entity
  select(Order, OrderLine).join((o) => o.lines).where((o, l) => o.customer.eq(l));
}

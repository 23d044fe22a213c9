// A vitest test file as an application writes one: each test inside a transaction rolled back after it.
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest';
import { createEngine, joinedLoad, select } from '@strata/core';
import { testTransaction, type TestTransaction } from '@strata/core/testing';
import '@strata/sqlite';
import '@strata/postgres';
import { Author, Book } from '../src/entities';

const engine = createEngine(process.env.DATABASE_URL!);
let tx: TestTransaction;

beforeEach(async () => {
  tx = await testTransaction(engine);
});
afterEach(async () => {
  await tx.rollback();
});
afterAll(async () => {
  await engine.dispose();
});

test('a committed author with books reads back with a joined load inside the test transaction', async () => {
  await tx.Session.run(async (s) => {
    s.add(Object.assign(new Author(), { name: 'Butler', books: [Object.assign(new Book(), { title: 'Kindred', pages: 264 })] }));
  });
  const author = await tx.Session.run((s) => s.scalar(select(Author).where({ name: 'Butler' }).options(joinedLoad(Author, 'books'))));
  expect(author?.books.map((b) => b.title)).toEqual(['Kindred']);
});

test('what the previous test committed was rolled back', async () => {
  const count = await tx.Session.run((s) => s.scalars(select(Author).where({ name: 'Butler' })));
  expect(count).toEqual([]);
});

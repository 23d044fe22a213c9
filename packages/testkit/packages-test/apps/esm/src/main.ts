// The mini app: a flush by cascade, a joined load, a default (eager) load; prints what it read.
import { createEngine, deleteFrom, joinedLoad, select, sessionMaker } from '@strata/core';
import '@strata/sqlite';
import '@strata/postgres';
import { Author, Book } from './entities.js';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: main <database url>');
  const engine = createEngine(url);
  const Session = sessionMaker({ bind: engine });
  await Session.run(async (s) => {
    await s.execute(deleteFrom(Book).all());
    await s.execute(deleteFrom(Author).all());
  });
  await Session.run(async (s) => {
    const books = [Object.assign(new Book(), { title: 'The Dispossessed', pages: 387 }), Object.assign(new Book(), { title: 'Earthsea', pages: 205 })];
    s.add(Object.assign(new Author(), { name: 'Le Guin', books }));
  });
  const seen = await Session.run(async (s) => {
    const [author] = await s.scalars(select(Author).options(joinedLoad(Author, 'books')));
    const book = await s.scalar(select(Book).where({ title: 'Earthsea' }));
    return { author: author?.name, books: author?.books.map((b) => [b.title, b.pages]), bookAuthor: book?.author.name };
  });
  await engine.dispose();
  console.log(JSON.stringify(seen));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

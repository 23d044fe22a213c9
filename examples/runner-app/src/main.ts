/*
 * The runner check: makes the schema on an SQLite file (the first argument), saves an author
 * with books by cascade in one flush, reads them back with a joined load and a default
 * load, and prints one JSON line of what it saw.
 */
import { createEngine, MetaData, select, selectinLoad, sessionMaker } from '@strata/core';
import '@strata/sqlite';
import { Author, Book } from './entities';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: main <sqlite file>');
  const engine = createEngine(`sqlite:///${file}`);
  const md = new MetaData([Author, Book]);
  await md.dropAll(engine, { checkFirst: true });
  await md.createAll(engine);
  const Session = sessionMaker({ bind: engine, registry: md });
  await Session.run(async (s) => {
    const author = Object.assign(new Author(), { name: 'Le Guin', books: [Object.assign(new Book(), { title: 'The Dispossessed' }), Object.assign(new Book(), { title: 'Earthsea' })] });
    s.add(author);
  });
  const seen = await Session.run(async (s) => {
    const [author] = await s.scalars(select(Author).options(selectinLoad(Author, 'books')));
    const [book] = await s.scalars(select(Book).where({ title: 'Earthsea' }));
    return { author: author?.name, books: author?.books.map((b) => b.title), bookAuthor: book?.author.name };
  });
  await engine.dispose();
  console.log(JSON.stringify(seen));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

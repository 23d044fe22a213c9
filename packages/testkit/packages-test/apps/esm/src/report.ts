// A script without decorators, so Node's own type stripping can run it (node report.ts on
// Node 22.18+ / 23.6+): it counts what the app wrote, through a SQL expression.
import { createEngine, sql } from '@strata/core';
import '@strata/postgres';

const url = process.argv[2];
if (!url) throw new Error('usage: report <database url>');
const engine = createEngine(url);
const result = await engine.execute(sql`SELECT count(*) AS books FROM pk_book`);
await engine.dispose();
console.log(JSON.stringify({ books: Number(result.rows[0]!.books) }));

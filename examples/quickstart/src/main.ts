/*
 * Strata's quickstart on embedded SQLite: an engine with its pool, bound parameters,
 * a transaction with a savepoint, and a streamed query, with every statement echoed.
 * Run it with `npm run quickstart` from the repository root; no server is needed.
 */
import { createEngine, IntegrityError, sql } from '@strata/core';
import '@strata/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function main(): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'strata-quickstart-')), 'app.db');
  const engine = createEngine(`sqlite:///${file}`, { echo: true });

  await engine.execute(`
    CREATE TABLE users (
      id integer primary key autoincrement,
      name varchar(100) NOT NULL,
      email varchar(200) NOT NULL UNIQUE
    )`);

  // Every interpolated value is a bound parameter, never text pasted into SQL.
  await engine.transaction(async (conn) => {
    for (const [name, email] of [['Ann', 'ann@example.com'], ['Bo', 'bo@example.com']]) {
      await conn.execute(sql`INSERT INTO users (name, email) VALUES (${name}, ${email})`);
    }
    const sp = await conn.savepoint();
    await conn.execute(sql`INSERT INTO users (name, email) VALUES (${'Cy'}, ${'cy@example.com'})`);
    await sp.rollback(); // Cy never happened; Ann and Bo commit.
  });

  try {
    await engine.execute(sql`INSERT INTO users (name, email) VALUES (${'Ann again'}, ${'ann@example.com'})`);
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    console.log(`\nRefused as expected: IntegrityError on ${error.constraint}\n`);
  }

  const conn = await engine.connect();
  try {
    for await (const user of conn.stream<{ id: number; name: string }>(sql`SELECT id, name FROM users ORDER BY name`)) {
      console.log(`user ${user.id}: ${user.name}`);
    }
  } finally {
    await conn.close();
  }

  console.log('\npool:', engine.status());
  await engine.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

/*
 * Run by the types suite in a child process with its own TZ: writes or reads one
 * timestamptz through the dialect's codec and prints what it saw as JSON, so the suite
 * can prove the stored instant does not depend on the writer's or reader's time zone.
 * Arguments: <dialect package> <url> <write|read> <id>.
 */
import { Column, createEngine, Entity, EntityRegistry, PrimaryColumn, sql } from '@strata/core';

@Entity('typ_values')
class TzRow {
  @PrimaryColumn() id!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
}

async function main(): Promise<void> {
  const [dialectPackage, url, mode, idText] = process.argv.slice(-4) as [string, string, string, string];
  require(`@strata/${dialectPackage}`);
  const column = new EntityRegistry([TzRow]).entity(TzRow).column('at')!;
  const engine = createEngine(url, { poolSize: 1 });
  try {
    const codec = engine.dialect.types.codec(column);
    const id = Number(idText);
    if (mode === 'write') {
      // 08:34:56.789 on 1 July 2024 on this process's clock; in New York that is 12:34:56.789Z.
      const at = new Date(2024, 6, 1, 8, 34, 56, 789);
      await engine.execute(sql`INSERT INTO ${sql.id('typ_values')} (${sql.id('id')}, ${sql.id('at')}) VALUES (${id}, ${codec.toDriver(at)})`);
      print({ iso: at.toISOString(), offset: at.getTimezoneOffset() });
    } else {
      const raw = (await engine.execute(sql`SELECT ${sql.id('at')} AS v FROM ${sql.id('typ_values')} WHERE ${sql.id('id')} = ${id}`)).rows[0]?.v;
      const at = codec.fromDriver(raw) as Date;
      print({ iso: at.toISOString(), offset: at.getTimezoneOffset() });
    }
  } finally {
    await engine.dispose();
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

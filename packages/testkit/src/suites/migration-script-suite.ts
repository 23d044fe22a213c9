/*
 * `strata upgrade --sql` and `downgrade --sql` as a DBA uses them: the script is fed to the
 * database's own client (psql, mariadb, sqlite3) and must build exactly the schema that
 * `strata upgrade` builds, with nothing but the script on stdout. The revisions make SQLite
 * rebuild tables (a foreign key closing a cycle, altered and dropped columns), which the
 * script must do from the schema it has built itself, since it ran nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, introspect, sql, type Engine } from '@strata/core';
import { strata, type CliRun } from '../cli-runner';
import { scratchDatabase, type ScratchDatabase } from '../scratch-database';
import { runWithClient } from '../sql-clients';
import type { DialectName } from '../targets';

/** Spawned processes take a while; each test has this long. */
const TIMEOUT = 240_000;

const ENTITIES_V1 = `
import { Check, Column, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from '@strata/core';

@Entity('ms_person')
@Check('age >= 0')
export class MsPerson {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ type: 'integer', default: 0 }) age!: number;
  @Column({ type: 'text', nullable: true }) nickname!: string | null;
  @Column({ type: 'enum', enum: ['new', 'active'], default: 'new' }) status!: string;
  @ManyToOne(() => MsBall, undefined, { nullable: true }) favoriteBall!: MsBall | null;
}

@Entity('ms_ball')
@Index(['color'])
export class MsBall {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 20, unique: true }) color!: string;
  @ManyToOne(() => MsPerson, undefined, { nullable: true }) owner!: MsPerson | null;
}

export const entities = [MsPerson, MsBall];
`;

/** v2: a longer column, a column dropped, one added, an enum value added, a new table a foreign key of an existing table points to. */
const ENTITIES_V2 = ENTITIES_V1.replace('@Column({ length: 100 }) name!: string;', '@Column({ length: 200 }) name!: string;')
  .replace("@Column({ type: 'text', nullable: true }) nickname!: string | null;", "@Column({ type: 'integer', default: 0 }) score!: number;")
  .replace("enum: ['new', 'active']", "enum: ['new', 'active', 'archived']")
  .replace(
    '@ManyToOne(() => MsBall, undefined, { nullable: true }) favoriteBall!: MsBall | null;',
    '@ManyToOne(() => MsBall, undefined, { nullable: true }) favoriteBall!: MsBall | null;\n  @ManyToOne(() => MsTeam, undefined, { nullable: true, onDelete: \'SET NULL\' }) team!: MsTeam | null;',
  )
  .replace(
    'export const entities = [MsPerson, MsBall];',
    `@Entity('ms_team')
export class MsTeam {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) title!: string;
}

export const entities = [MsPerson, MsBall, MsTeam];`,
  );

const CONFIG = `
import { defineConfig } from '@strata/cli';
import { entities } from './src/entities';

export default defineConfig({ entities, migrations: 'migrations', versionTable: 'ms_strata_version' });
`;

/** What a progress or warning line starts with; none may reach stdout under --sql. */
const PROGRESS = /^(✓|Warning:|Applied|Undid|Upgraded|Downgraded|Nothing|Wrote|Waiting| {4}\S)/m;

/** Registers the offline-script suite for one dialect. */
export function migrationScriptSuite(dialect: DialectName): void {
  describe(`${dialect}: upgrade --sql writes a script the database's own client runs`, () => {
    let database: ScratchDatabase;
    let engine: Engine;

    beforeEach(async () => {
      database = await scratchDatabase(dialect, 'script');
      engine = createEngine(database.url, { poolSize: 1 });
    });

    afterEach(async () => {
      await engine.dispose();
      await database.drop();
    });

    /** A project whose two revisions were generated on a SQLite file of their own, so this dialect's database starts empty. */
    const project = async (): Promise<{ dir: string; first: string }> => {
      const dir = mkdtempSync(join(tmpdir(), `strata-script-${dialect}-`));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_V1);
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      const laptop = `sqlite:///${join(dir, 'laptop.db')}`;
      const first = await ok(dir, laptop, ['revision', '--autogenerate', '-m', 'people and balls']);
      await ok(dir, laptop, ['upgrade', 'head']);
      writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_V2);
      await ok(dir, laptop, ['revision', '--autogenerate', '-m', 'teams']);
      return { dir, first: /revision ([0-9a-f]{12})/.exec(first.out)![1]! };
    };
    const ok = async (dir: string, url: string, args: string[]): Promise<CliRun> => {
      const run = await strata(dir, url, args);
      expect({ args, status: run.status, err: args.includes('--sql') ? '' : run.err }).toEqual({ args, status: 0, err: '' });
      return run;
    };
    const feed = async (script: string) => {
      const run = await runWithClient(dialect, database.url, script);
      expect({ status: run.status, err: run.err }).toEqual({ status: 0, err: expect.not.stringMatching(/ERROR|Error:/) });
    };
    /** The tables and enum types the revisions made, as the database reports them. */
    const schema = async () => {
      const live = await introspect(engine);
      return {
        tables: live.tables.filter((t) => t.name.startsWith('ms_')).sort((a, b) => (a.name < b.name ? -1 : 1)),
        enums: live.enums.filter((e) => e.name.startsWith('ms_')),
      };
    };
    const tableNames = async () => (await schema()).tables.map((t) => t.name);

    test(
      'upgrade head --sql on an empty database prints only a script, which the client runs into the schema upgrade head makes; downgrade base --sql undoes it',
      async () => {
        const { dir } = await project();
        const script = await ok(dir, database.url, ['upgrade', 'head', '--sql']);
        // Nothing ran: the script is all there is.
        expect(await tableNames()).toEqual([]);
        expect(script.out).not.toMatch(PROGRESS);
        expect(script.out).not.toMatch(/Applied|Undid/);
        expect(script.err).toMatch(/✓ Wrote [0-9a-f]{12} people and balls[\s\S]*✓ Wrote [0-9a-f]{12} teams/);
        expect(script.err).toMatch(/Warning: [0-9a-f]{12} teams: drops column ms_person\.nickname and its values/);
        expect(script.err).toMatch(/nothing was run/);
        expect(script.out).toMatch(/^-- WARNING: drops column ms_person\.nickname and its values/m);
        // Where DDL is transactional each revision, its version-table row included, is one transaction.
        const transactions = [...script.out.matchAll(/^BEGIN;\n([\s\S]*?)^COMMIT;$/gm)].map((m) => m[1]!);
        if (engine.dialect.ddl.features.transactionalDdl) {
          expect(transactions).toHaveLength(2);
          for (const body of transactions) expect(body).toMatch(/INSERT INTO .ms_strata_version./);
        } else expect(transactions).toEqual([]);

        await feed(script.out);
        expect((await ok(dir, database.url, ['check'])).out).toMatch(/The database matches the entities/);
        expect((await ok(dir, database.url, ['current'])).out).toMatch(/teams \(head\)/);
        const scripted = await schema();
        expect(scripted.tables.map((t) => t.name)).toEqual(['ms_ball', 'ms_person', 'ms_strata_version', 'ms_team']);

        const undo = await ok(dir, database.url, ['downgrade', 'base', '--sql']);
        expect(undo.out).not.toMatch(PROGRESS);
        expect(await tableNames()).toHaveLength(4);
        await feed(undo.out);
        expect(await schema()).toEqual({ tables: [expect.objectContaining({ name: 'ms_strata_version' })], enums: [] });

        // The same revisions run by strata itself make the same schema.
        await engine.execute(sql`DROP TABLE ${sql.id('ms_strata_version')}`);
        await ok(dir, database.url, ['upgrade', 'head']);
        expect(await schema()).toEqual(scripted);
      },
      TIMEOUT,
    );

    test(
      'upgrade --sql on a database at an earlier revision starts from its tables: the script rebuilds and alters what the database has',
      async () => {
        const { dir, first } = await project();
        await ok(dir, database.url, ['upgrade', first]);
        await engine.execute(sql`INSERT INTO ${sql.id('ms_person')} (${sql.id('name')}) VALUES (${'ann'})`);
        const script = await ok(dir, database.url, ['upgrade', 'head', '--sql']);
        expect(script.out).not.toMatch(PROGRESS);
        expect(script.out).not.toMatch(/CREATE TABLE .ms_strata_version./);
        expect(script.err.match(/✓ Wrote/g)).toHaveLength(1);
        await feed(script.out);
        expect((await ok(dir, database.url, ['check'])).out).toMatch(/The database matches the entities/);
        const rows = (await engine.execute(sql`SELECT ${sql.id('name')} AS name, ${sql.id('score')} AS score FROM ${sql.id('ms_person')}`)).rows;
        expect(rows.map((r) => ({ name: r.name, score: Number(r.score) }))).toEqual([{ name: 'ann', score: 0 }]);
      },
      TIMEOUT,
    );
  });
}

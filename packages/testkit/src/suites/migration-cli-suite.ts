/*
 * The `strata` CLI driven as a user drives it: a spawned process in a temporary project,
 * against the real database of the dialect. init, autogenerate, upgrade, check, changed
 * entities, downgrade to base and back up with rows kept; bad input; two deploys at once;
 * the project's tsconfig.json; an enum value added again after its downgrade; the lock of
 * one database leaving the server's other databases alone.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine, introspect, sql, type Engine } from '@strata/core';
import { strata } from '../cli-runner';
import { scratchDatabase } from '../scratch-database';
import { testUrl, type DialectName } from '../targets';

/** Spawned processes take a while; each test has this long. */
const TIMEOUT = 180_000;

const ENTITIES_V1 = `
import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

@Entity('mc_user')
export class McUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @OneToMany(() => McPost, 'author') posts!: McPost[];
}

@Entity('mc_post')
export class McPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 200 }) title!: string;
  @ManyToOne(() => McUser, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: McUser;
}

@Entity('mc_tag')
export class McTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
}

export const entities = [McUser, McPost, McTag];
`;

/** v2: a column added (nullable) and one with a server default, an index, nullability changed, an FK added, a table dropped. */
const ENTITIES_V2 = `
import { Column, Entity, Index, ManyToOne, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

@Entity('mc_user')
@Index(['name'])
export class McUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ type: 'text', nullable: true }) bio!: string | null;
  @Column({ length: 50, serverDefault: 'member' }) role!: string;
  @OneToMany(() => McPost, 'author') posts!: McPost[];
}

@Entity('mc_post')
export class McPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 200, nullable: true }) title!: string | null; // strict records 'string | null' as Object
  @ManyToOne(() => McUser, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: McUser;
  @ManyToOne(() => McUser, undefined, { nullable: true, onDelete: 'SET NULL' }) editor!: McUser | null;
}

export const entities = [McUser, McPost];
`;

const CONFIG = `
import { defineConfig } from '@strata/cli';
import { entities } from './src/entities';

export default defineConfig({ url: 'sqlite:///unused.db', entities, migrations: 'migrations', versionTable: 'mc_strata_version' });
`;

/** Two entities in one file, each using the other in a property type, the first before the second is declared. */
const ENTITIES_CYCLE = `
import { Entity, ManyToOne, PrimaryGeneratedColumn } from '@strata/core';

@Entity('mc_person')
export class McPerson {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => McBall, undefined, { nullable: true }) favoriteBall!: McBall | null;
}

@Entity('mc_ball')
export class McBall {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => McPerson, undefined, { nullable: true }) owner!: McPerson | null;
}

export const entities = [McPerson, McBall];
`;

/** An enum column, whose values v2 extends. */
const ENTITIES_ENUM = `
import { Column, Entity, PrimaryGeneratedColumn } from '@strata/core';

@Entity('mc_order')
export class McOrder {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'enum', enum: ['new', 'paid'], default: 'new' }) status!: string;
}

export const entities = [McOrder];
`;

/** Tables the tests make, children first; the cycle's keys are dropped with the tables. */
const TABLES = ['mc_post', 'mc_tag', 'mc_user', 'mc_strata_version', 'mc_bad', 'mc_half', 'mc_person', 'mc_ball', 'mc_order'];

/** Registers the migration CLI suite for one dialect. */
export function migrationCliSuite(dialect: DialectName): void {
  describe(`${dialect}: the strata CLI (spawned processes)`, () => {
    let url: string;
    let engine: Engine;
    const dropAll = async () => {
      const ddl = engine.dialect.ddl;
      const conn = await engine.connect();
      try {
        for (const statement of ddl.beforeDropAll()) await conn.execute(statement);
        for (const table of TABLES) await conn.execute(ddl.dropTable(table, true));
        if (ddl.features.nativeEnums) await conn.execute(ddl.dropEnum('mc_order_status_enum', true));
      } finally {
        for (const statement of ddl.afterDropAll()) await conn.execute(statement).catch(() => undefined);
        await conn.close();
      }
    };
    const project = (entities = ENTITIES_V1): string => {
      const dir = mkdtempSync(join(tmpdir(), `strata-cli-${dialect}-`));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'entities.ts'), entities);
      return dir;
    };
    const tables = async () => (await introspect(engine)).tables.map((t) => t.name).filter((n) => n.startsWith('mc_')).sort();

    beforeAll(async () => {
      url = dialect === 'sqlite' ? `sqlite:///${join(mkdtempSync(join(tmpdir(), 'strata-cli-db-')), 'app.db')}` : testUrl(dialect);
      engine = createEngine(url, { poolSize: 2 });
    });

    beforeEach(dropAll);

    afterAll(async () => {
      await dropAll();
      await engine.dispose();
    });

    test('init, autogenerate, upgrade, check; changed entities autogenerate, upgrade with rows kept; downgrade base; upgrade head', async () => {
      const dir = project();
      const init = await strata(dir, url, ['init']);
      expect(init.status).toBe(0);
      expect(init.out).toMatch(/Created strata\.config\.ts/);
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);

      const first = await strata(dir, url, ['revision', '--autogenerate', '-m', 'initial schema']);
      expect(first.err).toBe('');
      expect(first.status).toBe(0);
      expect(first.out).toMatch(/create table mc_user/);
      expect((await strata(dir, url, ['upgrade', 'head'])).status).toBe(0);
      expect(await tables()).toEqual(['mc_post', 'mc_strata_version', 'mc_tag', 'mc_user']);
      const clean = await strata(dir, url, ['check']);
      expect(clean.out).toMatch(/matches the entities/);
      expect(clean.status).toBe(0);

      await engine.execute(sql`INSERT INTO mc_user (name) VALUES (${'ann'}), (${'bob'})`);
      writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_V2);
      const drift = await strata(dir, url, ['check']);
      expect(drift.status).toBe(1);
      expect(drift.out).toMatch(/add column mc_user\.bio/);
      expect(drift.out).toMatch(/drop table mc_tag/);

      const second = await strata(dir, url, ['revision', '--autogenerate', '-m', 'profile fields']);
      expect(second.status).toBe(0);
      for (const change of ['add column mc_user.bio', 'add column mc_user.role', 'create index ix_mc_user_name', 'alter column mc_post.title', 'add foreign key fk_mc_post_editor_id_mc_user', 'drop table mc_tag']) {
        expect(second.out).toContain(change);
      }
      const file = readdirSync(join(dir, 'migrations')).find((f) => f.includes('profile_fields'))!;
      const text = readFileSync(join(dir, 'migrations', file), 'utf8');
      expect(text).toMatch(/WARNING: drops table mc_tag and its rows/);
      expect(text).toMatch(/await op\.dropTable\('mc_tag'\)/);

      const upgraded = await strata(dir, url, ['upgrade']);
      expect(upgraded.err).toBe('');
      expect(upgraded.status).toBe(0);
      expect(upgraded.out).toMatch(/Warning: .*drops table mc_tag/);
      expect(upgraded.out).toMatch(/Applied [0-9a-f]{12} profile fields \(\d/);
      expect((await strata(dir, url, ['check'])).status).toBe(0);
      expect((await strata(dir, url, ['revision', '--autogenerate', '-m', 'nothing'])).out).toMatch(/No changes/);
      const rows = (await engine.execute(sql`SELECT name, bio, role FROM mc_user ORDER BY name`)).rows;
      expect(rows).toEqual([
        { name: 'ann', bio: null, role: 'member' },
        { name: 'bob', bio: null, role: 'member' },
      ]);

      const current = await strata(dir, url, ['current']);
      expect(current.out).toMatch(/profile fields \(head\)/);
      const history = await strata(dir, url, ['history']);
      expect(history.out.trim().split('\n')).toHaveLength(2);

      const down = await strata(dir, url, ['downgrade', 'base']);
      expect(down.status).toBe(0);
      expect(await tables()).toEqual(['mc_strata_version']);
      const up = await strata(dir, url, ['upgrade', 'head']);
      expect(up.status).toBe(0);
      expect(await tables()).toEqual(['mc_post', 'mc_strata_version', 'mc_user']);
      expect((await strata(dir, url, ['check'])).status).toBe(0);
      const step = await strata(dir, url, ['downgrade', '-1']);
      expect(step.out).toMatch(/Undid [0-9a-f]{12} profile fields/);
      expect(step.out).toMatch(/ {4}drop foreign key fk_mc_post_editor_id_mc_user on mc_post \(\d/);
      expect(await tables()).toEqual(['mc_post', 'mc_strata_version', 'mc_tag', 'mc_user']);
      // stamp records a revision without running it.
      expect((await strata(dir, url, ['stamp', 'head'])).status).toBe(0);
      expect((await strata(dir, url, ['current'])).out).toMatch(/profile fields \(head\)/);
      expect((await strata(dir, url, ['check'])).status).toBe(1);
    }, TIMEOUT);

    test('bad input: no URL, a file that does not compile, a missing parent, two heads, a database ahead of the files', async () => {
      const dir = project();
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG.replace("url: 'sqlite:///unused.db', ", ''));
      mkdirSync(join(dir, 'migrations'));
      const noUrl = await strata(dir, '', ['current']);
      expect(noUrl.status).toBe(1);
      expect(noUrl.err).toMatch(/No database URL: set url in .*strata\.config\.ts or the DATABASE_URL/);
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);

      const revision = (id: string, parents: string[], body: string) =>
        `import type { Operations } from '@strata/cli';\nexport const revision = '${id}';\nexport const parents: string[] = ${JSON.stringify(parents)};\nexport const message = 'm ${id}';\nexport async function up(op: Operations) { ${body} }\nexport async function down(op: Operations) { void op; }\n`;
      writeFileSync(join(dir, 'migrations', '001_a.ts'), revision('aaaaaaaaaaaa', [], "await op.createTable({ name: 'mc_bad', columns: [{ name: 'id', type: 'integer', nullable: false }], primaryKey: ['id'] });"));
      writeFileSync(join(dir, 'migrations', '002_b.ts'), revision('bbbbbbbbbbbb', ['aaaaaaaaaaaa'], 'void op; const x = ;'));
      const broken = await strata(dir, url, ['upgrade', 'head']);
      expect(broken.status).toBe(1);
      expect(broken.err).toMatch(/002_b\.ts does not compile/);
      expect(await tables()).toEqual([]);

      writeFileSync(join(dir, 'migrations', '002_b.ts'), revision('bbbbbbbbbbbb', ['ffffffffffff'], 'void op;'));
      const orphan = await strata(dir, url, ['upgrade', 'head']);
      expect(orphan.status).toBe(1);
      expect(orphan.err).toMatch(/names parent revision ffffffffffff, which no migration file has/);

      writeFileSync(join(dir, 'migrations', '002_b.ts'), revision('bbbbbbbbbbbb', ['aaaaaaaaaaaa'], 'void op;'));
      writeFileSync(join(dir, 'migrations', '003_c.ts'), revision('cccccccccccc', ['aaaaaaaaaaaa'], 'void op;'));
      const forked = await strata(dir, url, ['upgrade', 'head']);
      expect(forked.status).toBe(1);
      expect(forked.err).toMatch(/2 heads .*revision --merge/);
      const merged = await strata(dir, url, ['revision', '--merge', '-m', 'join branches']);
      expect(merged.status).toBe(0);
      const up = await strata(dir, url, ['upgrade', 'head']);
      expect(up.status).toBe(0);
      expect(up.out.match(/Applied/g)).toHaveLength(4);

      await engine.execute(sql`INSERT INTO mc_strata_version (revision, parents, message, state, steps_done, applied_at) VALUES (${'dddddddddddd'}, ${''}, ${'x'}, ${'applied'}, ${0}, ${'now'})`);
      const ahead = await strata(dir, url, ['upgrade', 'head']);
      expect(ahead.status).toBe(1);
      expect(ahead.err).toMatch(/dddddddddddd that no migration file here has: it is ahead of these files/);
    }, TIMEOUT);

    test('a revision that fails half-way leaves nothing of it behind where DDL is transactional, and says what ran on MySQL', async () => {
      const dir = project();
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(
        join(dir, 'migrations', '001_half.ts'),
        `import type { Operations } from '@strata/cli';
export const revision = 'a1a1a1a1a1a1';
export const parents: string[] = [];
export const message = 'fails half-way';
export async function up(op: Operations) {
  await op.createTable({ name: 'mc_half', columns: [{ name: 'id', type: 'integer', nullable: false }], primaryKey: ['id'] });
  await op.execute('SELECT * FROM mc_no_such_table');
}
export async function down(op: Operations) { await op.dropTable('mc_half'); }
`,
      );
      const failed = await strata(dir, url, ['upgrade', 'head']);
      expect(failed.status).toBe(1);
      expect(failed.err).toMatch(/Revision a1a1a1a1a1a1 \(fails half-way\) failed at (step 2, )?execute SELECT \* FROM mc_no_such_table/);
      if (dialect === 'mysql') {
        expect(failed.err).toMatch(/Steps already applied[\s\S]*1\. create table mc_half/);
        expect(await tables()).toContain('mc_half');
        expect((await strata(dir, url, ['current'])).out).toMatch(/PARTIALLY applied/);
      } else {
        expect(failed.err).toMatch(/rolled back: nothing of it was applied/);
        expect(await tables()).toEqual(['mc_strata_version']);
      }
    }, TIMEOUT);

    test('two upgrades started together: one waits for the other, and the schema is applied once', async () => {
      const dir = project();
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      const slow = dialect === 'postgresql' ? 'SELECT pg_sleep(1)' : dialect === 'mysql' ? 'DO SLEEP(1)' : undefined;
      const initial = await strata(dir, url, ['revision', '--autogenerate', '-m', 'initial']);
      expect(initial.err).toBe('');
      expect(initial.status).toBe(0);
      if (slow) {
        const file = readdirSync(join(dir, 'migrations'))[0]!;
        const path = join(dir, 'migrations', file);
        writeFileSync(path, readFileSync(path, 'utf8').replace('export async function up(op: Operations): Promise<void> {', `export async function up(op: Operations): Promise<void> {\n  await op.execute('${slow}');`));
      }
      const [a, b] = await Promise.all([strata(dir, url, ['upgrade', 'head']), strata(dir, url, ['upgrade', 'head'])]);
      expect([a.status, b.status]).toEqual([0, 0]);
      const outputs = [a.out, b.out];
      expect(outputs.filter((o) => /Applied [0-9a-f]{12} initial/.test(o))).toHaveLength(1);
      expect(outputs.filter((o) => /Nothing to apply/.test(o))).toHaveLength(1);
      const versions = (await engine.execute(sql`SELECT count(*) AS n FROM mc_strata_version`)).scalar();
      expect(Number(versions)).toBe(1);
    }, TIMEOUT);

    if (dialect !== 'sqlite') {
      test('while another process holds the migration lock, upgrade waits and gives up after --lock-timeout; --no-lock migrates anyway', async () => {
        const dir = project();
        writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
        expect((await strata(dir, url, ['revision', '--autogenerate', '-m', 'initial'])).status).toBe(0);
        const hooks = engine.dialect.migrations;
        const holder = await engine.connect();
        try {
          // The lock another strata process would hold while it migrates.
          expect(await hooks.tryLock(holder)).toBe(true);
          const waited = await strata(dir, url, ['upgrade', 'head', '--lock-timeout', '1']);
          expect(waited.status).not.toBe(0);
          expect(waited.err).toMatch(/held the migration lock/);
          const free = await strata(dir, url, ['upgrade', 'head', '--no-lock']);
          expect(free.status).toBe(0);
          expect(free.out).toMatch(/Applied [0-9a-f]{12} initial/);
        } finally {
          await hooks.unlock(holder);
          await holder.close();
        }
      }, TIMEOUT);
    }

    test('the migration lock held for one database does not hold up upgrade of another database on the server, and still holds up its own', async () => {
      const other = await scratchDatabase(dialect, 'lockb');
      const dir = project();
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      expect((await strata(dir, url, ['revision', '--autogenerate', '-m', 'initial'])).status).toBe(0);
      const hooks = engine.dialect.migrations;
      const holder = await engine.connect();
      try {
        // What a strata process migrating this database holds (SQLite: the run's write transaction).
        await hooks.beginRun?.(holder);
        expect(await hooks.tryLock(holder)).toBe(true);
        const elsewhere = await strata(dir, other.url, ['upgrade', 'head', '--lock-timeout', '5']);
        expect({ status: elsewhere.status, err: elsewhere.err }).toEqual({ status: 0, err: '' });
        expect(elsewhere.out).toMatch(/Applied [0-9a-f]{12} initial/);
        // SQLite waits for the write transaction as long as the URL's busy_timeout allows.
        const here = await strata(dir, dialect === 'sqlite' ? `${url}?busy_timeout=500` : url, ['upgrade', 'head', '--lock-timeout', '1']);
        expect(here.status).not.toBe(0);
        expect(here.out).not.toMatch(/Applied/);
      } finally {
        await hooks.unlock(holder);
        await hooks.endRun?.(holder, false);
        await holder.close();
        await other.drop();
      }
      expect(await tables()).toEqual([]);
    }, TIMEOUT);

    test("entities using a class in a nullable property type before its declaration load, whatever the project's tsconfig.json (extends followed) says; a non-null one is explained", async () => {
      const dir = project(ENTITIES_CYCLE.replace('favoriteBall!: McBall | null', 'favoriteBall!: McBall'));
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      // Options the loader must override to load the files (ES modules, bundler resolution, declarations), and strict off.
      const base = { compilerOptions: { target: 'ES2022', module: 'esnext', moduleResolution: 'bundler', declaration: true, experimentalDecorators: true, emitDecoratorMetadata: true, strict: false } };
      writeFileSync(join(dir, 'tsconfig.base.json'), JSON.stringify(base));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: './tsconfig.base.json', include: ['src'] }));
      const early = await strata(dir, url, ['revision', '--autogenerate', '-m', 'people']);
      expect(early.status).toBe(1);
      expect(early.err).toMatch(/Cannot access 'McBall' before initialization[\s\S]*Ref<McBall>[\s\S]*separate files/);

      writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_CYCLE);
      const generated = await strata(dir, url, ['revision', '--autogenerate', '-m', 'people']);
      expect({ status: generated.status, err: generated.err }).toEqual({ status: 0, err: '' });
      expect(generated.out).toMatch(/add foreign key fk_mc_(person|ball)_/);
      expect((await strata(dir, url, ['upgrade', 'head'])).status).toBe(0);
      expect(await tables()).toEqual(['mc_ball', 'mc_person', 'mc_strata_version']);
      expect((await strata(dir, url, ['check'])).out).toMatch(/matches the entities/);
    }, TIMEOUT);

    test('a revision that adds an enum value applies again after its own downgrade (the value stays where enums are types)', async () => {
      const dir = project(ENTITIES_ENUM);
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      expect((await strata(dir, url, ['revision', '--autogenerate', '-m', 'orders'])).status).toBe(0);
      expect((await strata(dir, url, ['upgrade', 'head'])).status).toBe(0);
      writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_ENUM.replace("['new', 'paid']", "['new', 'paid', 'cancelled']"));
      const added = await strata(dir, url, ['revision', '--autogenerate', '-m', 'cancelled orders']);
      expect(added.status).toBe(0);
      expect(added.out).toMatch(/cancelled/);
      for (const args of [['upgrade', 'head'], ['downgrade', '-1'], ['upgrade', 'head']]) {
        const run = await strata(dir, url, args);
        expect({ args, status: run.status, err: run.err }).toEqual({ args, status: 0, err: '' });
      }
      expect((await strata(dir, url, ['current'])).out).toMatch(/cancelled orders \(head\)/);
      expect((await strata(dir, url, ['check'])).out).toMatch(/matches the entities/);
      await engine.execute(sql`INSERT INTO ${sql.id('mc_order')} (${sql.id('status')}) VALUES (${'cancelled'})`);
    }, TIMEOUT);

    if (dialect === 'sqlite') {
      test('upgrade --sql writes the script without touching the database, and a generated file type-checks', async () => {
        const dir = project();
        writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
        const initial = await strata(dir, url, ['revision', '--autogenerate', '-m', 'initial']);
      expect(initial.err).toBe('');
      expect(initial.status).toBe(0);
        const script = await strata(dir, url, ['upgrade', 'head', '--sql']);
        expect(script.status).toBe(0);
        expect(script.out).toMatch(/CREATE TABLE "mc_user"/);
        expect(script.out).toMatch(/INSERT INTO "mc_strata_version"/);
        expect(await tables()).toEqual([]);
        // The generated file compiles against the real type declarations.
        const ts = require('typescript') as typeof import('typescript');
        const packages = resolve(__dirname, '../../..');
        const files = readdirSync(join(dir, 'migrations')).map((f) => join(dir, 'migrations', f));
        const program = ts.createProgram(files, {
          noEmit: true,
          strict: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.CommonJS,
          moduleResolution: ts.ModuleResolutionKind.Node10,
          experimentalDecorators: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [resolve(packages, '../node_modules/@types')],
          baseUrl: packages,
          paths: { '@strata/core/dialect': ['core/src/dialect'], '@strata/core/testing': ['core/src/testing'], '@strata/*': ['*/src'] },
        });
        const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        expect(diagnostics).toEqual([]);
      }, 120_000);
    }
  });
}

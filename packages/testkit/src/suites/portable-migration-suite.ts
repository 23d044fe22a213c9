/*
 * Migration files travel between dialects: a team autogenerates on SQLite on a laptop and
 * upgrades PostgreSQL or MariaDB in production. A revision generated on one dialect (entities
 * with every column type, enums, literal defaults, indexes, uniques, checks, foreign keys, a
 * many-to-many and a foreign-key cycle) must upgrade another, leave `strata check` nothing
 * to report, and downgrade to base leaving nothing behind, enum types included. Upgrade
 * warns of what the steps cost on the database it migrates, not on the one that generated the file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, introspect, sql, type Engine } from '@strata/core';
import { strata } from '../cli-runner';
import { testUrl, type DialectName } from '../targets';

/** Spawned processes take a while; each test has this long. */
const TIMEOUT = 240_000;

const ENTITIES_V1 = `
import { Check, Column, CreateDateColumn, Entity, Index, ManyToMany, ManyToOne, OneToMany, PrimaryGeneratedColumn, Unique, UpdateDateColumn, VersionColumn, sql } from '@strata/core';

export enum OrderStatus { New = 'new', Paid = 'paid', Shipped = 'shipped' }

@Entity({ name: 'pt_customer', comment: 'people who order' })
@Unique(['email', 'region'])
export class PtCustomer {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 120, index: true, comment: 'shown on invoices' }) name!: string;
  @Column({ length: 200 }) email!: string;
  @Column({ length: 20, default: 'eu' }) region!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @ManyToOne(() => PtCustomer, undefined, { nullable: true, onDelete: 'SET NULL' }) referrer!: PtCustomer | null;
  @OneToMany(() => PtOrder, 'customer') orders!: PtOrder[];
}

@Entity('pt_order')
@Index(['customer', 'placedAt'])
@Index(['status'], { where: "status <> 'new'" })
@Check('total >= 0')
export class PtOrder {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'enum', enum: OrderStatus, default: 'new' }) status!: OrderStatus;
  @Column({ type: 'integer', default: 0 }) quantity!: number;
  @Column({ type: 'smallint', default: 1 }) priority!: number;
  @Column({ type: 'bigint', default: 10n }) points!: bigint;
  @Column({ type: 'bigint', nullable: true, bigint: 'string' }) ref!: string | null;
  @Column({ type: 'numeric', precision: 12, scale: 2, default: '0.00' }) total!: string;
  @Column({ type: 'numeric', nullable: true }) exact!: string | null;
  @Column({ type: 'float', default: 1.5 }) weight!: number;
  @Column({ type: 'double', nullable: true }) ratio!: number | null;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ type: 'json', nullable: true }) extra!: unknown;
  @Column({ type: 'uuid', unique: true }) token!: string;
  @Column({ type: 'bytes', nullable: true }) blob!: Buffer | null;
  @Column({ type: 'date', default: '2024-01-31' }) due!: string;
  @Column({ type: 'timestamptz', serverDefault: sql\`CURRENT_TIMESTAMP\` }) placedAt!: Date;
  @Column({ type: 'timestamp', nullable: true }) localTime!: string | null;
  @Column({ type: 'timestamp', timeZone: 'Europe/Stockholm', nullable: true }) zoned!: Date | null;
  @CreateDateColumn() createdAt!: Date;
  @UpdateDateColumn() updatedAt!: Date;
  @VersionColumn() version!: number;
  @ManyToOne(() => PtCustomer, 'orders', { nullable: false, onDelete: 'CASCADE' }) customer!: PtCustomer;
  @ManyToMany(() => PtTag, 'orders', { joinTable: true }) tags!: PtTag[];
}

@Entity('pt_tag')
export class PtTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50, unique: true }) label!: string;
  @ManyToMany(() => PtOrder, 'tags') orders!: PtOrder[];
}

export const entities = [PtCustomer, PtOrder, PtTag];
`;

/** v2: enum values added, a new enum column, index: true on new columns, a changed default, two new tables in a foreign-key cycle. */
const ENTITIES_V2 = ENTITIES_V1.replace("Shipped = 'shipped' }", "Shipped = 'shipped', Cancelled = 'cancelled' }")
  .replace(
    "@Column({ length: 20, default: 'eu' }) region!: string;",
    "@Column({ length: 20, default: 'us' }) region!: string;\n  @Column({ type: 'enum', enum: ['basic', 'gold'], default: 'basic' }) tier!: string;\n  @Column({ type: 'integer', nullable: true, index: true }) score!: number | null;",
  )
  .replace("@Column({ length: 50, unique: true }) label!: string;", "@Column({ length: 50, unique: true }) label!: string;\n  @Column({ length: 30, index: true, default: 'plain' }) kind!: string;")
  .replace(
    'export const entities = [PtCustomer, PtOrder, PtTag];',
    `@Entity('pt_shelf')
export class PtShelf {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'enum', enum: ['wood', 'metal'], enumName: 'pt_material' }) material!: string;
  @ManyToOne(() => PtBook, undefined, { nullable: true }) topBook!: object | null;
}

@Entity('pt_book')
export class PtBook {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => PtShelf, undefined, { nullable: true }) shelf!: PtShelf | null;
}

export const entities = [PtCustomer, PtOrder, PtTag, PtShelf, PtBook];`,
  );

const CONFIG = `
import { defineConfig } from '@strata/cli';
import { entities } from './src/entities';

export default defineConfig({ url: 'sqlite:///unused.db', entities, migrations: 'migrations', versionTable: 'pt_strata_version' });
`;

/** Children before parents; the cycle's keys are dropped with CASCADE or with checks off. */
const TABLES = ['pt_order_pt_tag', 'pt_order', 'pt_tag', 'pt_customer', 'pt_shelf', 'pt_book', 'pt_strata_version'];
const ENUMS = ['pt_order_status_enum', 'pt_customer_tier_enum', 'pt_material'];

/** A new SQLite database file, for the side of a test that is not the dialect under test. */
function sqliteUrl(): string {
  return `sqlite:///${join(mkdtempSync(join(tmpdir(), 'strata-portable-')), 'app.db')}`;
}

/** Registers the portable-migration suite for one dialect: files generated on SQLite applied here, and the other way. */
export function portableMigrationSuite(dialect: DialectName): void {
  describe(`${dialect}: a migration file autogenerated on one dialect applies on another`, () => {
    let url: string;
    let engine: Engine;

    const project = (): string => {
      const dir = mkdtempSync(join(tmpdir(), `strata-portable-${dialect}-`));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_V1);
      writeFileSync(join(dir, 'strata.config.ts'), CONFIG);
      return dir;
    };
    const revisionText = (dir: string, slug: string): string => {
      const file = readdirSync(join(dir, 'migrations')).find((f) => f.endsWith(`${slug}.ts`))!;
      return readFileSync(join(dir, 'migrations', file), 'utf8');
    };
    const ok = async (dir: string, on: string, args: string[]) => {
      const run = await strata(dir, on, args);
      expect({ args, err: run.err, status: run.status }).toEqual({ args, err: '', status: 0 });
      return run;
    };
    const tables = async () => (await introspect(engine)).tables.map((t) => t.name).filter((n) => n.startsWith('pt_')).sort();
    const enums = async () => (await introspect(engine)).enums.map((e) => e.name).filter((n) => n.startsWith('pt_'));

    /** Drops what the revisions made: the worker database is shared with the schema checks of other suites. */
    const dropPortableSchema = async (): Promise<void> => {
      if (dialect === 'sqlite') return;
      const ddl = engine.dialect.ddl;
      const conn = await engine.connect();
      try {
        for (const statement of ddl.beforeDropAll()) await conn.execute(statement);
        for (const table of TABLES) await conn.execute(ddl.dropTable(table, true));
        if (ddl.features.nativeEnums) for (const name of ENUMS) await conn.execute(ddl.dropEnum(name, true));
        for (const statement of ddl.afterDropAll()) await conn.execute(statement);
      } finally {
        await conn.close();
      }
    };

    beforeEach(async () => {
      url = dialect === 'sqlite' ? sqliteUrl() : testUrl(dialect);
      engine = createEngine(url, { poolSize: 1 });
      await dropPortableSchema();
    });

    afterEach(async () => {
      try {
        await dropPortableSchema();
      } finally {
        await engine.dispose();
      }
    });

    test(
      `a revision autogenerated on SQLite upgrades ${dialect}: every column type, an enum, literal defaults, indexes, uniques, checks, foreign keys, a many-to-many; check finds nothing; downgrade base leaves nothing`,
      async () => {
        const dir = project();
        const laptop = sqliteUrl();
        await ok(dir, laptop, ['revision', '--autogenerate', '-m', 'initial']);
        const text = revisionText(dir, 'initial');
        const up = text.slice(text.indexOf('async function up'), text.indexOf('async function down'));
        const down = text.slice(text.indexOf('async function down'));
        expect(up.indexOf("op.createEnum('pt_order_status_enum', ['new', 'paid', 'shipped'])")).toBeGreaterThan(0);
        expect(up.indexOf('op.createEnum(')).toBeLessThan(up.indexOf('op.createTable('));
        expect(down.indexOf("op.dropEnum('pt_order_status_enum')")).toBeGreaterThan(down.lastIndexOf('op.dropTable('));
        expect(up).toContain("comment: 'shown on invoices'");
        expect(up).toContain("{ name: 'ix_pt_customer_name', columns: ['name'], unique: false }");

        await ok(dir, url, ['upgrade', 'head']);
        expect((await ok(dir, url, ['check'])).out).toMatch(/The database matches the entities/);
        expect(await enums()).toEqual(engine.dialect.ddl.features.nativeEnums ? ['pt_order_status_enum'] : []);
        // Server defaults came with the file: a row written with plain SQL gets them.
        await engine.execute(sql`INSERT INTO ${sql.id('pt_customer')} (${sql.id('name')}, ${sql.id('email')}) VALUES (${'ann'}, ${'a@x.io'})`);
        const row = (await engine.execute(sql`SELECT ${sql.id('region')} AS region, ${sql.id('active')} AS active FROM ${sql.id('pt_customer')}`)).rows[0]!;
        expect({ region: row.region, active: Number(row.active) }).toEqual({ region: 'eu', active: 1 });

        await ok(dir, url, ['downgrade', 'base']);
        expect(await tables()).toEqual(['pt_strata_version']);
        expect(await enums()).toEqual([]);
      },
      TIMEOUT,
    );

    test(
      `a second revision autogenerated on SQLite upgrades ${dialect} too (warning only of what ${dialect} does): enum values added, a new enum column, new indexed columns, a changed default, tables in a foreign-key cycle`,
      async () => {
        const dir = project();
        const laptop = sqliteUrl();
        await ok(dir, laptop, ['revision', '--autogenerate', '-m', 'initial']);
        await ok(dir, laptop, ['upgrade', 'head']);
        writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_V2);
        await ok(dir, laptop, ['revision', '--autogenerate', '-m', 'second']);
        const up = revisionText(dir, 'second').split('async function down')[0]!;
        expect(up).toContain("op.addEnumValues('pt_order_status_enum', ['cancelled'])");
        expect(up.indexOf("op.createEnum('pt_customer_tier_enum'")).toBeLessThan(up.indexOf("op.addColumn('pt_customer', { name: 'tier'"));
        // The key closing the cycle comes after both tables, where it can be added on any dialect.
        expect(up.indexOf("op.addForeignKey('pt_book'")).toBeGreaterThan(up.indexOf("name: 'pt_shelf'"));
        // The file keeps what SQLite noted, labelled as such.
        const text = revisionText(dir, 'second');
        expect(text).toMatch(/What 'strata revision' noted for SQLite, the database it compared/);
        expect(text).toContain("'rebuilds table pt_customer (SQLite cannot ALTER a column), copying its rows'");

        const upgraded = await ok(dir, url, ['upgrade', 'head']);
        // A rebuild is announced only where the table is rebuilt.
        if (engine.dialect.ddl.features.alterTable) expect(upgraded.out).not.toMatch(/rebuilds table/);
        else expect(upgraded.out).toMatch(/Warning: [0-9a-f]{12} second: rebuilds table pt_customer \(SQLite cannot ALTER a column\)/);
        expect((await ok(dir, url, ['check'])).out).toMatch(/The database matches the entities/);
        await engine.execute(sql`INSERT INTO ${sql.id('pt_customer')} (${sql.id('name')}, ${sql.id('email')}) VALUES (${'bob'}, ${'b@x.io'})`);
        const row = (await engine.execute(sql`SELECT ${sql.id('region')} AS region, ${sql.id('tier')} AS tier FROM ${sql.id('pt_customer')}`)).rows[0]!;
        expect(row).toEqual({ region: 'us', tier: 'basic' });

        await ok(dir, url, ['downgrade', 'base']);
        expect(await tables()).toEqual(['pt_strata_version']);
        expect(await enums()).toEqual([]);
      },
      TIMEOUT,
    );

    if (dialect !== 'sqlite') {
      test(
        `revisions autogenerated on ${dialect} upgrade SQLite, which warns of its own table rebuilds: check finds nothing, downgrade base leaves nothing`,
        async () => {
          const dir = project();
          await ok(dir, url, ['revision', '--autogenerate', '-m', 'initial']);
          await ok(dir, url, ['upgrade', 'head']);
          writeFileSync(join(dir, 'src', 'entities.ts'), ENTITIES_V2);
          await ok(dir, url, ['revision', '--autogenerate', '-m', 'second']);
          expect(revisionText(dir, 'second')).not.toMatch(/rebuilds table/);
          const laptop = sqliteUrl();
          const upgraded = await ok(dir, laptop, ['upgrade', 'head']);
          // Warnings are worked out for the database being migrated: SQLite rebuilds the table the file alters.
          expect(upgraded.out).toMatch(/Warning: [0-9a-f]{12} second: rebuilds table pt_customer \(SQLite cannot ALTER a column\)/);
          expect((await ok(dir, laptop, ['check'])).out).toMatch(/The database matches the entities/);
          await ok(dir, laptop, ['downgrade', 'base']);
          const other = createEngine(laptop);
          try {
            expect((await introspect(other)).tables.map((t) => t.name)).toEqual(['pt_strata_version']);
          } finally {
            await other.dispose();
          }
        },
        TIMEOUT,
      );
    }
  });
}

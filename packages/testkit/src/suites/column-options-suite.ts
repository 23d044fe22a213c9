/*
 * Column options that reach the database: `index: true` creates its index, a literal
 * `default` is also the column's server DEFAULT (so rows written with plain SQL get it,
 * and introspection reads it back as the model has it), and `insert().values()` fills
 * creation and update dates, the first version and JavaScript defaults as a flush does.
 */
import { randomUUID } from 'node:crypto';
import {
  Column,
  CreateDateColumn,
  createEngine,
  Entity,
  insert,
  introspect,
  MetaData,
  OptionalProps,
  PrimaryGeneratedColumn,
  select,
  sessionMaker,
  sql,
  UpdateDateColumn,
  VersionColumn,
  type Engine,
} from '@strata/core';
import {
  diffSchemas,
  normalizeSchema,
} from '@strata/core/dialect';
import { testUrl, type DialectName } from '../targets';

enum CoMood {
  Calm = 'calm',
  Angry = 'angry',
}

@Entity('co_defaults')
class CoDefaults {
  declare [OptionalProps]?: 'count' | 'small' | 'big' | 'price' | 'ratio' | 'delta' | 'flag' | 'active' | 'name' | 'body' | 'ref' | 'mood' | 'day' | 'token';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40 }) label!: string;
  @Column({ type: 'integer', default: 7 }) count!: number;
  @Column({ type: 'smallint', default: -2 }) small!: number;
  @Column({ type: 'bigint', default: 9007199254740993n }) big!: bigint;
  @Column({ type: 'numeric', precision: 10, scale: 2, default: '12.50' }) price!: string;
  @Column({ type: 'float', default: 0.5 }) ratio!: number;
  @Column({ type: 'double', default: -1.25 }) delta!: number;
  @Column({ type: 'boolean', default: false }) flag!: boolean;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ length: 20, default: "it's" }) name!: string;
  @Column({ type: 'text', default: 'long text' }) body!: string;
  @Column({ type: 'uuid', default: '00000000-0000-4000-8000-000000000000' }) ref!: string;
  @Column({ type: 'enum', enum: CoMood, default: CoMood.Calm }) mood!: CoMood;
  @Column({ type: 'date', default: '2024-02-29' }) day!: string;
  @Column({ type: 'integer', nullable: true, default: null }) maybe!: number | null;
  @Column({ length: 36, default: () => randomUUID() }) token!: string;
  @Column({ type: 'json', nullable: true, default: { a: 1 } }) extra!: unknown;
}

@Entity('co_indexed')
class CoIndexed {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40, index: true }) email!: string;
  @Column({ length: 40, index: true, unique: true }) handle!: string;
  @Column({ type: 'integer', index: true, name: 'rank_no' }) rank!: number;
}

@Entity('co_stamped')
class CoStamped {
  declare [OptionalProps]?: 'source' | 'level' | 'createdAt' | 'updatedAt' | 'version';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40 }) name!: string;
  @Column({ length: 20, default: () => 'from a function' }) source!: string;
  @Column({ type: 'integer', default: 3 }) level!: number;
  @CreateDateColumn() createdAt!: Date;
  @UpdateDateColumn() updatedAt!: Date;
  @VersionColumn() version!: number;
}

/** Registers the column options suite for one dialect. */
export function columnOptionsSuite(dialect: DialectName): void {
  describe(`${dialect}: column options in the schema (index: true, literal defaults, insert() defaults)`, () => {
    let engine: Engine;
    const md = new MetaData([CoDefaults, CoIndexed, CoStamped]);
    const tables = md.toSchema().tables.map((t) => t.name);

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('@Column({ index: true }) creates its index in the DDL and the database; unique: true needs none', async () => {
      expect(md.toSQL(engine)).toContain(`INDEX ${engine.dialect.ddl.quote('ix_co_indexed_email')} ON ${engine.dialect.ddl.quote('co_indexed')}`);
      const live = (await introspect(engine, { tables: ['co_indexed'] })).tables[0]!;
      expect(live.indexes.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique }))).toEqual([
        { name: 'ix_co_indexed_email', columns: ['email'], unique: false },
        { name: 'ix_co_indexed_rank_no', columns: ['rank_no'], unique: false },
      ]);
      expect(live.uniques.map((u) => u.name)).toEqual(['uq_co_indexed_handle']);
    });

    test('a literal default is the server DEFAULT: a row inserted with plain SQL gets every one of them', async () => {
      await engine.execute(sql`INSERT INTO ${sql.id('co_defaults')} (${sql.id('label')}, ${sql.id('token')}) VALUES (${'plain sql'}, ${'t-1'})`);
      const { rows } = await engine.execute(select(CoDefaults).where({ label: 'plain sql' }));
      expect(rows).toEqual([
        {
          id: expect.any(Number),
          label: 'plain sql',
          count: 7,
          small: -2,
          big: 9007199254740993n,
          price: '12.50',
          ratio: 0.5,
          delta: -1.25,
          flag: false,
          active: true,
          name: "it's",
          body: 'long text',
          ref: '00000000-0000-4000-8000-000000000000',
          mood: 'calm',
          day: '2024-02-29',
          maybe: null,
          token: 't-1',
          extra: null,
        },
      ]);
    });

    test('the server reads the literal defaults back as the model has them, so a diff right after createAll finds nothing', async () => {
      const ddl = engine.dialect.ddl;
      const live = await introspect(engine, { tables });
      expect(live).toEqual(normalizeSchema(md.toSchema(), ddl));
      expect(diffSchemas(live, normalizeSchema(md.toSchema(), ddl))).toEqual([]);
      const columns = new Map(live.tables.find((t) => t.name === 'co_defaults')!.columns.map((c) => [c.name, c.default]));
      expect(columns.get('count')).toEqual({ kind: 'literal', value: 7 });
      expect(columns.get('name')).toEqual({ kind: 'literal', value: "it's" });
    });

    test('function, object and null defaults stay in JavaScript: the columns have no server DEFAULT', async () => {
      const live = (await introspect(engine, { tables: ['co_defaults'] })).tables[0]!;
      const defaults = Object.fromEntries(live.columns.filter((c) => ['token', 'extra', 'maybe'].includes(c.name)).map((c) => [c.name, c.default]));
      expect(defaults).toEqual({ token: undefined, extra: undefined, maybe: undefined });
      await engine.execute(insert(CoDefaults).values({ label: 'builder' }));
      const [row] = (await engine.execute(select(CoDefaults).where({ label: 'builder' }))).rows;
      expect(row!.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row!.extra).toEqual({ a: 1 });
      expect(row!.maybe).toBeNull();
    });

    test('insert().values() fills creation and update dates, version 1 and JavaScript defaults in rows that leave them out, as a flush does', async () => {
      const before = Date.now();
      await engine.execute(insert(CoStamped).values([{ name: 'bare' }, { name: 'given', source: 'mine', level: 9, version: 5 }]));
      const Session = sessionMaker({ bind: engine });
      await Session.run(async (session) => {
        const flushed = new CoStamped();
        flushed.name = 'flushed';
        session.add(flushed);
      });
      const after = Date.now();
      const rows = (await engine.execute(select(CoStamped).orderBy((s) => s.id))).rows;
      expect(rows.map(({ name, source, level, version }) => ({ name, source, level, version }))).toEqual([
        { name: 'bare', source: 'from a function', level: 3, version: 1 },
        { name: 'given', source: 'mine', level: 9, version: 5 },
        { name: 'flushed', source: 'from a function', level: 3, version: 1 },
      ]);
      for (const row of rows) {
        expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
        expect(row.createdAt.getTime()).toBeLessThanOrEqual(after + 1);
        expect(row.updatedAt.getTime()).toBe(row.createdAt.getTime());
      }
    });
  });
}

/*
 * The schema conformance suite: createAll / dropAll (checkFirst, a foreign-key cycle with
 * rows, dependants that PostgreSQL's CASCADE clears), toSQL, rows through the created
 * schema, and the introspection round trip: what createAll made reads back as the model
 * the metadata describes, normalised for the dialect.
 */
import { randomUUID } from 'node:crypto';
import {
  Check,
  Column,
  createEngine,
  DatabaseError,
  Entity,
  IntegrityError,
  introspect,
  MetaData,
  PrimaryColumn,
  sql,
  type Engine,
  type SqlFragment,
} from '@strata/core';
import {
  createStatements,
  normalizeSchema,
} from '@strata/core/dialect';
import { recordStatements } from '../harness';
import { testUrl, type DialectName } from '../targets';
import { SCHEMA_ENTITIES, schemaMetaData, TRICKY_DEFAULT } from './schema-fixtures';

const DDL = /^\s*(create|alter|drop|comment)\b/i;

@Entity('sch_broken')
@Check('qty >>> nonsense', { name: 'ck_sch_broken' })
class SchBroken {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) qty!: number;
}

/** Registers the schema suite for one dialect. */
export function schemaSuite(dialect: DialectName): void {
  describe(`${dialect}: schema (createAll, dropAll, toSQL, introspection)`, () => {
    let engine: Engine;
    const md = schemaMetaData();
    const tables = md.toSchema().tables.map((t) => t.name);
    const enums = md.toSchema().enums.map((e) => e.name);

    const insert = (table: string, row: Record<string, unknown>) =>
      engine.execute(sql`INSERT INTO ${sql.id(table)} (${sql.join(Object.keys(row).map((k) => sql.id(k)))}) VALUES (${sql.join(Object.values(row))})`);
    const one = async (query: SqlFragment) => (await engine.execute(query)).rows[0]!;
    const roundTrip = async () => {
      const live = await introspect(engine, { tables });
      expect(live).toEqual(normalizeSchema(md.toSchema(), engine.dialect.ddl));
      return live;
    };

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      await engine.execute('DROP VIEW IF EXISTS sch_v_users');
      await engine.execute('DROP TABLE IF EXISTS sch_unmapped');
      await md.dropAll(engine, { checkFirst: true });
    });

    afterAll(async () => {
      await engine.execute('DROP VIEW IF EXISTS sch_v_users');
      await engine.execute('DROP TABLE IF EXISTS sch_unmapped');
      await md.dropAll(engine, { checkFirst: true });
      await new MetaData([SchBroken]).dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('toSQL returns the create and drop scripts, statements separated by ;\\n', async () => {
      await engine.initialize();
      const script = md.toSQL(engine);
      const statements = createStatements(md.toSchema(), engine.dialect.ddl);
      expect(script).toBe(`${statements.join(';\n')};\n`);
      for (const table of tables) expect(script).toContain(`CREATE TABLE ${engine.dialect.compiler.quoteIdentifier(table)} (`);
      const drop = md.toSQL(engine.dialect, { drop: true });
      for (const table of tables) expect(drop).toContain(`DROP TABLE ${engine.dialect.compiler.quoteIdentifier(table)}`);
    });

    test('createAll, then introspection gives back exactly the model built from the metadata', async () => {
      await md.createAll(engine);
      const live = await roundTrip();
      expect(live.tables.map((t) => t.name)).toEqual([...tables].sort());
      // The normaliser kept what matters: keys, the cycle, actions, defaults, the json and enum types.
      const users = live.tables.find((t) => t.name === 'sch_users')!;
      expect(users.columns.find((c) => c.name === 'motto')!.default).toEqual({ kind: 'literal', value: TRICKY_DEFAULT });
      expect(users.columns.find((c) => c.name === 'settings')!.type).toEqual({ name: 'json' });
      expect(users.columns.find((c) => c.name === 'status')!.type).toMatchObject({ name: 'enum', enumValues: ['draft', 'live', "it's"] });
      expect(users.columns.find((c) => c.name === 'id')!.autoIncrement).toBe(true);
      const teams = live.tables.find((t) => t.name === 'sch_teams')!;
      expect(teams.foreignKeys).toEqual([expect.objectContaining({ referencedTable: 'sch_players', onDelete: 'SET NULL' })]);
      const invoices = live.tables.find((t) => t.name === 'sch_invoices')!;
      expect(invoices.foreignKeys[0]).toMatchObject({ columns: ['account_tenant', 'account_code'], referencedColumns: ['tenant', 'code'] });
      const links = live.tables.find((t) => t.name === 'sch_post_tags')!;
      expect(links.foreignKeys.map((fk) => fk.onDelete)).toEqual(['CASCADE', 'CASCADE']);
      expect(live.tables.find((t) => t.name === 'sch_samples')!.checks.map((c) => c.name)).toEqual(['ck_sch_samples_kind', 'ck_sch_samples_qty']);
    });

    test('createAll with checkFirst on an existing schema runs no DDL; a missing table alone is made again', async () => {
      const { statements } = await recordStatements(engine, () => md.createAll(engine, { checkFirst: true }));
      expect(statements.filter((s) => DDL.test(s.sql))).toEqual([]);
      await engine.execute(sql`DROP TABLE ${sql.id('sch_samples')}`);
      const again = await recordStatements(engine, () => md.createAll(engine, { checkFirst: true }));
      const ddl = again.statements.filter((s) => DDL.test(s.sql)).map((s) => s.sql);
      expect(ddl.length).toBeGreaterThan(0);
      expect(ddl.every((s) => s.includes('sch_samples'))).toBe(true);
      await roundTrip();
    });

    test('rows go in through the created schema: defaults apply, keys and checks hold', async () => {
      await insert('sch_users', { email: 'ann@x.io', name: 'Ann' });
      const user = await one(sql`SELECT id, motto, status, active, created_at FROM sch_users WHERE email = ${'ann@x.io'}`);
      expect(user.motto).toBe(TRICKY_DEFAULT);
      expect(user.status).toBe('draft');
      expect(Number(user.active)).toBe(1);
      expect(user.created_at).not.toBeNull();
      await engine.execute(sql`UPDATE sch_users SET status = ${"it's"} WHERE id = ${user.id}`);
      await expect(engine.execute(sql`UPDATE sch_users SET status = ${'nope'} WHERE id = ${user.id}`)).rejects.toThrow(DatabaseError);
      await insert('sch_profiles', { user_id: user.id, bio: 'hi' });
      await expect(insert('sch_profiles', { user_id: user.id })).rejects.toThrow(IntegrityError);
      await insert('sch_posts', { author_id: user.id, title: 'First' });
      const post = await one(sql`SELECT id, price FROM sch_posts WHERE title = ${'First'}`);
      expect(Number(post.price)).toBe(0);
      const tag = randomUUID();
      await insert('sch_tags', { id: tag, label: 'news' });
      await insert('sch_post_tags', { sch_posts_id: post.id, sch_tags_id: tag });
      await insert('sch_accounts', { tenant: 't1', code: 'c1', label: 'main' });
      await insert('sch_invoices', { account_tenant: 't1', account_code: 'c1' });
      await expect(insert('sch_invoices', { account_tenant: 't1', account_code: 'nope' })).rejects.toThrow(IntegrityError);
      // The cycle: a team without a captain, its player, then the captain.
      await insert('sch_teams', { name: 'Reds' });
      const team = await one(sql`SELECT id FROM sch_teams WHERE name = ${'Reds'}`);
      await insert('sch_players', { name: 'Bo', team_id: team.id });
      const player = await one(sql`SELECT id, notes FROM sch_players WHERE name = ${'Bo'}`);
      expect(player.notes).toBe(TRICKY_DEFAULT);
      await engine.execute(sql`UPDATE sch_teams SET captain_id = ${player.id} WHERE id = ${team.id}`);
      await insert('sch_memberships', { user_id: user.id, team_id: team.id });
      expect((await one(sql`SELECT role FROM sch_memberships WHERE team_id = ${team.id}`)).role).toBe('member');
      await expect(insert('sch_players', { name: 'Ghost', team_id: 999_999 })).rejects.toThrow(IntegrityError);
      const sample = {
        id: randomUUID(), qty: 5, small: 1, big: 9_007_199_254_740_993n.toString(), exact: '12345678.1234', ratio: 0.5, precise: 0.1,
        flag: true, code: 'A-1', kind: 'a', body: 'text', doc: JSON.stringify({ a: [1, 2] }), letter: 'x', payload: Buffer.from([0, 255]),
        day: '2024-02-29', happened_at: '2024-01-01 00:00:00', local_at: '2024-01-01 12:00:00',
      };
      await insert('sch_samples', sample);
      expect(Number((await one(sql`SELECT negative FROM sch_samples WHERE id = ${sample.id}`)).negative)).toBe(-1);
      await expect(insert('sch_samples', { ...sample, id: randomUUID(), code: 'A-2', small: 2, qty: -1 })).rejects.toThrow(IntegrityError);
      await expect(insert('sch_samples', { ...sample, id: randomUUID(), code: 'A-1', small: 3 })).rejects.toThrow(IntegrityError);
    });

    test('dropAll drops the schema with rows in a foreign-key cycle, enum types included', async () => {
      expect(Number((await one(sql`SELECT count(*) AS n FROM sch_teams WHERE captain_id IS NOT NULL`)).n)).toBe(1);
      await md.dropAll(engine);
      const live = await introspect(engine);
      expect(live.tables.map((t) => t.name).filter((t) => tables.includes(t))).toEqual([]);
      expect(live.enums.map((e) => e.name).filter((e) => enums.includes(e))).toEqual([]);
    });

    test('dropAll with checkFirst on a missing schema does nothing; without it, it fails', async () => {
      const conn = await engine.connect();
      try {
        await md.dropAll(conn, { checkFirst: true });
        await expect(md.dropAll(conn)).rejects.toThrow(DatabaseError);
        // The connection's session settings were restored after the failure: foreign keys are enforced again.
        await md.createAll(conn);
        await expect(conn.execute(sql`INSERT INTO sch_players (name, team_id) VALUES (${'Ghost'}, ${424_242})`)).rejects.toThrow(IntegrityError);
        expect((await conn.execute(sql`SELECT notes FROM sch_players`)).rows).toEqual([]);
      } finally {
        await conn.close();
      }
    });

    test('dropAll is not blocked by a view or an unmapped table that depend on mapped tables', async () => {
      await engine.execute('CREATE VIEW sch_v_users AS SELECT id, email FROM sch_users');
      await engine.execute('CREATE TABLE sch_unmapped (id integer PRIMARY KEY, user_id integer, CONSTRAINT fk_sch_unmapped_user FOREIGN KEY (user_id) REFERENCES sch_users (id))');
      await md.dropAll(engine);
      const live = await introspect(engine);
      expect(live.tables.map((t) => t.name).filter((t) => tables.includes(t))).toEqual([]);
      // Only mapped tables go: the unmapped one stays.
      expect(live.tables.map((t) => t.name)).toContain('sch_unmapped');
    });

    test('createAll is all or nothing where DDL is transactional', async () => {
      await engine.initialize();
      const broken = new MetaData([SCHEMA_ENTITIES.find((e) => e.name === 'SchAccount')!, SchBroken]);
      await broken.dropAll(engine, { checkFirst: true });
      await expect(broken.createAll(engine)).rejects.toThrow(DatabaseError);
      const live = await introspect(engine, { tables: ['sch_accounts', 'sch_broken'] });
      expect(live.tables.map((t) => t.name)).toEqual(engine.capabilities.transactionalDdl ? [] : ['sch_accounts']);
      await broken.dropAll(engine, { checkFirst: true });
    });
  });
}

/*
 * The schema model without a database: building it from metadata (association tables,
 * foreign-key indexes, enum types), dependency order with cycles, canonical expressions,
 * literal and default normalisation, and each dialect's normal form.
 */
import {
  Column,
  type DatabaseSchema,
  Entity,
  Index,
  ManyToMany,
  ManyToOne,
  MetaData,
  metadata,
  MetadataError,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  type SchemaTable,
  Unique,
} from '@strata/core';
import {
  canonicalSql,
  dependencyOrder,
  normalizeLiteral,
  normalizeSchema,
  parseDefault,
} from '@strata/core/dialect';
import { MysqlDdl } from '@strata/mysql';
import { PostgresDdl } from '@strata/postgres';
import { SqliteDdl } from '@strata/sqlite';

@Entity('m_groups')
class MGroup {
  declare [PrimaryKeyProps]?: ['region', 'num'];
  @PrimaryColumn({ length: 10 }) region!: string;
  @PrimaryColumn({ type: 'integer' }) num!: number;
}

@Entity('m_people')
@Unique(['team', 'name'])
@Index(['boss', 'name'])
class MPerson {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: bigint;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => MPerson, undefined, { onDelete: 'SET NULL' }) boss!: MPerson | null;
  @ManyToOne(() => MTeam, undefined, { nullable: false, onDelete: 'RESTRICT' }) team!: MTeam | undefined;
  @ManyToOne(() => MTeam, undefined) other!: MTeam | null;
  @ManyToMany(() => MGroup, undefined, { joinTable: 'm_memberships' }) groups!: MGroup[];
}

@Entity('m_teams')
class MTeam {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @ManyToOne(() => MPerson, undefined) lead!: MPerson | null;
}

const schema = new MetaData([MGroup, MPerson, MTeam]).toSchema();
const table = (s: DatabaseSchema, name: string): SchemaTable => s.tables.find((t) => t.name === name)!;

describe('schema from metadata', () => {
  test('an implicit many-to-many becomes a table with a composite key and cascading foreign keys to both sides', () => {
    const links = table(schema, 'm_memberships');
    expect(links.columns.map((c) => [c.name, c.type.name, c.nullable])).toEqual([
      ['m_people_id', 'bigint', false],
      ['m_groups_region', 'varchar', false],
      ['m_groups_num', 'integer', false],
    ]);
    expect(links.primaryKey).toEqual({ name: 'pk_m_memberships', columns: ['m_people_id', 'm_groups_region', 'm_groups_num'] });
    expect(links.foreignKeys.map((fk) => [fk.referencedTable, fk.referencedColumns, fk.onDelete])).toEqual([
      ['m_people', ['id'], 'CASCADE'],
      ['m_groups', ['region', 'num'], 'CASCADE'],
    ]);
    // The owner side leads the primary key; only the other side needs its own index.
    expect(links.indexes.map((i) => i.columns)).toEqual([['m_groups_region', 'm_groups_num']]);
  });

  test('owning to-one relationships become foreign keys with their actions; unspecified is NO ACTION', () => {
    const people = table(schema, 'm_people');
    expect(people.foreignKeys.map((fk) => [fk.name, fk.columns, fk.onDelete, fk.onUpdate])).toEqual([
      ['fk_m_people_boss_id_m_people', ['boss_id'], 'SET NULL', 'NO ACTION'],
      ['fk_m_people_team_id_m_teams', ['team_id'], 'RESTRICT', 'NO ACTION'],
      ['fk_m_people_other_id_m_teams', ['other_id'], 'NO ACTION', 'NO ACTION'],
    ]);
    expect(people.columns.find((c) => c.name === 'id')).toMatchObject({ autoIncrement: true, type: { name: 'bigint' } });
  });

  test('a foreign key gets an index unless a key, unique or index already leads with its columns', () => {
    const people = table(schema, 'm_people');
    // boss_id leads the declared index, team_id leads the unique: only other_id needs one.
    expect(people.indexes.map((i) => i.name)).toEqual(['ix_m_people_boss_id_name', 'ix_m_people_other_id']);
    expect(table(schema, 'm_teams').indexes.map((i) => i.columns)).toEqual([['lead_id']]);
  });

  test('enum types are collected once; two columns naming one type with other values is an error', () => {
    @Entity('m_e1')
    class ME1 {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ enum: ['a', 'b'], enumName: 'shared_enum' }) one!: string;
      @Column({ enum: ['a', 'b'], enumName: 'shared_enum' }) two!: string;
    }
    expect(new MetaData([ME1]).toSchema().enums).toEqual([{ name: 'shared_enum', values: ['a', 'b'] }]);
    @Entity('m_e2')
    class ME2 {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ enum: ['a', 'c'], enumName: 'shared_enum' }) three!: string;
    }
    expect(() => new MetaData([ME1, ME2]).toSchema()).toThrow(MetadataError);
    expect(() => new MetaData([ME1, ME2]).toSchema()).toThrow(/ME2\.three and ME1\.one both use the enum type 'shared_enum'/);
  });

  test('two many-to-many relationships on one association table name are an error', () => {
    @Entity('m_x')
    class MX {
      @PrimaryGeneratedColumn() id!: number;
      @ManyToMany(() => MGroup, undefined, { joinTable: 'm_groups' }) groups!: MGroup[];
    }
    expect(() => new MetaData([MX, MGroup]).toSchema()).toThrow(/MX\.groups: the association table 'm_groups' is also used by an entity table/);
  });
});

describe('the default MetaData', () => {
  test('holds every class decorated with @Entity', () => {
    expect(metadata).toBeInstanceOf(MetaData);
    expect(metadata.has(MGroup) && metadata.has(MPerson) && metadata.has(MTeam)).toBe(true);
  });
});

describe('dependency order', () => {
  test('referenced tables first; self-references ignored; a cycle broken at one of its own tables', () => {
    expect(dependencyOrder(schema.tables).map((t) => t.name)).toEqual(['m_groups', 'm_people', 'm_teams', 'm_memberships']);
    const reordered = [table(schema, 'm_memberships'), table(schema, 'm_teams'), table(schema, 'm_people'), table(schema, 'm_groups')];
    // m_memberships waits on the cycle m_people <-> m_teams without being part of it.
    expect(dependencyOrder(reordered).map((t) => t.name)).toEqual(['m_groups', 'm_people', 'm_memberships', 'm_teams']);
  });
});

describe('canonical expressions', () => {
  test.each([
    ["((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))", "kind IN ('a','b')"],
    ["((kind)::text <> ALL (ARRAY['a'::text]))", "kind NOT IN ('a')"],
    ['((price >= (0)::numeric) AND (length((kind)::text) > 0))', 'price >= 0 AND length(kind) > 0'],
    ['`price` >= 0 and `qty` < 10', '"price" >= 0 AND qty < 10'],
    ['((a + b) - c)', 'a + b - c'],
    ['(deleted_at IS NULL)', 'deleted_at is null'],
    ["_utf8mb4'x' = `name`", "'x' = name"],
    ['NOT (a = 1)', 'not a = 1'],
  ])('%s reads the same as %s', (catalog, written) => {
    expect(canonicalSql(catalog, { backslashEscapes: false })).toBe(canonicalSql(written));
  });

  test('parentheses that change the meaning stay', () => {
    expect(canonicalSql('a - (b - c)')).toBe('a - (b - c)');
    expect(canonicalSql('(a OR b) AND c')).toBe('(a or b) and c');
    expect(canonicalSql("lower(name) IN ('x')")).toBe("lower(name) in ('x')");
  });

  test('an expression read back on MySQL stays MySQL: identifiers in backticks, backslashes in strings doubled', () => {
    const ddl = new MysqlDdl();
    const read = ddl.normalizeExpression("`my col` > 0 OR `it's` <> 'a\\\\b\\n'");
    expect(read).toBe("`my col` > 0 or `it's` <> 'a\\\\b\n'");
    expect(ddl.normalizeExpression(read)).toBe(read);
    expect(new PostgresDdl().normalizeExpression('"my col" > 0')).toBe('"my col" > 0');
  });

  test('MariaDB spellings: octet_length for length, current_timestamp with a precision', () => {
    const ddl = new MysqlDdl();
    expect(ddl.normalizeExpression('octet_length(`kind`) > 0')).toBe(ddl.normalizeExpression('length(kind) > 0'));
    expect(ddl.normalizeExpression('current_timestamp(6)')).toBe('current_timestamp');
  });
});

describe('literals and defaults', () => {
  test('literals take the form of their column type', () => {
    expect(normalizeLiteral({ name: 'boolean' }, 1)).toBe(true);
    expect(normalizeLiteral({ name: 'boolean' }, 'f')).toBe(false);
    expect(normalizeLiteral({ name: 'integer' }, '-1')).toBe(-1);
    expect(normalizeLiteral({ name: 'numeric' }, '0.00')).toBe('0');
    expect(normalizeLiteral({ name: 'numeric' }, '-001.50')).toBe('-1.5');
    expect(normalizeLiteral({ name: 'bigint' }, 9007199254740993)).toBe('9007199254740992');
    expect(normalizeLiteral({ name: 'varchar' }, 5)).toBe('5');
  });

  test("defaults as catalogs report them: casts, parentheses and quoting are not part of the value", () => {
    const pg = new PostgresDdl();
    expect(parseDefault("'it''s \\ x'::character varying", { name: 'varchar' }, pg)).toEqual({ kind: 'literal', value: "it's \\ x" });
    expect(parseDefault("'-1'::integer", { name: 'integer' }, pg)).toEqual({ kind: 'literal', value: -1 });
    expect(parseDefault('NULL::character varying', { name: 'varchar' }, pg)).toBeUndefined();
    expect(parseDefault('CURRENT_TIMESTAMP', { name: 'timestamptz' }, pg)).toEqual({ kind: 'expression', sql: 'current_timestamp' });
    const maria = new MysqlDdl();
    expect(parseDefault("'it\\'s \\\\ x'", { name: 'text' }, maria)).toEqual({ kind: 'literal', value: "it's \\ x" });
    expect(parseDefault('1', { name: 'boolean' }, maria)).toEqual({ kind: 'literal', value: true });
    const lite = new SqliteDdl();
    expect(parseDefault('(CURRENT_TIMESTAMP)', { name: 'timestamp' }, lite)).toEqual({ kind: 'expression', sql: 'current_timestamp' });
    expect(parseDefault('-1', { name: 'integer' }, lite)).toEqual({ kind: 'literal', value: -1 });
  });
});

describe('normal form per dialect', () => {
  test('normalising is idempotent and sorts by name', () => {
    for (const ddl of [new PostgresDdl(), new MysqlDdl(), new SqliteDdl()]) {
      const once = normalizeSchema(schema, ddl);
      expect(normalizeSchema(once, ddl)).toEqual(once);
      expect(once.tables.map((t) => t.name)).toEqual(['m_groups', 'm_memberships', 'm_people', 'm_teams']);
    }
  });

  test('MySQL: one DATETIME for both timestamps, RESTRICT is NO ACTION, no primary-key name', () => {
    const mysql = normalizeSchema(schema, new MysqlDdl());
    expect(table(mysql, 'm_teams').columns.find((c) => c.name === 'started_at')!.type).toEqual({ name: 'timestamp' });
    expect(table(mysql, 'm_people').foreignKeys.find((fk) => fk.columns[0] === 'team_id')!.onDelete).toBe('NO ACTION');
    expect(table(mysql, 'm_people').primaryKey).toEqual({ name: undefined, columns: ['id'] });
  });

  test('SQLite: a generated key is an INTEGER rowid; comments are not kept', () => {
    const lite = normalizeSchema(schema, new SqliteDdl());
    expect(table(lite, 'm_people').columns.find((c) => c.name === 'id')).toMatchObject({ type: { name: 'integer' }, autoIncrement: true });
  });
});

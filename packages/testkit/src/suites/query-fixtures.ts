/*
 * The query suite's model: users (with a self-referencing manager), posts, tags through an
 * association table, and an entity whose table and column names are hostile. Declared
 * when the suite runs, in a registry of their own; tables made by hand-written DDL.
 */
import {
  Column,
  Entity,
  EntityRegistry,
  insert,
  ManyToMany,
  ManyToOne,
  OneToMany,
  OptionalProps,
  PrimaryGeneratedColumn,
  ref,
  select,
  sql,
  type Engine,
  type SelectStatement,
} from '@strata/core';
import type { DialectName } from '../targets';
import { TRAITS } from '../traits';

/** A name with every dialect's quote character, a statement terminator and a comment. */
export const HOSTILE_TABLE = `q_x"y\`z'; DROP TABLE q_users; --`;
export const HOSTILE_COLUMN = `l"a\`b'el; DROP TABLE q_posts; --`;

/** Declares the suite's entities and returns their references in a registry of their own. */
export function declareQueryModel() {
  @Entity('q_users')
  class QUser {
    declare [OptionalProps]?: 'active';
    @PrimaryGeneratedColumn() id!: number;
    @Column({ length: 100 }) name!: string;
    @Column({ unique: true }) email!: string;
    @Column({ type: 'integer', nullable: true }) age!: number | null;
    @Column({ type: 'boolean', default: true }) active!: boolean;
    @Column({ type: 'integer', nullable: true }) managerId!: number | null;
    @ManyToOne(() => QUser, 'reports', { nullable: true, onDelete: 'SET NULL' }) manager!: QUser | null;
    @OneToMany(() => QUser, 'manager') reports!: QUser[];
    @OneToMany(() => QPost, 'author') posts!: QPost[];
  }

  @Entity('q_posts')
  class QPost {
    /** `views` has a column default; `authorId` is the column `author` writes. */
    declare [OptionalProps]?: 'views' | 'authorId';
    @PrimaryGeneratedColumn() id!: number;
    @Column() title!: string;
    @Column({ type: 'integer', default: 0 }) views!: number;
    /** The foreign key of `author`, mapped as a property too (SQLAlchemy style). */
    @Column({ type: 'integer' }) authorId!: number;
    @ManyToOne(() => QUser, 'posts', { nullable: false }) author!: QUser;
    @ManyToMany(() => QTag, 'posts', { joinTable: { name: 'q_post_tags', joinColumn: 'post_id', inverseJoinColumn: 'tag_id' } }) tags!: QTag[];
  }

  @Entity('q_tags')
  class QTag {
    @PrimaryGeneratedColumn() id!: number;
    @Column({ unique: true }) label!: string;
    @ManyToMany(() => QPost, 'tags') posts!: QPost[];
  }

  @Entity(HOSTILE_TABLE)
  class QWeird {
    @PrimaryGeneratedColumn() id!: number;
    @Column({ name: HOSTILE_COLUMN, length: 100 }) label!: string;
  }

  const registry = new EntityRegistry([QUser, QPost, QTag, QWeird]);
  return { User: ref(QUser, registry), Post: ref(QPost, registry), Tag: ref(QTag, registry), Weird: ref(QWeird, registry) };
}

/** The suite's references. */
export type QueryModel = ReturnType<typeof declareQueryModel>;

/** Creates the suite's tables (dropping leftovers first). */
export async function createQueryTables(engine: Engine, dialect: DialectName): Promise<void> {
  const traits = TRAITS[dialect];
  const q = (name: string) => engine.dialect.compiler.quoteIdentifier(name);
  const bool = dialect === 'mysql' ? 'tinyint(1)' : 'boolean';
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  await dropQueryTables(engine);
  const statements = [
    `CREATE TABLE q_users (${traits.autoId}, name varchar(100) NOT NULL, email varchar(255) NOT NULL UNIQUE, age integer, active ${bool} NOT NULL DEFAULT ${dialect === 'mysql' ? '1' : 'true'}, manager_id integer REFERENCES q_users (id) ON DELETE SET NULL)`,
    `CREATE TABLE q_posts (${traits.autoId}, title varchar(255) NOT NULL, views integer NOT NULL DEFAULT 0, author_id integer NOT NULL REFERENCES q_users (id))`,
    `CREATE TABLE q_tags (${traits.autoId}, label varchar(255) NOT NULL UNIQUE)`,
    'CREATE TABLE q_post_tags (post_id integer NOT NULL REFERENCES q_posts (id), tag_id integer NOT NULL REFERENCES q_tags (id), PRIMARY KEY (post_id, tag_id))',
    `CREATE TABLE ${q(HOSTILE_TABLE)} (${traits.autoId}, ${q(HOSTILE_COLUMN)} varchar(100) NOT NULL)`,
  ];
  for (const statement of statements) await engine.execute(statement + tail);
}

/** Drops the suite's tables. */
export async function dropQueryTables(engine: Engine): Promise<void> {
  const q = (name: string) => engine.dialect.compiler.quoteIdentifier(name);
  for (const table of ['q_post_tags', 'q_posts', 'q_tags', 'q_users', HOSTILE_TABLE]) await engine.execute(`DROP TABLE IF EXISTS ${q(table)}`);
}

/** Empties the tables and inserts the seed rows; returns the ids by name, title and label. */
export async function seedQueryTables(engine: Engine, m: QueryModel): Promise<Record<string, number>> {
  const q = (name: string) => engine.dialect.compiler.quoteIdentifier(name);
  for (const table of ['q_post_tags', 'q_posts', 'q_tags', HOSTILE_TABLE]) await engine.execute(`DELETE FROM ${q(table)}`);
  await engine.execute('UPDATE q_users SET manager_id = NULL');
  await engine.execute('DELETE FROM q_users');
  const { User, Post, Tag } = m;
  await engine.execute(insert(User).values({ name: 'ann', email: 'ann@x.io', age: 30 }));
  const ann = await idOf(engine, select({ id: User.id }).where(User.name.eq('ann')));
  await engine.execute(insert(User).values([
    // @ts-expect-error an object holding the key is accepted at run time (JavaScript callers); the types take the object or its key
    { name: 'bob', email: 'bob@x.io', age: null, active: false, manager: { id: ann } },
    { name: 'cy', email: 'cy@x.io', age: 25, active: true, manager: ann },
  ]));
  const ids: Record<string, number> = { ann };
  for (const name of ['bob', 'cy']) ids[name] = await idOf(engine, select({ id: User.id }).where(User.name.eq(name)));
  await engine.execute(insert(Post).values([
    { title: 'Hello SQL', views: 10, author: ann },
    { title: 'Joins', views: 5, author: ann },
    { title: 'Bobs day', views: 0, author: ids.bob! }, // set by the loop above; a Record lookup is typed possibly undefined
  ]));
  await engine.execute(insert(Tag).values([{ label: 'sql' }, { label: 'misc' }]));
  for (const title of ['Hello SQL', 'Joins', 'Bobs day']) ids[title] = await idOf(engine, select({ id: Post.id }).where(Post.title.eq(title)));
  for (const label of ['sql', 'misc']) ids[label] = await idOf(engine, select({ id: Tag.id }).where(Tag.label.eq(label)));
  for (const [post, tag] of [['Hello SQL', 'sql'], ['Joins', 'sql'], ['Joins', 'misc']] as const) {
    await engine.execute(sql`INSERT INTO q_post_tags (post_id, tag_id) VALUES (${ids[post]}, ${ids[tag]})`);
  }
  return ids;
}

async function idOf(engine: Engine, statement: SelectStatement<{ id: number }, []>): Promise<number> {
  return (await engine.execute(statement)).rows[0]!.id;
}

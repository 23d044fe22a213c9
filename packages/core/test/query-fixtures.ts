/*
 * Entities, capability sets and helpers shared by the query compiler tests: a small blog
 * (users with a self-referencing manager, posts, tags through an association table) and
 * an entity whose table and column names are hostile, for the injection tests.
 */
import {
  Column,
  Entity,
  ManyToMany,
  ManyToOne,
  OneToMany,
  OptionalProps,
  PrimaryGeneratedColumn,
  type Capabilities,
  type ColumnMetadata,
  type Statement,
} from '@strata/core';
import {
  type CodecSource,
  type CompiledStatement,
  type QueryCompiler,
} from '@strata/core/dialect';

@Entity('users')
export class User {
  declare [OptionalProps]?: 'active';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column() email!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Column({ type: 'timestamptz', nullable: true }) lastLogin!: Date | null;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @OneToMany(() => Post, 'author') posts!: Post[];
  @ManyToOne(() => User, 'reports', { nullable: true }) manager!: User | null;
  @OneToMany(() => User, 'manager') reports!: User[];
}

@Entity('posts')
export class Post {
  declare [OptionalProps]?: 'views';
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column({ type: 'integer', default: 0 }) views!: number;
  @ManyToOne(() => User, 'posts', { nullable: false }) author!: User;
  @ManyToMany(() => Tag, 'posts', { joinTable: 'post_tags' }) tags!: Tag[];
}

@Entity('tags')
export class Tag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
  @ManyToMany(() => Post, 'tags') posts!: Post[];
}

/** Quote characters of every dialect, a statement terminator and a comment in one name. */
export const HOSTILE = 'x"y`z\'; DROP TABLE users; --';

@Entity(`we"ird\`ta'ble`)
export class Weird {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: HOSTILE }) label!: string;
}

const base: Capabilities = {
  returning: true,
  updateReturning: true,
  transactionalDdl: true,
  savepoints: true,
  forUpdate: true,
  skipLocked: true,
  nowait: true,
  forUpdateOf: true,
  nullsOrdering: true,
  serverCursors: true,
  multiRowInsert: true,
  multiRowDefaultInsert: true,
  insertId: false,
  isolationLevels: ['serializable'],
};

/** What each server can do, as the dialects report it after connecting. */
export const CAPS = {
  postgresql: Object.freeze({ ...base, arrayParameters: true, maxParameters: 65_535 }),
  mariadb: Object.freeze({ ...base, maxParameters: 65_535, updateReturning: false, forUpdateOf: false, nullsOrdering: false, transactionalDdl: false, serverCursors: false }),
  mysql8: Object.freeze({ ...base, maxParameters: 65_535, returning: false, updateReturning: false, nullsOrdering: false, transactionalDdl: false, serverCursors: false }),
  sqlite: Object.freeze({ ...base, maxParameters: 32_766, multiRowDefaultInsert: false, forUpdate: false, skipLocked: false, nowait: false, forUpdateOf: false, serverCursors: false }),
  oldSqlite: Object.freeze({ ...base, maxParameters: 999, multiRowDefaultInsert: false, returning: false, updateReturning: false, forUpdate: false, skipLocked: false, nowait: false, forUpdateOf: false, nullsOrdering: false, serverCursors: false }),
};

/** Codecs that tag what they convert, to prove which values went through which column. */
export const TAGGING_TYPES: CodecSource = {
  codec: (column: ColumnMetadata) => ({
    toDriver: (value: unknown) => (value instanceof Date ? `D:${value.toISOString()}` : typeof value === 'boolean' ? (value ? 1 : 0) : value),
    fromDriver: (value: unknown) => (column.type.name === 'boolean' ? value === 1 || value === true : column.type.name === 'timestamptz' ? new Date(String(value)) : value),
  }),
};

/** A compile function for one compiler and capability set. */
export function compilerFor(compiler: QueryCompiler, capabilities: Capabilities, target?: string): (s: Statement<unknown>) => CompiledStatement {
  return (statement) => compiler.compileStatement(statement, { capabilities, target });
}

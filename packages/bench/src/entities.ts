/*
 * The benchmark's Strata entities: users with their posts (SCENARIOS.md's schema) and the
 * narrow rows S8 streams. The bench creates the tables from these, so the raw drivers and
 * Strata read and write the very same schema.
 */
import { Column, Entity, ManyToOne, MetaData, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

/** A user; its posts follow it into the session and out of the database (cascade). */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ length: 200, unique: true }) email!: string;
  @Column({ type: 'timestamp', timeZone: 'UTC' }) createdAt!: Date;
  @OneToMany(() => Post, 'author', { cascade: 'all, delete-orphan' }) posts!: Post[];
}

/** A post; `user_id` is its author's key. */
@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column({ type: 'text' }) body!: string;
  @Column() published!: boolean;
  @ManyToOne(() => User, 'posts', { nullable: false, joinColumn: 'user_id' }) author!: User;
}

/** One of the 1,000,000 narrow rows S8 streams. */
@Entity('narrow_rows')
export class NarrowRow {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'integer' }) value!: number;
}

/** The bench's tables. */
export function benchMetadata(): MetaData {
  return new MetaData([User, Post, NarrowRow]);
}

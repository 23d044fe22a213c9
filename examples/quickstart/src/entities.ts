/*
 * The quickstart's entities: users and their posts. The schema comes from these through
 * the strata migrations (strata.config.ts lists them; migrations/ holds the revision).
 */
import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn, sql } from '@strata/core';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ unique: true }) email!: string;
  @OneToMany(() => Post, 'author', { cascade: 'all, delete-orphan', orderBy: 'title' }) posts!: Post[];
}

@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column({ type: 'timestamptz', serverDefault: sql`CURRENT_TIMESTAMP` }) createdAt!: Date;
  @ManyToOne(() => User, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: User;
}

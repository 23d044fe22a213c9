/*
 * The Conduit schema as Strata entities: users who follow each other, articles with
 * tags, favorites and comments. Follows and favorites are explicit association entities
 * with composite primary keys, so a repeated or concurrent follow / favorite can never
 * make a second row and counts stay exact.
 */
import { Column, CreateDateColumn, Entity, Index, ManyToMany, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps, UpdateDateColumn } from '@strata/core';

/** A registered user; the profile is username, bio and image. */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100, unique: true }) username!: string;
  @Column({ length: 255, unique: true }) email!: string;
  /** `scrypt$<salt>$<hash>`, see password.ts. */
  @Column({ length: 200 }) passwordHash!: string;
  @Column({ type: 'text', nullable: true }) bio!: string | null;
  @Column({ type: 'text', nullable: true }) image!: string | null;
}

/** `follower` follows `followed`. */
@Entity('follows')
export class Follow {
  declare [PrimaryKeyProps]?: ['followerId', 'followedId'];
  @PrimaryColumn({ type: 'integer' }) followerId!: number;
  @PrimaryColumn({ type: 'integer' }) followedId!: number;
  @ManyToOne(() => User, undefined, { joinColumn: 'follower_id', nullable: false, onDelete: 'CASCADE' }) follower!: User;
  @ManyToOne(() => User, undefined, { joinColumn: 'followed_id', nullable: false, onDelete: 'CASCADE' }) followed!: User;
}

/** A tag name, shared by every article that uses it. */
@Entity('tags')
export class Tag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100, unique: true }) name!: string;
  @ManyToMany(() => Article, 'tags') articles!: Article[];
}

/** An article; `slug` is its address. Lists are newest first, hence the index. */
@Entity('articles')
@Index(['createdAt'])
export class Article {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 255, unique: true }) slug!: string;
  @Column({ length: 255 }) title!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'text' }) body!: string;
  @CreateDateColumn() createdAt!: Date;
  @UpdateDateColumn() updatedAt!: Date;
  /** The foreign key of `author`, mapped as a property too, for filters without a join. */
  @Column({ type: 'integer' }) authorId!: number;
  @ManyToOne(() => User, undefined, { nullable: false, onDelete: 'CASCADE' }) author!: User;
  /** Loaded in name order, so tagList comes out sorted. */
  @ManyToMany(() => Tag, 'articles', { joinTable: { name: 'article_tags', joinColumn: 'article_id', inverseJoinColumn: 'tag_id' }, orderBy: 'name' })
  tags!: Tag[];
  /** Deleting an article deletes its comments; the database does it (ON DELETE CASCADE). */
  @OneToMany(() => Comment, 'article', { cascade: 'all', passiveDeletes: true }) comments!: Comment[];
}

/** `user` favorited `article`: one row per pair, whatever the concurrency. */
@Entity('favorites')
export class Favorite {
  declare [PrimaryKeyProps]?: ['userId', 'articleId'];
  @PrimaryColumn({ type: 'integer' }) userId!: number;
  @PrimaryColumn({ type: 'integer' }) articleId!: number;
  @ManyToOne(() => User, undefined, { joinColumn: 'user_id', nullable: false, onDelete: 'CASCADE' }) user!: User;
  @ManyToOne(() => Article, undefined, { joinColumn: 'article_id', nullable: false, onDelete: 'CASCADE' }) article!: Article;
}

/** A comment on an article. */
@Entity('comments')
export class Comment {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text' }) body!: string;
  @CreateDateColumn() createdAt!: Date;
  @UpdateDateColumn() updatedAt!: Date;
  @ManyToOne(() => Article, 'comments', { nullable: false, onDelete: 'CASCADE' }) article!: Article;
  @ManyToOne(() => User, undefined, { nullable: false, onDelete: 'CASCADE' }) author!: User;
}

/** Every entity of the schema, for the migrations config and the session registry. */
export const entities = [User, Follow, Tag, Article, Favorite, Comment];

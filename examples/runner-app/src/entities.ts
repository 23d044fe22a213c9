/*
 * A small model declared with standard (TC39) decorators, as an application compiled by
 * esbuild (tsx, vitest) or by TypeScript's defaults declares it: no experimentalDecorators,
 * no type metadata, so column types are given.
 */
import { Column, EagerProps, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

@Entity('ra_author')
export class Author {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 80 }) name!: string;
  @OneToMany(() => Book, 'author', { cascade: 'all', orderBy: 'title' }) books!: Book[];
}

@Entity('ra_book')
export class Book {
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 120 }) title!: string;
  @ManyToOne(() => Author, 'books', { nullable: false, lazy: 'joined' }) author!: Author;
}

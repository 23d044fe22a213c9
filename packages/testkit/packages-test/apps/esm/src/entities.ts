// Standard (TC39) decorators, no type metadata: column types are given, or told by an initial value.
import { Column, EagerProps, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

@Entity('pk_author')
export class Author {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 80 }) name!: string;
  @OneToMany(() => Book, 'author', { cascade: 'all', orderBy: 'title' }) books!: Book[];
}

@Entity('pk_book')
export class Book {
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 120 }) title!: string;
  @Column() pages = 0; // typed by its initial value
  @ManyToOne(() => Author, 'books', { nullable: false, lazy: 'joined' }) author!: Author;
}

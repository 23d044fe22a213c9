// Legacy decorators with emitted type metadata: column types come from the TypeScript types.
import { Column, EagerProps, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

@Entity('pk_author')
export class Author {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 80 }) name!: string;
  @OneToMany(() => Book, 'author', { cascade: 'all', orderBy: 'title' }) books!: Book[];
}

@Entity('pk_book')
export class Book {
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 120 }) title!: string;
  @Column() pages!: number;
  @ManyToOne(() => Author, 'books', { nullable: false, lazy: 'joined' }) author!: Author;
}

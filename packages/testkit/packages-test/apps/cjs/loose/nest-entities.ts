/*
 * Entities as a NestJS project's default tsconfig compiles them: legacy decorators with
 * strictNullChecks off. The decorators must accept every correct declaration there too
 * (without strictNullChecks `undefined` is assignable to everything, which the decorator
 * types must not mistake for an eager `lazy`), and still refuse a loading default that
 * disagrees with the class's declarations. What needs strictNullChecks to be told apart
 * (required insert columns, unloaded relationships) is not checked here. Compiled by
 * tsconfig.loose.json (NestJS's defaults) in the package test.
 */
import { Column, EagerProps, Entity, joinedLoad, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps, select, Session, VersionColumn } from '@strata/core';

@Entity('nest_author')
export class NestAuthor {
  @PrimaryGeneratedColumn() id: number;
  @Column({ nullable: true }) bio: string;
  @VersionColumn() version: number;
  @OneToMany(() => NestBook, 'author', { cascade: 'all, delete-orphan' }) books: NestBook[];
  @OneToOne(() => NestProfile, 'author') profile: NestProfile;
}

@Entity('nest_book')
export class NestBook {
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id: number;
  @Column() title: string;
  @ManyToOne(() => NestAuthor, 'books', { lazy: 'joined' }) author: NestAuthor;
  @ManyToMany(() => NestGenre, 'books', { joinTable: true, lazy: 'select' }) genres: NestGenre[];
}

@Entity('nest_genre')
export class NestGenre {
  declare [PrimaryKeyProps]?: 'code';
  @PrimaryColumn() code: string;
  @ManyToMany(() => NestBook, 'genres') books: NestBook[];
}

@Entity('nest_profile')
export class NestProfile {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => NestAuthor, 'profile') author: NestAuthor;
}

export class NestMistakes {
  @PrimaryGeneratedColumn() id: number;
  // @ts-expect-error loads by default without declaring it in [EagerProps]
  @ManyToOne(() => NestAuthor, undefined, { lazy: 'selectin' }) author: NestAuthor;
}

export class NestDeclaredButLazy {
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id: number;
  // @ts-expect-error declared in [EagerProps] but given no loading default
  @ManyToOne(() => NestAuthor) author: NestAuthor;
}

export class NestUndeclaredKey {
  // @ts-expect-error a primary key not named id must be declared in [PrimaryKeyProps]
  @PrimaryColumn() code: string;
}

export async function nestQueries(session: Session): Promise<string[]> {
  const authors = await session.scalars(select(NestAuthor).options(joinedLoad(NestAuthor, 'books')));
  const book = await session.get(NestBook, 1);
  return [...authors.flatMap((a) => a.books.map((b) => b.title)), book?.author.bio ?? ''];
}

/*
 * Entities declared with standard (TC39) decorators: this file is compiled without
 * experimentalDecorators and without type metadata (jest.config.ts, tsconfig.std-decorators.json),
 * the way tsx, esbuild, vitest and TypeScript's own default compile decorators. Column types
 * are given where metadata would have told them, or told by an initial value; a generated
 * key needs none.
 */
import {
  Column,
  CreateDateColumn,
  EagerProps,
  Entity,
  Index,
  ManyToMany,
  ManyToOne,
  OneToMany,
  OptionalProps,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  Unique,
  VersionColumn,
} from '@strata/core';

/** Columns inherited by every entity below: the base class has no @Entity. */
export abstract class SdStamped {
  @CreateDateColumn() createdAt!: Date;
  @VersionColumn() version!: number;
}

@Entity('sd_author')
@Unique(['email'])
export class SdAuthor extends SdStamped {
  declare [OptionalProps]?: 'createdAt' | 'version';
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ type: 'varchar', length: 80 }) name!: string;
  @Column({ type: 'varchar', length: 120 }) email!: string;
  @OneToMany(() => SdBook, 'author', { cascade: 'all, delete-orphan', orderBy: 'title' }) books!: SdBook[];
}

@Entity('sd_book')
export class SdBook extends SdStamped {
  declare [OptionalProps]?: 'createdAt' | 'version';
  declare [EagerProps]?: 'author';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 120 }) title!: string;
  // Typed by their initial values, as type metadata would type them.
  @Column() pages = 0;
  @Column() inPrint = true;
  @ManyToOne(() => SdAuthor, 'books', { nullable: false, lazy: 'joined' }) author!: SdAuthor;
  @ManyToMany(() => SdTag, 'books', { joinTable: 'sd_book_tag' }) tags!: SdTag[];
}

@Entity('sd_tag')
export class SdTag {
  declare [PrimaryKeyProps]?: 'code';
  @PrimaryColumn({ type: 'varchar', length: 20 }) code!: string;
  @ManyToMany(() => SdBook, 'tags') books!: SdBook[];
}

@Entity('sd_shelf')
export class SdShelf {
  declare [PrimaryKeyProps]?: ['room', 'slot'];
  @PrimaryColumn({ type: 'varchar', length: 10 }) room!: string;
  @PrimaryColumn({ type: 'integer' }) slot!: number;
  @Column({ type: 'text', nullable: true }) label!: string | null;
}

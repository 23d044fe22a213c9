/*
 * What the decorators check against the class's declarations: a key not named `id` and a
 * relationship loaded by default must be declared, so the types can see them; and what the
 * other declarations change (ColumnProps).
 */
import { Column, ColumnProps, EagerProps, Entity, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps, select, selectinLoad, Session, type ToOneOptions } from '@strata/core';
import { use } from './expect';

@Entity()
export class Parent {
  @PrimaryGeneratedColumn() id!: number;
  @OneToMany(() => Child, 'parent') children!: Child[];
}

@Entity()
export class Child {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Parent, 'children') parent!: Parent;
}

@Entity()
export class UndeclaredKey {
  // @ts-expect-error 'code' is the key, but the class does not declare [PrimaryKeyProps]
  @PrimaryColumn() code!: string;
  @Column() label!: string;
}

@Entity()
export class HalfDeclaredKey {
  declare [PrimaryKeyProps]?: 'a';
  @PrimaryColumn() a!: string;
  // @ts-expect-error 'b' is part of the key but not declared
  @PrimaryColumn() b!: string;
}

@Entity()
export class UndeclaredEager {
  @PrimaryGeneratedColumn() id!: number;
  // @ts-expect-error lazy: 'joined' loads it by default, but [EagerProps] does not say so
  @ManyToOne(() => Parent, undefined, { lazy: 'joined' }) parent!: Parent;
}

@Entity()
export class DeclaredButLazy {
  declare [EagerProps]?: 'parent';
  @PrimaryGeneratedColumn() id!: number;
  // @ts-expect-error declared in [EagerProps] but its lazy does not load it
  @ManyToOne(() => Parent, undefined, { lazy: 'select' }) parent!: Parent;
}

@Entity()
export class Agreeing {
  declare [EagerProps]?: 'parent' | 'children';
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Parent, undefined, { lazy: 'selectin' }) parent!: Parent;
  @OneToMany(() => Child, 'parent', { lazy: 'subquery' }) children!: Child[];
}

/** A `lazy` the compiler cannot see (from a variable typed LoaderStrategy) leaves it to the declaration, either way. */
const sharedOptions: ToOneOptions = { lazy: 'joined', nullable: false };

@Entity()
export class FromSharedOptions {
  declare [EagerProps]?: 'parent';
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Parent, undefined, sharedOptions) parent!: Parent;
  @ManyToOne(() => Parent, undefined, sharedOptions) other!: Parent;
}

/** A json column holding objects with an `id` looks like a relationship; ColumnProps says it is a column. */
@Entity()
export class WithJson {
  declare [ColumnProps]?: 'payload' | 'items';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'json' }) payload!: { id: string; note: string };
  @Column({ type: 'json' }) items!: { id: number }[];
  @ManyToOne(() => Parent) parent!: Parent;
}

declare const session: Session;

export async function jsonColumns(): Promise<void> {
  const [row] = await session.scalars(select(WithJson));
  use(row?.payload.note, row?.items.length);
  // @ts-expect-error a declared column is not a path
  selectinLoad(WithJson, 'payload');
  // @ts-expect-error the relationship still is not loaded
  use(row?.parent.id);
  use(select(WithJson).where((w) => w.payload.isNotNull()));
}

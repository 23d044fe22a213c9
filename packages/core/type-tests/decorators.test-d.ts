/*
 * What the decorators check against the class's declarations: a key not named `id` and a
 * relationship loaded by default must be declared, so the types above can see them.
 */
import { Column, EagerProps, Entity, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps } from '@strata/core';

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

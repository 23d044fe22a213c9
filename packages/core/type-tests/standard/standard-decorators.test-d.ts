/*
 * The decorators' compile-time checks under standard (TC39) decorators, compiled without
 * experimentalDecorators: the same declarations are demanded as with legacy decorators, and
 * results are typed the same way.
 */
import { Column, EagerProps, Entity, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps, select, selectinLoad, Session, type Loaded } from '@strata/core';
import { use, type Equal, type Expect } from '../expect';

@Entity()
export class Shelf {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) room!: string;
  @OneToMany(() => Volume, 'shelf') volumes!: Volume[];
}

@Entity()
export class Volume {
  declare [EagerProps]?: 'shelf';
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Shelf, 'volumes', { lazy: 'joined' }) shelf!: Shelf;
}

@Entity()
export class UndeclaredKey {
  // @ts-expect-error 'code' is the key, but the class does not declare [PrimaryKeyProps]
  @PrimaryColumn({ type: 'varchar' }) code!: string;
}

@Entity()
export class DeclaredKey {
  declare [PrimaryKeyProps]?: 'code';
  @PrimaryColumn({ type: 'varchar' }) code!: string;
}

@Entity()
export class UndeclaredEager {
  @PrimaryGeneratedColumn() id!: number;
  // @ts-expect-error lazy: 'joined' loads it by default, but [EagerProps] does not say so
  @ManyToOne(() => Shelf, undefined, { lazy: 'joined' }) shelf!: Shelf;
}

declare const session: Session;

export async function results(): Promise<void> {
  const volumes = await session.scalars(select(Volume));
  type _1 = Expect<Equal<typeof volumes, Loaded<Volume>[]>>;
  use(volumes[0]?.shelf.room);
  const shelves = await session.scalars(select(Shelf).options(selectinLoad(Shelf, 'volumes')));
  use(shelves[0]?.volumes.length);
  // @ts-expect-error a column is not a relationship, with standard decorators too
  selectinLoad(Shelf, 'room');
}

/*
 * Entities of the integrity suite: a versioned product (optimistic locking from HTTP), a
 * cart whose only column is its generated key, badges with an optional label, and people
 * and balls in a foreign-key cycle (person.favoriteBall -> ball, ball.owner -> person).
 */
import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn, VersionColumn } from '@strata/core';

@Entity('ig_product')
export class IgProduct {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'integer' }) stock!: number;
  @VersionColumn() version!: number;
}

@Entity('ig_cart')
export class IgCart {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity('ig_badge')
export class IgBadge {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 50, nullable: true }) label!: string | null;
}

@Entity('ig_person')
export class IgPerson {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => IgBall, undefined, { nullable: true }) favoriteBall!: IgBall | null;
  @OneToMany(() => IgBall, 'owner', { cascade: 'all, delete-orphan' }) balls!: IgBall[];
}

@Entity('ig_ball')
export class IgBall {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) color!: string;
  @ManyToOne(() => IgPerson, 'balls', { nullable: false }) owner!: IgPerson;
}

export const INTEGRITY_ENTITIES = [IgProduct, IgCart, IgBadge, IgPerson, IgBall];

/** A new product. */
export function product(name: string, stock = 100): IgProduct {
  return Object.assign(new IgProduct(), { name, price: '10.00', stock });
}

/** A new person with balls of the given colours. */
export function person(name: string, ...colors: string[]): IgPerson {
  const p = Object.assign(new IgPerson(), { name });
  p.balls = colors.map((color) => Object.assign(new IgBall(), { color }));
  return p;
}

/** A new ball. */
export function ball(color: string): IgBall {
  return Object.assign(new IgBall(), { color });
}

// Legacy decorators with type metadata, loaded by the strata CLI in a project without TypeScript installed.
import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from '@strata/core';

@Entity('pk_shelf')
export class Shelf {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 40 }) label!: string;
  @Column({ type: 'integer', nullable: true }) capacity!: number | null;
  @OneToMany(() => Volume, 'shelf') volumes!: Volume[];
}

@Entity('pk_volume')
export class Volume {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column() createdAt!: Date;
  @ManyToOne(() => Shelf, 'volumes') shelf!: Shelf;
}

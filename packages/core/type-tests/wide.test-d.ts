/*
 * An entity with 30 relationships, each to its own entity that points back: a wide model whose
 * compile time must stay reasonable. Paths are checked against the path written,
 * so the cost does not grow with the number of relationships times their depth.
 */
import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn, select, selectinLoad, Session, type Loaded } from '@strata/core';
import { use, type Equal, type Expect } from './expect';

@Entity()
export class Part0 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label0!: string;
  @ManyToOne(() => Hub, 'parts0') hub!: Hub;
  @OneToMany(() => Part1, 'hub') next!: Part1[];
}

@Entity()
export class Part1 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label1!: string;
  @ManyToOne(() => Hub, 'parts1') hub!: Hub;
  @OneToMany(() => Part2, 'hub') next!: Part2[];
}

@Entity()
export class Part2 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label2!: string;
  @ManyToOne(() => Hub, 'parts2') hub!: Hub;
  @OneToMany(() => Part3, 'hub') next!: Part3[];
}

@Entity()
export class Part3 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label3!: string;
  @ManyToOne(() => Hub, 'parts3') hub!: Hub;
  @OneToMany(() => Part4, 'hub') next!: Part4[];
}

@Entity()
export class Part4 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label4!: string;
  @ManyToOne(() => Hub, 'parts4') hub!: Hub;
  @OneToMany(() => Part5, 'hub') next!: Part5[];
}

@Entity()
export class Part5 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label5!: string;
  @ManyToOne(() => Hub, 'parts5') hub!: Hub;
  @OneToMany(() => Part6, 'hub') next!: Part6[];
}

@Entity()
export class Part6 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label6!: string;
  @ManyToOne(() => Hub, 'parts6') hub!: Hub;
  @OneToMany(() => Part7, 'hub') next!: Part7[];
}

@Entity()
export class Part7 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label7!: string;
  @ManyToOne(() => Hub, 'parts7') hub!: Hub;
  @OneToMany(() => Part8, 'hub') next!: Part8[];
}

@Entity()
export class Part8 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label8!: string;
  @ManyToOne(() => Hub, 'parts8') hub!: Hub;
  @OneToMany(() => Part9, 'hub') next!: Part9[];
}

@Entity()
export class Part9 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label9!: string;
  @ManyToOne(() => Hub, 'parts9') hub!: Hub;
  @OneToMany(() => Part10, 'hub') next!: Part10[];
}

@Entity()
export class Part10 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label10!: string;
  @ManyToOne(() => Hub, 'parts10') hub!: Hub;
  @OneToMany(() => Part11, 'hub') next!: Part11[];
}

@Entity()
export class Part11 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label11!: string;
  @ManyToOne(() => Hub, 'parts11') hub!: Hub;
  @OneToMany(() => Part12, 'hub') next!: Part12[];
}

@Entity()
export class Part12 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label12!: string;
  @ManyToOne(() => Hub, 'parts12') hub!: Hub;
  @OneToMany(() => Part13, 'hub') next!: Part13[];
}

@Entity()
export class Part13 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label13!: string;
  @ManyToOne(() => Hub, 'parts13') hub!: Hub;
  @OneToMany(() => Part14, 'hub') next!: Part14[];
}

@Entity()
export class Part14 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label14!: string;
  @ManyToOne(() => Hub, 'parts14') hub!: Hub;
  @OneToMany(() => Part15, 'hub') next!: Part15[];
}

@Entity()
export class Part15 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label15!: string;
  @ManyToOne(() => Hub, 'parts15') hub!: Hub;
  @OneToMany(() => Part16, 'hub') next!: Part16[];
}

@Entity()
export class Part16 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label16!: string;
  @ManyToOne(() => Hub, 'parts16') hub!: Hub;
  @OneToMany(() => Part17, 'hub') next!: Part17[];
}

@Entity()
export class Part17 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label17!: string;
  @ManyToOne(() => Hub, 'parts17') hub!: Hub;
  @OneToMany(() => Part18, 'hub') next!: Part18[];
}

@Entity()
export class Part18 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label18!: string;
  @ManyToOne(() => Hub, 'parts18') hub!: Hub;
  @OneToMany(() => Part19, 'hub') next!: Part19[];
}

@Entity()
export class Part19 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label19!: string;
  @ManyToOne(() => Hub, 'parts19') hub!: Hub;
  @OneToMany(() => Part20, 'hub') next!: Part20[];
}

@Entity()
export class Part20 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label20!: string;
  @ManyToOne(() => Hub, 'parts20') hub!: Hub;
  @OneToMany(() => Part21, 'hub') next!: Part21[];
}

@Entity()
export class Part21 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label21!: string;
  @ManyToOne(() => Hub, 'parts21') hub!: Hub;
  @OneToMany(() => Part22, 'hub') next!: Part22[];
}

@Entity()
export class Part22 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label22!: string;
  @ManyToOne(() => Hub, 'parts22') hub!: Hub;
  @OneToMany(() => Part23, 'hub') next!: Part23[];
}

@Entity()
export class Part23 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label23!: string;
  @ManyToOne(() => Hub, 'parts23') hub!: Hub;
  @OneToMany(() => Part24, 'hub') next!: Part24[];
}

@Entity()
export class Part24 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label24!: string;
  @ManyToOne(() => Hub, 'parts24') hub!: Hub;
  @OneToMany(() => Part25, 'hub') next!: Part25[];
}

@Entity()
export class Part25 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label25!: string;
  @ManyToOne(() => Hub, 'parts25') hub!: Hub;
  @OneToMany(() => Part26, 'hub') next!: Part26[];
}

@Entity()
export class Part26 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label26!: string;
  @ManyToOne(() => Hub, 'parts26') hub!: Hub;
  @OneToMany(() => Part27, 'hub') next!: Part27[];
}

@Entity()
export class Part27 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label27!: string;
  @ManyToOne(() => Hub, 'parts27') hub!: Hub;
  @OneToMany(() => Part28, 'hub') next!: Part28[];
}

@Entity()
export class Part28 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label28!: string;
  @ManyToOne(() => Hub, 'parts28') hub!: Hub;
  @OneToMany(() => Part29, 'hub') next!: Part29[];
}

@Entity()
export class Part29 {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label29!: string;
  @ManyToOne(() => Hub, 'parts29') hub!: Hub;
  @OneToMany(() => Part0, 'hub') next!: Part0[];
}

@Entity()
export class Hub {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => Part0, 'hub') parts0!: Part0[];
  @OneToMany(() => Part1, 'hub') parts1!: Part1[];
  @OneToMany(() => Part2, 'hub') parts2!: Part2[];
  @OneToMany(() => Part3, 'hub') parts3!: Part3[];
  @OneToMany(() => Part4, 'hub') parts4!: Part4[];
  @OneToMany(() => Part5, 'hub') parts5!: Part5[];
  @OneToMany(() => Part6, 'hub') parts6!: Part6[];
  @OneToMany(() => Part7, 'hub') parts7!: Part7[];
  @OneToMany(() => Part8, 'hub') parts8!: Part8[];
  @OneToMany(() => Part9, 'hub') parts9!: Part9[];
  @OneToMany(() => Part10, 'hub') parts10!: Part10[];
  @OneToMany(() => Part11, 'hub') parts11!: Part11[];
  @OneToMany(() => Part12, 'hub') parts12!: Part12[];
  @OneToMany(() => Part13, 'hub') parts13!: Part13[];
  @OneToMany(() => Part14, 'hub') parts14!: Part14[];
  @OneToMany(() => Part15, 'hub') parts15!: Part15[];
  @OneToMany(() => Part16, 'hub') parts16!: Part16[];
  @OneToMany(() => Part17, 'hub') parts17!: Part17[];
  @OneToMany(() => Part18, 'hub') parts18!: Part18[];
  @OneToMany(() => Part19, 'hub') parts19!: Part19[];
  @OneToMany(() => Part20, 'hub') parts20!: Part20[];
  @OneToMany(() => Part21, 'hub') parts21!: Part21[];
  @OneToMany(() => Part22, 'hub') parts22!: Part22[];
  @OneToMany(() => Part23, 'hub') parts23!: Part23[];
  @OneToMany(() => Part24, 'hub') parts24!: Part24[];
  @OneToMany(() => Part25, 'hub') parts25!: Part25[];
  @OneToMany(() => Part26, 'hub') parts26!: Part26[];
  @OneToMany(() => Part27, 'hub') parts27!: Part27[];
  @OneToMany(() => Part28, 'hub') parts28!: Part28[];
  @OneToMany(() => Part29, 'hub') parts29!: Part29[];
}

declare const session: Session;

export async function wide(): Promise<void> {
  const hubs = await session.scalars(select(Hub).options(selectinLoad(Hub, 'parts7.hub.parts29.next'), selectinLoad(Hub, 'parts0')));
  type _1 = Expect<Equal<typeof hubs, Loaded<Hub, 'parts7.hub.parts29.next' | 'parts0'>[]>>;
  use(hubs[0]?.parts7[0]?.hub.parts29[0]?.next[0]?.label0, hubs[0]?.parts0.length);
  // @ts-expect-error parts8 was not loaded
  use(hubs[0]?.parts8.length);
  // @ts-expect-error a typo among 30 relationships
  selectinLoad(Hub, 'parts7.hub.parts30');
  const loaded = await session.load(hubs, ['parts1', 'parts2', 'parts3.hub.parts4']);
  use(loaded[0]?.parts3[0]?.hub.parts4.length);
}

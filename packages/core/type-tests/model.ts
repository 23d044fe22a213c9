/*
 * The entities the type tests use: orders with lines, products and categories (three
 * levels), a customer, a self-referencing tree, a many-to-many, a composite key and a
 * relationship loaded by default.
 */
import { Column, EagerProps, Entity, ManyToMany, ManyToOne, OneToMany, OptionalProps, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps, CreateDateColumn } from '@strata/core';

@Entity()
export class Category {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @ManyToOne(() => Category, 'children') parent!: Category | null;
  @OneToMany(() => Category, 'parent') children!: Category[];
  @OneToMany(() => Product, 'category') products!: Product[];
}

@Entity()
export class Product {
  declare [PrimaryKeyProps]?: 'sku';
  @PrimaryColumn() sku!: string;
  @Column() name!: string;
  @Column({ type: 'json', nullable: true }) details!: { color: string; sizes: string[] } | null;
  @ManyToOne(() => Category, 'products') category!: Category;
  @ManyToMany(() => Tag, 'products', { joinTable: true }) tags!: Tag[];
}

@Entity()
export class Tag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
  @ManyToMany(() => Product, 'tags') products!: Product[];
}

@Entity()
export class Customer {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column() email!: string;
  @Column({ nullable: true }) nickname!: string | null;
  @OneToMany(() => Order, 'customer') orders!: Order[];
}

@Entity()
export class Order {
  declare [OptionalProps]?: 'placedAt';
  declare [EagerProps]?: 'customer';
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: bigint;
  @Column() status!: string;
  @Column({ nullable: true }) note?: string;
  @CreateDateColumn() placedAt!: Date;
  @ManyToOne(() => Customer, 'orders', { lazy: 'joined' }) customer!: Customer;
  @OneToMany(() => OrderLine, 'order') lines!: OrderLine[];

  total(): number {
    return 0;
  }
}

@Entity()
export class OrderLine {
  declare [PrimaryKeyProps]?: ['orderId', 'position'];
  @PrimaryColumn({ type: 'bigint' }) orderId!: bigint;
  @PrimaryColumn() position!: number;
  @Column() quantity!: number;
  @ManyToOne(() => Order, 'lines') order!: Order;
  @ManyToOne(() => Product) product!: Product;
}

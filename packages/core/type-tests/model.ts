/*
 * The entities the type tests use: orders with lines, products and categories (three
 * levels), customers, a self-referencing tree of categories, a many-to-many (products and
 * tags), a composite key (order lines), a bigint key, a uuid key, a natural string key, a
 * json column and a relationship loaded by default.
 */
import { Column, CreateDateColumn, EagerProps, Entity, ManyToMany, ManyToOne, OneToMany, OptionalProps, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps } from '@strata/core';

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
  @Column({ type: 'text', nullable: true }) nickname!: string | null;
  @OneToMany(() => Order, 'customer') orders!: Order[];
}

@Entity()
export class Order {
  declare [OptionalProps]?: 'placedAt' | 'status';
  declare [EagerProps]?: 'customer';
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: bigint;
  @Column({ default: 'new' }) status!: string;
  @Column({ type: 'text', nullable: true }) note?: string;
  @CreateDateColumn() placedAt!: Date;
  @ManyToOne(() => Customer, 'orders', { lazy: 'joined' }) customer!: Customer;
  @OneToMany(() => OrderLine, 'order') lines!: OrderLine[];

  itemCount(): number {
    return this.lines.length;
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

/** An entity without relationships: results keep the class type itself. */
@Entity()
export class Setting {
  declare [PrimaryKeyProps]?: 'name';
  @PrimaryColumn() name!: string;
  @Column() value!: string;
}

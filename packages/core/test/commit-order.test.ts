/*
 * The unit of work's commit order without a database: table order from foreign keys
 * (chains, association tables, self-reference, cycles broken by post-update, diamonds)
 * and the parent-first order of one self-referencing table's rows.
 */
import { Column, Entity, EntityRegistry, ManyToMany, ManyToOne, MetadataError, OneToMany, OneToOne, PrimaryGeneratedColumn } from '@strata/core';
import type { EntityMetadata } from '@strata/core';
import { tableOrder } from '../src/orm/unit-of-work/commit-order';
import { orderRows } from '../src/orm/unit-of-work/row-order';

@Entity('users')
class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
}

@Entity()
class Post {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => User, undefined, { nullable: false }) author!: User;
}

@Entity()
class Comment {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Post, undefined, { nullable: false }) post!: Post;
  @ManyToOne(() => User) author!: User | null;
}

@Entity()
class Profile {
  @PrimaryGeneratedColumn() id!: number;
  @OneToOne(() => User, undefined, { joinColumn: true, nullable: false }) user!: User;
}

@Entity()
class Article {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => User) writer!: User | null;
  @ManyToMany(() => Label, 'articles', { joinTable: true }) labels!: Label[];
}

@Entity()
class Label {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToMany(() => Article, 'labels') articles!: Article[];
}

@Entity()
class Person {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToMany(() => Person, undefined, { joinTable: true }) friends!: Person[];
}

@Entity()
class Student {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity()
class Course {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToMany(() => Student, undefined, { through: () => Enrollment }) students!: Student[];
}

@Entity()
class Enrollment {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Student, undefined, { nullable: false }) student!: Student;
  @ManyToOne(() => Course, undefined, { nullable: false }) course!: Course;
}

@Entity()
class Category {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Category, 'children') parent!: Category | null;
  @OneToMany(() => Category, 'parent') children!: Category[];
}

@Entity()
class Product {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Category, undefined, { nullable: false }) category!: Category;
}

@Entity()
class Department {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Employee, undefined, { nullable: true }) manager!: Employee | null;
}

@Entity()
class Employee {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Department, undefined, { nullable: false }) department!: Department;
}

@Entity()
class Team {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Player) captain!: Player | null;
}

@Entity()
class Player {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Team) team!: Team | null;
}

@Entity()
class Country {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => City) capital!: City | null;
}

@Entity()
class Region {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Country, undefined, { nullable: false }) country!: Country;
}

@Entity()
class City {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Region, undefined, { nullable: false }) region!: Region;
}

@Entity()
class Airport {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => City, undefined, { nullable: false }) city!: City;
}

@Entity()
class Invoice {
  @PrimaryGeneratedColumn() id!: number;
  // A union: decorator metadata would read a bare forward class reference before the class exists.
  @ManyToOne(() => Shipment, undefined, { nullable: false }) shipment!: Shipment | undefined;
}

@Entity()
class Shipment {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Invoice, undefined, { nullable: false }) invoice!: Invoice;
}

@Entity()
class Root {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity()
class Left {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Root, undefined, { nullable: false }) root!: Root;
}

@Entity()
class Right {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Root, undefined, { nullable: false }) root!: Root;
}

@Entity()
class Leaf {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Left, undefined, { nullable: false }) left!: Left;
  @ManyToOne(() => Right, undefined, { nullable: false }) right!: Right;
}

@Entity()
class Ring1 {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Ring2) next!: Ring2 | null;
}

@Entity()
class Ring2 {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Ring3) next!: Ring3 | null;
}

@Entity()
class Ring3 {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Ring1) next!: Ring1 | null;
}

const names = (entities: readonly EntityMetadata[]) => entities.map((e) => e.name);
const keys = (relations: readonly { entity: EntityMetadata; propertyName: string }[]) => relations.map((r) => `${r.entity.name}.${r.propertyName}`);
const orderOf = (...classes: Function[]) => tableOrder(new EntityRegistry(classes).entities);

/** Every owning to-one key that is not deferred points at an entity placed earlier. */
function expectParentsFirst(entities: readonly EntityMetadata[], postUpdate: readonly unknown[]): void {
  const at = new Map(entities.map((e, i) => [e, i]));
  for (const entity of entities) {
    for (const r of entity.relations) {
      if (!r.owner || r.joinTable || r.target === entity || postUpdate.includes(r) || !at.has(r.target)) continue;
      expect(at.get(r.target)!).toBeLessThan(at.get(entity)!);
    }
  }
}

describe('tableOrder', () => {
  test('a users / posts / comments chain inserts parents first, whatever the declaration order', () => {
    expect(names(orderOf(Comment, Profile, Post, User).entities)).toEqual(['User', 'Profile', 'Post', 'Comment']);
    const natural = orderOf(User, Post, Comment, Profile);
    expect(names(natural.entities)).toEqual(['User', 'Post', 'Comment', 'Profile']);
    expect(natural).toMatchObject({ associationTables: [], postUpdate: [], selfReferencing: [] });
    expect(names([...natural.entities].reverse())).toEqual(['Profile', 'Comment', 'Post', 'User']);
  });

  test('relationships to entities outside the list are ignored', () => {
    const registry = new EntityRegistry([User, Post, Comment]);
    const order = tableOrder([registry.entity(Comment), registry.entity(Post)]);
    expect(names(order.entities)).toEqual(['Post', 'Comment']);
  });

  test('a many-to-many association table comes after both sides; a self many-to-many is no self-reference', () => {
    const registry = new EntityRegistry([Label, Person, Article, User]);
    const order = tableOrder(registry.entities);
    expect(names(order.entities)).toEqual(['Label', 'Person', 'User', 'Article']);
    expect(order.associationTables).toEqual([registry.entity(Person).relation('friends')!.joinTable, registry.entity(Article).relation('labels')!.joinTable]);
    expect(order.associationTables.map((t) => t.tableName)).toContain('article_label');
    expect(order.selfReferencing).toEqual([]);
    expect(order.postUpdate).toEqual([]);
  });

  test('an explicit association entity is ordered as an entity after both sides, not as an association table', () => {
    const order = orderOf(Enrollment, Course, Student);
    expect(names(order.entities)).toEqual(['Course', 'Student', 'Enrollment']);
    expect(order.associationTables).toEqual([]);
  });

  test('a self-reference is no cycle: it is noted for row ordering', () => {
    const registry = new EntityRegistry([Product, Category]);
    const order = tableOrder(registry.entities);
    expect(names(order.entities)).toEqual(['Category', 'Product']);
    expect(order.selfReferencing).toEqual([registry.entity(Category)]);
    expect(order.postUpdate).toEqual([]);
  });

  test('a two-table cycle is broken at its nullable foreign key, in either declaration order', () => {
    for (const classes of [[Employee, Department], [Department, Employee]]) {
      const registry = new EntityRegistry(classes);
      const order = tableOrder(registry.entities);
      expect(names(order.entities)).toEqual(['Department', 'Employee']);
      expect(order.postUpdate).toEqual([registry.entity(Department).relation('manager')]);
      expectParentsFirst(order.entities, order.postUpdate);
    }
  });

  test('when both keys of a cycle are nullable, the one pointing back against declaration order is deferred', () => {
    const teamFirst = orderOf(Team, Player);
    expect(names(teamFirst.entities)).toEqual(['Team', 'Player']);
    expect(keys(teamFirst.postUpdate)).toEqual(['Team.captain']);
    const playerFirst = orderOf(Player, Team);
    expect(names(playerFirst.entities)).toEqual(['Player', 'Team']);
    expect(keys(playerFirst.postUpdate)).toEqual(['Player.team']);
  });

  test('a three-table cycle is broken at its one nullable key and its dependants follow', () => {
    const order = orderOf(Airport, City, Country, Region);
    expect(names(order.entities)).toEqual(['Country', 'Region', 'City', 'Airport']);
    expect(keys(order.postUpdate)).toEqual(['Country.capital']);
    expectParentsFirst(order.entities, order.postUpdate);
  });

  test('a cycle of nullable keys defers only as many keys as needed', () => {
    const order = orderOf(Ring1, Ring2, Ring3);
    expect(order.postUpdate).toHaveLength(1);
    expect(order.entities).toHaveLength(3);
    expectParentsFirst(order.entities, order.postUpdate);
  });

  test('a cycle with no nullable key throws, naming the entities, the relationships and the fix', () => {
    const attempt = () => orderOf(Invoice, Shipment, User);
    expect(attempt).toThrow(MetadataError);
    expect(attempt).toThrow(
      /Cannot order a flush of Invoice, Shipment: the foreign keys Invoice\.shipment -> Shipment, Shipment\.invoice -> Invoice form a cycle and none of them is nullable.*\{ nullable: true \} on Invoice\.shipment.*UPDATE/,
    );
    expect(attempt).toThrow(expect.objectContaining({ code: 'metadata' }));
  });

  test('a diamond puts the shared parent first and breaks ties by declaration order', () => {
    expect(names(orderOf(Leaf, Right, Left, Root).entities)).toEqual(['Root', 'Right', 'Left', 'Leaf']);
    expect(names(orderOf(Root, Left, Right, Leaf).entities)).toEqual(['Root', 'Left', 'Right', 'Leaf']);
  });

  test('the result is deterministic, frozen and cached per entity list', () => {
    const classes = [Airport, Enrollment, Comment, Leaf, Student, Course, City, Label, Right, Country, Post, Article, Region, Left, User, Root, Person, Profile];
    const registry = new EntityRegistry(classes);
    const list = registry.entities;
    const order = tableOrder(list);
    expect(tableOrder(list)).toBe(order);
    expect(names(tableOrder(registry.entities).entities)).toEqual(names(order.entities));
    expect(names(tableOrder(new EntityRegistry(classes).entities).entities)).toEqual(names(order.entities));
    expect(order.entities).toHaveLength(classes.length);
    expectParentsFirst(order.entities, order.postUpdate);
    expect(Object.isFrozen(order) && Object.isFrozen(order.entities) && Object.isFrozen(order.postUpdate)).toBe(true);
  });
});

interface Node {
  readonly id: number;
  parents: Node[];
}

const node = (id: number, ...parents: Node[]): Node => ({ id, parents });
const parentsOf = (n: Node) => n.parents;
const ids = (nodes: readonly Node[]) => nodes.map((n) => n.id);

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('orderRows', () => {
  test('a 10,000-row tree in random order comes back parent-first, by depth', () => {
    const next = random(42);
    const tree: Node[] = [node(0)];
    for (let i = 1; i < 10_000; i++) tree.push(node(i, tree[Math.floor(next() * i)]!));
    const shuffled = [...tree];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const { ordered, cyclic } = orderRows(shuffled, parentsOf);
    expect(cyclic).toEqual([]);
    expect(new Set(ordered).size).toBe(10_000);
    const at = new Map(ordered.map((n, i) => [n, i]));
    const depth = new Map<Node, number>();
    for (const n of tree) depth.set(n, n.parents.length === 0 ? 0 : depth.get(n.parents[0]!)! + 1);
    let misplaced = 0;
    ordered.forEach((n, i) => {
      if (n.parents.some((p) => at.get(p)! >= i)) misplaced++;
      if (i > 0 && depth.get(ordered[i - 1]!)! > depth.get(n)!) misplaced++;
    });
    expect(misplaced).toBe(0);
  });

  test('a 10,000-row chain given leaf first does not overflow the stack', () => {
    const chain: Node[] = [node(0)];
    for (let i = 1; i < 10_000; i++) chain.push(node(i, chain[i - 1]!));
    const { ordered } = orderRows([...chain].reverse(), parentsOf);
    expect(ids(ordered)).toEqual(ids(chain));
  });

  test('rows with no order between them keep their input order', () => {
    const r1 = node(1);
    const r2 = node(2);
    const child = node(3, r2);
    const r3 = node(4);
    const grandchild = node(5, child, r1);
    expect(ids(orderRows([grandchild, r1, child, r2, r3], parentsOf).ordered)).toEqual([1, 2, 4, 3, 5]);
  });

  test('rows on a cycle come back in cyclic; rows below them stay in ordered', () => {
    const a = node(1);
    const b = node(2, a);
    a.parents.push(b);
    const c = node(3, a);
    const d = node(4);
    const e = node(5);
    e.parents.push(e);
    const f = node(6, c);
    const { ordered, cyclic } = orderRows([c, a, d, b, e, f], parentsOf);
    expect(ids(cyclic)).toEqual([1, 2, 5]);
    expect(ids(ordered)).toEqual([3, 4, 6]);
  });

  test('parents outside the batch are ignored; repeated rows and parents count once', () => {
    const persisted = node(0);
    const x = node(1, persisted);
    const y = node(2, x, x);
    const z = node(3, persisted, y);
    const { ordered, cyclic } = orderRows([z, y, x, y], parentsOf);
    expect(ids(ordered)).toEqual([1, 2, 3]);
    expect(cyclic).toEqual([]);
    expect(orderRows([], parentsOf)).toEqual({ ordered: [], cyclic: [] });
  });

  test('the DELETE order is the reverse: children first', () => {
    const root = node(1);
    const mid = node(2, root);
    const leaf = node(3, mid);
    expect(ids(orderRows([root, leaf, mid], parentsOf).ordered.reverse())).toEqual([3, 2, 1]);
  });
});

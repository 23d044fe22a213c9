/*
 * The default registry resolves declared entities one connected component at a time: a
 * broken entity raises its error in itself and the entities linked to it, unrelated ones
 * keep working, and metadata objects stay the same while nothing linked to them changes.
 * Explicit class lists still resolve, and fail, as a whole.
 */
import {
  Column,
  Entity,
  EntityRegistry,
  insert,
  ManyToMany,
  ManyToOne,
  MetaData,
  MetadataError,
  metadata,
  OneToMany,
  PrimaryGeneratedColumn,
  select,
} from '@strata/core';

const AMBIGUOUS = /Broken\.maybe: cannot tell the column type from the TypeScript type Object/;

@Entity()
class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => Post, 'author') posts!: Post[];
}

@Entity()
class Post {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => User, 'posts') author!: User;
  @ManyToMany(() => Label, undefined, { through: () => PostLabel }) labels!: Label[];
}

@Entity()
class Label {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity()
class PostLabel {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Post) post!: Post;
  @ManyToOne(() => Label) label!: Label;
}

@Entity()
class Loner {
  @PrimaryGeneratedColumn() id!: number;
}

/** Only Broken points at Victim; the link still ties Victim's resolution to Broken's. */
@Entity()
class Victim {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity()
class Broken {
  @PrimaryGeneratedColumn() id!: number;
  @Column() maybe!: string | null;
  @ManyToOne(() => Victim) victim!: Victim;
}

/** Not an entity: its relationship links every entity that extends it. */
abstract class PointsAtBroken {
  @ManyToOne(() => Broken) broken!: Broken;
}

@Entity()
class Heir extends PointsAtBroken {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity('clash')
class ClashA {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity('clash')
class ClashB {
  @PrimaryGeneratedColumn() id!: number;
}

describe('the default registry isolates broken entities', () => {
  test('one bad @Entity does not break queries on unrelated entities', () => {
    expect(() => select(User)).not.toThrow();
    expect(select(User).where((u) => u.name.eq('ann')).node.kind).toBe('select');
    expect(metadata.entity(Post).relation('author')!.target).toBe(metadata.entity(User));
    expect(metadata.has(Label)).toBe(true);
  });

  test('the broken entity raises its own error, in queries and in the registry', () => {
    expect(() => select(Broken)).toThrow(MetadataError);
    expect(() => select(Broken)).toThrow(AMBIGUOUS);
    expect(() => metadata.entity(Broken)).toThrow(AMBIGUOUS);
    expect(() => metadata.has(Broken)).toThrow(AMBIGUOUS);
  });

  test('entities linked to a broken one raise its error: by a relationship in either direction, or through a base class', () => {
    expect(() => metadata.entity(Victim)).toThrow(AMBIGUOUS);
    expect(() => insert(Heir)).toThrow(AMBIGUOUS);
  });

  test('the whole model (entities, createAll, toSQL) raises the first error', () => {
    expect(() => metadata.entities).toThrow(AMBIGUOUS);
    expect(() => metadata.toSchema()).toThrow(AMBIGUOUS);
  });

  test('two unrelated entities mapped to one table both raise the clash; others work', () => {
    expect(() => metadata.entity(ClashA)).toThrow(/ClashB and ClashA both map to table 'clash'/);
    expect(() => metadata.entity(ClashB)).toThrow(/both map to table 'clash'/);
    expect(metadata.entity(Label).tableName).toBe('label');
  });

  test('relationships resolve across the classes of one component, through entities included', () => {
    const post = metadata.entity(Post);
    const labels = post.relation('labels')!;
    expect(labels.target).toBe(metadata.entity(Label));
    expect(labels.joinTable!.entity).toBe(metadata.entity(PostLabel));
    expect(metadata.entity(User).relation('posts')!.inverse).toBe(post.relation('author'));
  });

  test('an undeclared class is reported as not mapped', () => {
    class Plain {}
    expect(() => metadata.entity(Plain)).toThrow(/Plain is not a mapped entity: decorate it with @Entity\(\)/);
    expect(metadata.has(Plain)).toBe(false);
  });
});

describe('metadata identity', () => {
  test('an entity resolves to the same object on every call while nothing new is declared', () => {
    const user = metadata.entity(User);
    expect(metadata.entity(User)).toBe(user);
    expect(select(User).node.from[0]).toMatchObject({ entity: user });
    expect(new MetaData().entity(User)).toBe(user);
    expect(new EntityRegistry().entity(Post)).toBe(metadata.entity(Post));
  });

  test('declaring an unrelated class keeps the objects; declaring a linked one rebuilds its component', () => {
    const user = metadata.entity(User);
    const loner = metadata.entity(Loner);
    const Later = declareLater();
    expect(metadata.entity(Loner)).toBe(loner);
    expect(metadata.entity(Later).relation('author')!.target).not.toBe(user);
    expect(metadata.entity(Later).relation('author')!.target).toBe(metadata.entity(User));
    expect(metadata.entity(User)).not.toBe(user);
  });

  test('a relationship to a class declared later resolves once that class is declared', () => {
    // Assigned after the first resolution on purpose: a const here would be in its temporal dead zone then.
    // eslint-disable-next-line prefer-const
    let Target: (new () => object) | undefined;
    @Entity()
    class Early {
      @PrimaryGeneratedColumn() id!: number;
      @ManyToOne(() => Target!) target!: object;
    }
    expect(() => metadata.entity(Early)).toThrow(/Early\.target: the relationship target resolved to undefined/);
    @Entity()
    class Late {
      @PrimaryGeneratedColumn() id!: number;
    }
    Target = Late;
    expect(metadata.entity(Early).relation('target')!.target).toBe(metadata.entity(Late));
  });
});

describe('explicit class lists resolve as a whole', () => {
  test('new EntityRegistry([...]) with one broken class fails for every class in it', () => {
    const registry = new EntityRegistry([User, Post, Label, PostLabel, Broken, Victim]);
    expect(() => registry.entity(User)).toThrow(AMBIGUOUS);
    expect(() => registry.entities).toThrow(AMBIGUOUS);
  });

  test('new MetaData([...]) with one broken class fails for every class in it', () => {
    const md = new MetaData([User, Post, Label, PostLabel, Broken, Victim]);
    expect(() => md.entity(Label)).toThrow(AMBIGUOUS);
    expect(() => md.toSchema()).toThrow(AMBIGUOUS);
  });

  test('a valid list resolves to its own objects, not the default registry\'s', () => {
    const registry = new EntityRegistry([User, Post, Label, PostLabel]);
    expect(registry.entity(User)).toBe(registry.entity(User));
    expect(registry.entity(User)).not.toBe(metadata.entity(User));
    expect(registry.entity(Post).relation('author')!.target).toBe(registry.entity(User));
  });
});

function declareLater(): Function {
  @Entity()
  class Later {
    @PrimaryGeneratedColumn() id!: number;
    @ManyToOne(() => User) author!: User;
  }
  return Later;
}

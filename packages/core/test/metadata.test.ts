import {
  Check,
  Column,
  CreateDateColumn,
  defineType,
  EagerProps,
  Entity,
  EntityRegistry,
  Index,
  ManyToMany,
  ManyToOne,
  OneToMany,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  sql,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from '@strata/core';

abstract class Timestamped {
  @CreateDateColumn() createdAt!: Date;
  @UpdateDateColumn() updatedAt!: Date;
}

enum Role {
  Admin = 'admin',
  Member = 'member',
}

@Entity('users')
@Index(['name', 'email'])
class User extends Timestamped {
  declare [EagerProps]?: 'posts';
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @Column({ unique: true }) email!: string;
  @Column({ enum: Role, default: Role.Member }) role!: Role;
  @Column({ type: 'json', nullable: true }) settings!: Record<string, unknown> | null;
  @Column({ type: 'timestamp', timeZone: 'Europe/Stockholm', dst: 'reject', nullable: true }) startsAt!: Date | null;
  @Column({ type: 'timestamptz', serverDefault: sql`CURRENT_TIMESTAMP` }) seenAt!: Date;
  @VersionColumn() version!: number;
  @OneToMany(() => Post, 'author', { cascade: 'all, delete-orphan', lazy: 'selectin' }) posts!: Post[];
  @OneToOne(() => Profile, 'user') profile!: Profile | null;
}

@Entity()
@Check('length(title) > 0')
class Post {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column({ type: 'numeric', precision: 10, scale: 2, default: '0.00' }) price!: string;
  @ManyToOne(() => User, 'posts', { nullable: false, onDelete: 'CASCADE' }) author!: User;
  @ManyToMany(() => Tag, 'posts', { joinTable: true }) tags!: Tag[];
}

@Entity()
class Tag {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column() label!: string;
  @ManyToMany(() => Post, 'tags') posts!: Post[];
}

@Entity()
class Profile {
  @PrimaryGeneratedColumn() id!: number;
  @OneToOne(() => User, 'profile', { joinColumn: 'owner_id', nullable: false }) user!: User;
}

@Entity()
class Category {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => Category, 'children') parent!: Category | null;
  @OneToMany(() => Category, 'parent') children!: Category[];
}

@Entity()
@Unique(['tenant', 'code'])
class Account {
  declare [PrimaryKeyProps]?: ['tenant', 'code'];
  @PrimaryColumn() tenant!: string;
  @PrimaryColumn() code!: string;
}

@Entity()
class Invoice {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'bigint' }) amount!: bigint;
  @ManyToOne(() => Account, undefined, { nullable: false }) account!: Account;
}

const registry = new EntityRegistry([User, Post, Tag, Profile, Category, Account, Invoice]);

describe('metadata', () => {
  test('names follow snake_case and explicit table names win', () => {
    const user = registry.entity(User);
    expect(user.tableName).toBe('users');
    expect(registry.entity(Post).tableName).toBe('post');
    expect(user.columns.map((c) => c.columnName)).toEqual([
      'created_at', 'updated_at', 'id', 'name', 'email', 'role', 'settings', 'starts_at', 'seen_at', 'version',
    ]);
  });

  test('types are inferred where unambiguous and parameters kept', () => {
    const user = registry.entity(User);
    expect(user.column('name')!.type).toEqual({ name: 'varchar', length: 100 });
    expect(user.column('email')!.type).toEqual({ name: 'varchar', length: 255 });
    expect(user.column('createdAt')!.type.name).toBe('timestamptz');
    expect(user.column('role')!.type).toMatchObject({ name: 'enum', enumValues: ['admin', 'member'], enumName: 'users_role_enum' });
    expect(user.column('role')!.default!()).toBe('member');
    expect(user.column('startsAt')).toMatchObject({ timeZone: 'Europe/Stockholm', dst: 'reject', nullable: true });
    expect(user.column('seenAt')!.serverDefault).toEqual({ sql: expect.anything() });
    expect(user.versionColumn?.propertyName).toBe('version');
    expect(registry.entity(Post).column('price')!.type).toEqual({ name: 'numeric', precision: 10, scale: 2 });
    expect(registry.entity(Tag).column('id')).toMatchObject({ generated: 'uuid', type: { name: 'uuid' } });
    expect(registry.entity(Invoice).column('amount')!.bigintMode).toBe('bigint');
  });

  test('a many-to-one creates its foreign-key column and pairs with the one-to-many', () => {
    const post = registry.entity(Post);
    const author = post.relation('author')!;
    expect(author).toMatchObject({ kind: 'many-to-one', owner: true, nullable: false, onDelete: 'CASCADE' });
    expect(author.foreignKey.map((fk) => [fk.column.columnName, fk.referenced.columnName])).toEqual([['author_id', 'id']]);
    expect(author.foreignKey[0]!.column).toMatchObject({ nullable: false, propertyName: undefined, relationProperty: 'author', type: { name: 'integer' } });
    const posts = registry.entity(User).relation('posts')!;
    expect(posts).toMatchObject({ kind: 'one-to-many', owner: false, isCollection: true, lazy: 'selectin' });
    expect(posts.inverse).toBe(author);
    expect(author.inverse).toBe(posts);
    expect(posts.foreignKey).toBe(author.foreignKey);
    expect([...posts.cascade].sort()).toEqual(['delete', 'delete-orphan', 'expunge', 'merge', 'refresh-expire', 'save-update']);
    expect([...author.cascade].sort()).toEqual(['merge', 'save-update']);
  });

  test('one-to-one: the joinColumn side owns a unique foreign key', () => {
    const user = registry.entity(Profile).relation('user')!;
    expect(user).toMatchObject({ owner: true, kind: 'one-to-one' });
    expect(user.foreignKey[0]!.column).toMatchObject({ columnName: 'owner_id', unique: true });
    expect(registry.entity(Profile).uniques).toEqual([{ name: 'uq_profile_owner_id', columns: ['owner_id'] }]);
    expect(registry.entity(User).relation('profile')).toMatchObject({ owner: false, inverse: user });
  });

  test('many-to-many builds the association table from the owning side, mirrored on the other', () => {
    const tags = registry.entity(Post).relation('tags')!;
    expect(tags.joinTable).toMatchObject({ tableName: 'post_tag' });
    expect(tags.joinTable!.ownerColumns.map((c) => c.name)).toEqual(['post_id']);
    expect(tags.joinTable!.targetColumns.map((c) => [c.name, c.referenced.type.name])).toEqual([['tag_id', 'uuid']]);
    const posts = registry.entity(Tag).relation('posts')!;
    expect(posts.owner).toBe(false);
    expect(posts.joinTable!.ownerColumns.map((c) => c.name)).toEqual(['tag_id']);
    expect(posts.inverse).toBe(tags);
  });

  test('self-reference and composite foreign keys', () => {
    const parent = registry.entity(Category).relation('parent')!;
    expect(parent.target).toBe(registry.entity(Category));
    expect(parent.foreignKey[0]!.column.columnName).toBe('parent_id');
    const account = registry.entity(Invoice).relation('account')!;
    expect(account.foreignKey.map((fk) => fk.column.columnName)).toEqual(['account_tenant', 'account_code']);
    expect(account.inverse).toBeUndefined();
    expect(registry.entity(Account).primaryKey.map((c) => c.columnName)).toEqual(['tenant', 'code']);
  });

  test('indexes, uniques and checks get generated names', () => {
    const user = registry.entity(User);
    expect(user.indexes).toEqual([{ name: 'ix_users_name_email', columns: ['name', 'email'], unique: false, where: undefined }]);
    expect(user.uniques).toEqual([{ name: 'uq_users_email', columns: ['email'] }]);
    expect(registry.entity(Account).uniques).toEqual([{ name: 'uq_account_tenant_code', columns: ['tenant', 'code'] }]);
    expect(registry.entity(Post).checks[0]).toMatchObject({ expression: 'length(title) > 0', name: expect.stringMatching(/^ck_post_/) });
  });

  test('custom types store as their built-in type', () => {
    const Money = defineType<{ cents: number }, string>({
      name: 'money',
      storage: { name: 'numeric', precision: 12, scale: 2 },
      toDriver: (v) => (v.cents / 100).toFixed(2),
      fromDriver: (raw) => ({ cents: Math.round(Number(raw) * 100) }),
    });
    @Entity()
    class Wallet {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ type: Money }) balance!: { cents: number };
    }
    const wallet = new EntityRegistry([Wallet]).entity(Wallet);
    expect(wallet.column('balance')!.type).toMatchObject({ name: 'numeric', precision: 12, scale: 2, custom: Money });
  });
});

describe('metadata errors name the class, the property and the fix', () => {
  test('a relation target that is undefined because of an import cycle', () => {
    const Missing = undefined as unknown as new () => object;
    expect(() => {
      class Broken {
        @ManyToOne(Missing) other!: object;
      }
      return Broken;
    }).toThrow(/Broken\.other: the target of @ManyToOne is undefined.*import cycle.*\(\) => Target/);
  });

  test('an ambiguous TypeScript type', () => {
    @Entity()
    class Loose {
      @PrimaryGeneratedColumn() id!: number;
      @Column() data!: Record<string, unknown>;
    }
    expect(() => new EntityRegistry([Loose]).entity(Loose)).toThrow(/Loose\.data: cannot tell the column type from the TypeScript type Object.*type: 'json'/);
  });

  test('no primary key', () => {
    @Entity()
    class Keyless {
      @Column() name!: string;
    }
    expect(() => new EntityRegistry([Keyless]).entities).toThrow(/Keyless has no primary key: add @PrimaryGeneratedColumn\(\)/);
  });

  test('a one-to-many without its many-to-one', () => {
    @Entity()
    class Child {
      @PrimaryGeneratedColumn() id!: number;
    }
    @Entity()
    class Parent {
      @PrimaryGeneratedColumn() id!: number;
      @OneToMany(() => Child, 'parent') children!: Child[];
    }
    expect(() => new EntityRegistry([Parent, Child]).entities).toThrow(/Parent\.children: @OneToMany needs the @ManyToOne on Child that points back/);
  });

  test('a target missing from an explicit MetaData list', () => {
    expect(() => new EntityRegistry([Post]).entities).toThrow(/Post\.author: the target User is not a mapped entity here/);
  });

  test('an unknown cascade and a bad time zone', () => {
    @Entity()
    class A1 {
      @PrimaryGeneratedColumn() id!: number;
      @ManyToOne(() => A1, undefined, { cascade: 'save-update, explode' }) self!: A1;
    }
    expect(() => new EntityRegistry([A1]).entities).toThrow(/A1\.self: unknown cascade 'explode'/);
    @Entity()
    class A2 {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ type: 'timestamp', timeZone: 'Mars/Olympus' }) at!: Date;
    }
    expect(() => new EntityRegistry([A2]).entities).toThrow(/A2\.at: 'Mars\/Olympus' is not a time zone/);
  });

  test('two properties on one column, and a bidirectional one-to-one with no owner', () => {
    @Entity()
    class Dup {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ name: 'x' }) a!: string;
      @Column({ name: 'x' }) b!: string;
    }
    expect(() => new EntityRegistry([Dup]).entities).toThrow(/Dup\.b and Dup\.a both map to column 'x'/);
    @Entity()
    class L {
      @PrimaryGeneratedColumn() id!: number;
      @OneToOne(() => R, 'l') r!: object;
    }
    @Entity()
    class R {
      @PrimaryGeneratedColumn() id!: number;
      @OneToOne(() => L, 'r') l!: object;
    }
    expect(() => new EntityRegistry([L, R]).entities).toThrow(/needs joinColumn on the side whose table holds the foreign key/);
  });

  test('a class that is not an entity', () => {
    class Plain {}
    expect(() => registry.entity(Plain)).toThrow(/Plain is not a mapped entity of this MetaData/);
  });
});

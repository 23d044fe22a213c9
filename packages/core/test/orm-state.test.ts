import { Column, DetachedInstanceError, Entity, EntityRegistry, inspect, InvalidStateError, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps, UnloadedRelationError } from '@strata/core';
import { EntityMapper } from '../src/orm/state/entity-mapper';
import { adoptOwnProperties } from '../src/orm/state/instrument';
import { stateOf, type StateSession } from '../src/orm/state/instance-state';
import { IdentityMap } from '../src/orm/identity/identity-map';

@Entity('st_author')
class StAuthor {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @Column({ type: 'timestamptz', nullable: true }) seen!: Date | null;
  @OneToMany(() => StBook, 'author') books!: StBook[];
}

@Entity('st_book')
class StBook {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => StAuthor, 'books') author!: StAuthor | null;
}

@Entity('st_pair')
class StPair {
  declare [PrimaryKeyProps]?: ['a', 'b'];
  @PrimaryColumn() a!: string;
  @PrimaryColumn({ type: 'integer' }) b!: number;
}

const registry = new EntityRegistry([StAuthor, StBook, StPair]);
const authors = EntityMapper.for(registry.entity(StAuthor));

function owner(strict = false): StateSession & { dirty: unknown[] } {
  const dirty: unknown[] = [];
  return { strict, dirty, markDirty: (s) => void dirty.push(s) };
}

describe('instance state and instrumentation', () => {
  test('an object made with new keeps its values in its state and reads them back', () => {
    const author = new StAuthor();
    author.name = 'Ann';
    expect(author.name).toBe('Ann');
    expect(Object.keys(author)).toEqual([]);
    expect(JSON.parse(JSON.stringify(author))).toEqual({ id: undefined, name: 'Ann', seen: undefined });
    expect(inspect(author).status).toBe('transient');
    // A relationship of an unsaved object is truthfully empty.
    expect(author.books).toEqual([]);
    author.books.push(new StBook());
    expect(author.books).toHaveLength(1);
  });

  test('a loaded object records its snapshot on the first change only, and tells its owner once', () => {
    const state = authors.materialize([1, 'Ann', null], 'persistent');
    const tracker = owner();
    state.toPersistent(1, tracker);
    const author = state.object as StAuthor;
    expect(author.name).toBe('Ann');
    author.name = 'Ann';
    expect(state.snapshot).toBeUndefined();
    author.name = 'Bo';
    author.seen = new Date(0);
    expect(tracker.dirty).toEqual([state]);
    expect(inspect(author).modified).toEqual(['name', 'seen']);
    author.name = 'Ann';
    expect(inspect(author).modified).toEqual(['seen']);
    state.markClean();
    expect(inspect(author).modified).toEqual([]);
    expect(inspect(author)).toMatchObject({ status: 'persistent', identity: [1] });
  });

  test('equal dates and buffers are not changes', () => {
    const state = authors.materialize([1, 'Ann', new Date(5)], 'persistent');
    state.toPersistent(1, owner());
    (state.object as StAuthor).seen = new Date(5);
    expect(state.changedColumns()).toEqual([]);
  });

  test('strict mode refuses to serve an expired value; the default serves the committed one', () => {
    const state = authors.materialize([1, 'Ann', null], 'persistent');
    state.toPersistent(1, owner(true));
    state.expired = true;
    expect(() => (state.object as StAuthor).name).toThrow(InvalidStateError);
    expect(() => (state.object as StAuthor).name).toThrow(/StAuthor\.name was read after the session committed.*expireOnCommit: false/);
    state.toPersistent(1, owner(false));
    expect((state.object as StAuthor).name).toBe('Ann');
  });

  test('an unloaded relationship throws, never pretends to be empty', () => {
    const state = authors.materialize([1, 'Ann', null], 'persistent');
    state.toPersistent(1, owner());
    expect(() => (state.object as StAuthor).books).toThrow(UnloadedRelationError);
    expect(() => (state.object as StAuthor).books).toThrow(/StAuthor\.books is not loaded.*session\.load\(obj, 'books'\)/);
    state.detach();
    expect(() => (state.object as StAuthor).books).toThrow(DetachedInstanceError);
  });

  test('own properties set by a constructor are adopted behind the accessors', () => {
    const book = Object.assign(Object.create(StBook.prototype) as StBook, {});
    Object.defineProperty(book, 'title', { value: 'Own', writable: true, enumerable: true, configurable: true });
    const books = EntityMapper.for(registry.entity(StBook));
    const state = adoptOwnProperties(books, book);
    expect(Object.keys(book)).toEqual([]);
    expect(book.title).toBe('Own');
    expect(state.values[books.columnIndex('title')]).toBe('Own');
  });

  test('identity keys: the value for one column, a typed text for composite keys', () => {
    expect(authors.identityKey([7, 'x', null])).toBe(7);
    const pairs = EntityMapper.for(registry.entity(StPair));
    expect(pairs.identityKey(['1', 1])).not.toBe(pairs.identityKey([1, '1']));
    expect(pairs.hasIdentity(['a', null])).toBe(false);
  });
});

describe('identity map', () => {
  test('one object per key; removal and clearing', () => {
    const map = new IdentityMap();
    const a = authors.materialize([1, 'Ann', null], 'persistent');
    a.toPersistent(1);
    map.add(a);
    expect(map.get(authors.metadata, 1)).toBe(a);
    expect(map.get(authors.metadata, 2)).toBeUndefined();
    expect([...map.states()]).toEqual([a]);
    map.remove(a);
    expect(map.size).toBe(0);
    map.add(a, true);
    expect(map.get(authors.metadata, 1)).toBe(a);
    map.pin(a);
    map.clear();
    expect(map.get(authors.metadata, 1)).toBeUndefined();
    expect(stateOf(a.object)).toBe(a);
  });
});

/*
 * Standard (TC39) decorators without type metadata: what resolves without help, and the
 * errors that name the entity, the property and the fix.
 */
import { EntityRegistry, MetadataError } from '../src';
import {
  constructed,
  SdArrayInitialized,
  SdConstructed,
  SdDerived,
  SdInitialized,
  SdNullInitialized,
  SdThrowing,
  SdTyped,
  SdTypedCounted,
  SdUntyped,
  staticField,
} from './fixtures/standard-decorated.std';

describe('standard decorators', () => {
  test('a column whose type cannot be known fails with the entity, the property and both fixes', () => {
    expect(() => new EntityRegistry([SdUntyped]).entity(SdUntyped)).toThrow(MetadataError);
    expect(() => new EntityRegistry([SdUntyped]).entity(SdUntyped)).toThrow(
      /SdUntyped\.mystery: the column type is not known: this class was compiled without TypeScript type metadata.*@Column\(\{ type: 'varchar' \}\).*legacy decorators and emitDecoratorMetadata/,
    );
  });

  test('a generated key is an integer by convention; typed columns and relationships need nothing more', () => {
    const entity = new EntityRegistry([SdTyped]).entity(SdTyped);
    expect(entity.columns.map((c) => [c.propertyName ?? c.relationProperty, c.type.name])).toEqual([
      ['id', 'integer'],
      ['label', 'text'],
      ['parent', 'integer'],
    ]);
  });

  test('an initial value types its column as the design type would (a fractional number is a double); methods and getters of the class work while it is read', () => {
    const entity = new EntityRegistry([SdInitialized]).entity(SdInitialized);
    expect(entity.columns.map((c) => [c.propertyName, c.type.name])).toEqual([
      ['id', 'integer'],
      ['count', 'integer'],
      ['ratio', 'double'],
      ['title', 'varchar'],
      ['active', 'boolean'],
      ['seenAt', 'timestamptz'],
      ['big', 'bigint'],
      ['slug', 'varchar'],
    ]);
  });

  test('an initial null or array tells nothing, and the error says what the value was', () => {
    expect(() => new EntityRegistry([SdNullInitialized]).entity(SdNullInitialized)).toThrow(/SdNullInitialized\.note: the column type is not known: .*give the field an initial value it can be told from/);
    expect(() => new EntityRegistry([SdArrayInitialized]).entity(SdArrayInitialized)).toThrow(
      /SdArrayInitialized\.tags: the column type is not known \(its initial value, an array, does not tell it: e\.g\. @Column\(\{ type: 'json' \}\)/,
    );
  });

  test('no constructor that takes arguments runs, its own or a base class\'s; one that throws is named', () => {
    expect(() => new EntityRegistry([SdConstructed]).entity(SdConstructed)).toThrow(/SdConstructed\.name: the column type is not known \(its initial value could not be read: the constructor of SdConstructed takes arguments/);
    expect(() => new EntityRegistry([SdConstructed]).entity(SdConstructed)).not.toThrow(/give the field an initial value/);
    expect(() => new EntityRegistry([SdDerived]).entity(SdDerived)).toThrow(/SdDerived\.name: .*the constructor of SdBaseWithArguments takes arguments/);
    expect(constructed.count).toBe(0);
    expect(() => new EntityRegistry([SdThrowing]).entity(SdThrowing)).toThrow(/SdThrowing\.name: .*making an instance of SdThrowing to read it failed \(needs a request context\)/);
  });

  test('an entity whose columns all have their types is never constructed to build its metadata', () => {
    expect(new EntityRegistry([SdTypedCounted]).entity(SdTypedCounted).columns.map((c) => c.type.name)).toEqual(['integer', 'text']);
    expect(constructed.typed).toBe(0);
  });

  test('a decorator on a static field is refused, naming the decorator and the field', () => {
    expect(() => staticField()).toThrow(/@Column goes on an instance field with a plain name; got a static field label/);
  });
});

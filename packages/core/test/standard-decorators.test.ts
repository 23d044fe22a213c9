/*
 * Standard (TC39) decorators without type metadata: what resolves without help, and the
 * errors that name the entity, the property and the fix.
 */
import { EntityRegistry, MetadataError } from '../src';
import { SdConstructed, SdInitialized, SdNullInitialized, SdTyped, SdUntyped, staticField } from './fixtures/standard-decorated.std';

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

  test('a field initializer types its column as the design type would: number, string, boolean, Date, bigint', () => {
    const entity = new EntityRegistry([SdInitialized]).entity(SdInitialized);
    expect(entity.columns.map((c) => [c.propertyName, c.type.name])).toEqual([
      ['id', 'integer'],
      ['count', 'integer'],
      ['title', 'varchar'],
      ['active', 'boolean'],
      ['seenAt', 'timestamptz'],
      ['big', 'bigint'],
    ]);
  });

  test('an initial null, or a constructor that takes arguments, tells nothing: the error says to give the type or an initial value', () => {
    expect(() => new EntityRegistry([SdNullInitialized]).entity(SdNullInitialized)).toThrow(/SdNullInitialized\.note: the column type is not known: .*give the field an initial value it can be told from/);
    expect(() => new EntityRegistry([SdConstructed]).entity(SdConstructed)).toThrow(/SdConstructed\.name: the column type is not known/);
  });

  test('a decorator on a static field is refused, naming the decorator and the field', () => {
    expect(() => staticField()).toThrow(/@Column goes on an instance field with a plain name; got a static field label/);
  });
});

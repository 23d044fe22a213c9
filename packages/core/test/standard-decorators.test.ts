/*
 * Standard (TC39) decorators without type metadata: what resolves without help, and the
 * errors that name the entity, the property and the fix.
 */
import { EntityRegistry, MetadataError } from '../src';
import { SdTyped, SdUntyped, staticField } from './fixtures/standard-decorated.std';

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

  test('a decorator on a static field is refused, naming the decorator and the field', () => {
    expect(() => staticField()).toThrow(/@Column goes on an instance field with a plain name; got a static field label/);
  });
});

/*
 * Legacy decorators and reflect-metadata, an optional peer: what a column's type is when
 * the metadata TypeScript emitted could not be recorded, and what the error says to do.
 */
import { Column, Entity, EntityRegistry, MetadataError, PrimaryGeneratedColumn, type ColumnOptions } from '../src';

/**
 * Applies legacy decorators by hand, as TypeScript's emitted code does, while
 * `Reflect.getMetadata` does not exist: a generated key and a `label` column with
 * `labelOptions`. The first decorator factory has already tried to load reflect-metadata
 * (installed here), so taking `getMetadata` away is what a project without the package looks
 * like to the decorators.
 */
function declareWithoutReflectMetadata(table: string, labelOptions: ColumnOptions = {}): Function {
  Column();
  const reflect = Reflect as { getMetadata?: unknown };
  const saved = reflect.getMetadata;
  delete reflect.getMetadata;
  try {
    const entity = { [table]: class {
      id!: number;
      label!: string;
    } }[table]!;
    PrimaryGeneratedColumn()(entity.prototype, 'id');
    Column(labelOptions)(entity.prototype, 'label');
    Entity(table)(entity);
    return entity;
  } finally {
    reflect.getMetadata = saved;
  }
}

describe('legacy decorators without reflect-metadata', () => {
  const gadget = declareWithoutReflectMetadata('TmGadget');

  test('a column that needed the type metadata names reflect-metadata as the cause, and both fixes', () => {
    expect(() => new EntityRegistry([gadget]).entity(gadget)).toThrow(MetadataError);
    expect(() => new EntityRegistry([gadget]).entity(gadget)).toThrow(
      /TmGadget\.label: the column type is not known: this class uses legacy decorators and no type metadata was recorded, since the reflect-metadata package is not installed\. .*npm install reflect-metadata.*@Column\(\{ type: 'varchar' \}\)/,
    );
  });

  test('a generated key is still an integer by convention', () => {
    const withType = declareWithoutReflectMetadata('TmTyped', { type: 'varchar', length: 20 });
    expect(new EntityRegistry([withType]).entity(withType).columns.map((c) => [c.propertyName, c.type.name])).toEqual([
      ['id', 'integer'],
      ['label', 'varchar'],
    ]);
  });
});

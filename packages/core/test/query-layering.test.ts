/*
 * The query layer sits on metadata and sql only: loading it must not load the schema
 * layer (Engine, DDL planning, introspection), the engine, the pool or the ORM. The default
 * registry lives in the metadata layer; schema's `metadata` installs itself there, and
 * queries and `metadata` always resolve a class to the same EntityMetadata object.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Column, Entity, EntityRegistry, insert, metadata, MetaData, MetadataError, PrimaryGeneratedColumn, ref, select } from '@strata/core';
import { defaultRegistry, installDefaultRegistry } from '../src/metadata/entity-registry';
import { slotOf } from '../src/query/query-types';

const SRC = join(__dirname, '../src');

@Entity()
class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
}

/** Every module of the layers above the query layer, as absolute paths without extension. */
function upperModules(): string[] {
  return ['schema', 'engine', 'pool', 'orm', 'migration'].flatMap((dir) => modulesUnder(join(SRC, dir)));
}

function modulesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? modulesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name.slice(0, -3))] : []));
}

describe('query layering', () => {
  test('loading the query layer loads no schema, engine, pool or ORM module', () => {
    const loaded: string[] = [];
    const upper = upperModules();
    expect(upper).toContain(join(SRC, 'schema/meta-data'));
    for (const path of upper) {
      jest.doMock(path, () => {
        loaded.push(path.slice(SRC.length + 1));
        return {};
      });
    }
    try {
      jest.isolateModules(() => {
        require('../src/query/index');
      });
    } finally {
      for (const path of upper) jest.dontMock(path);
    }
    expect(loaded).toEqual([]);
  });

  test('ref(User) and metadata.entity(User) give the same EntityMetadata object', () => {
    const entity = metadata.entity(User);
    expect(slotOf(ref(User))!.source).toMatchObject({ kind: 'entity', entity });
    expect(insert(User).node.source.entity).toBe(entity);
    expect(select(User).node.from[0]).toMatchObject({ entity });
    expect(defaultRegistry()).toBe(metadata);
  });

  test('metadata resolved before the schema module loads is the metadata `metadata` gives once it does', () => {
    jest.isolateModules(() => {
      const decorators = require('../src/metadata/decorators');
      const registry = require('../src/metadata/entity-registry');
      const entityRef = require('../src/query/entity-ref');
      const types = require('../src/query/query-types');
      class Early {}
      decorators.PrimaryColumn({ type: 'integer' })(Early.prototype, 'id');
      decorators.Entity()(Early);
      const before = types.slotOf(entityRef.ref(Early)).source.entity;
      // Nothing has loaded the schema layer yet: the metadata layer answered with a plain registry.
      expect(Object.getPrototypeOf(registry.defaultRegistry())).toBe(registry.EntityRegistry.prototype);
      const schema = require('../src/schema/meta-data');
      expect(registry.defaultRegistry()).toBe(schema.metadata);
      expect(schema.metadata.entity(Early)).toBe(before);
      expect(types.slotOf(entityRef.ref(Early)).source.entity).toBe(before);
    });
  });

  test('only a registry of every declared entity under the default naming can be the default, and only one', () => {
    expect(() => installDefaultRegistry(metadata)).not.toThrow();
    expect(() => installDefaultRegistry(new EntityRegistry([User]))).toThrow(MetadataError);
    expect(() => installDefaultRegistry(new MetaData(undefined, { naming: metadata.naming }))).toThrow(/default naming/);
    expect(() => installDefaultRegistry(new MetaData())).toThrow(/already installed/);
    expect(defaultRegistry()).toBe(metadata);
  });
});

/*
 * Generated constraint and index names against the 63-byte identifier limit: shortening
 * counts UTF-8 bytes (PostgreSQL truncates by bytes, so two long multibyte names could
 * collapse into one), cuts between characters only, and keeps the hash suffix. Then the
 * schema of a multibyte-named entity is created and read back on every selected server.
 */
import '@strata/mysql';
import '@strata/postgres';
import '@strata/sqlite';
import { createEngine, Entity, introspect, ManyToOne, MetaData, PrimaryGeneratedColumn, type Engine } from '@strata/core';
import { normalizeSchema } from '@strata/core/dialect';
import { selectedDialects, testUrl } from '@strata/testkit';
import { shorten } from '../src/metadata/naming-strategy';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const LONG_TABLE = 'ä'.repeat(31);

@Entity('mbn_owner')
class MbnOwner {
  @PrimaryGeneratedColumn() id!: number;
}

@Entity(LONG_TABLE)
class Umlauts {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => MbnOwner) first!: MbnOwner | null;
  @ManyToOne(() => MbnOwner) second!: MbnOwner | null;
}

const md = new MetaData([MbnOwner, Umlauts]);

describe('shorten counts UTF-8 bytes', () => {
  test('a name within 63 bytes is kept; one past it is cut to exactly 63 bytes with a hash', () => {
    expect(shorten('x'.repeat(63))).toBe('x'.repeat(63));
    const cut = shorten('x'.repeat(64));
    expect(cut).toMatch(/^x{54}_[0-9a-f]{8}$/);
  });

  test('a multibyte name under 63 characters but over 63 bytes is shortened by bytes', () => {
    const name = `ix_${LONG_TABLE}_first_id`;
    expect(name.length).toBeLessThanOrEqual(63);
    const cut = shorten(name);
    // 54 bytes before the hash: 'ix_' and 25 'ä' take 53, and a 26th would not fit.
    expect(cut).toMatch(new RegExp(`^ix_${'ä'.repeat(25)}_[0-9a-f]{8}$`));
    expect(bytes(cut)).toBe(62);
  });

  test.each([
    ['two-byte', 'é'],
    ['three-byte', '語'],
    ['four-byte (a surrogate pair)', '🐘'],
  ])('never cuts a %s character in half', (_, char) => {
    for (let prefix = 0; prefix < 4; prefix++) {
      const name = `${'p'.repeat(prefix)}${char.repeat(40)}`;
      const cut = shorten(name);
      expect(bytes(cut)).toBeLessThanOrEqual(63);
      expect(bytes(cut)).toBeGreaterThan(63 - bytes(char));
      const kept = cut.slice(0, -9);
      expect(name.startsWith(kept)).toBe(true);
      expect(Buffer.from(kept, 'utf8').toString('utf8')).toBe(kept);
      expect(kept).not.toMatch(/[\uD800-\uDBFF]$/);
    }
  });

  test('names that differ only past the cut stay distinct', () => {
    expect(shorten(`ix_${LONG_TABLE}_first_id`)).not.toBe(shorten(`ix_${LONG_TABLE}_second_id`));
  });
});

describe('generated names of a multibyte-named entity', () => {
  test('two many-to-ones on a 62-byte table name get distinct index and foreign-key names of at most 63 bytes', () => {
    const table = md.toSchema().tables.find((t) => t.name === LONG_TABLE)!;
    const names = [...table.indexes.map((i) => i.name), ...table.foreignKeys.map((f) => f.name), table.primaryKey!.name!];
    expect(table.indexes).toHaveLength(2);
    for (const name of names) expect(bytes(name)).toBeLessThanOrEqual(63);
    // What the server would keep: the first 63 bytes. They must still differ.
    const kept = names.map((n) => Buffer.from(n, 'utf8').subarray(0, 63).toString('utf8'));
    expect(new Set(kept).size).toBe(names.length);
  });

  describe.each(selectedDialects())('%s', (dialect) => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 1 });
      await md.dropAll(engine, { checkFirst: true });
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('createAll succeeds and introspection reads back the model', async () => {
      await md.createAll(engine);
      const live = await introspect(engine, { tables: ['mbn_owner', LONG_TABLE] });
      expect(live).toEqual(normalizeSchema(md.toSchema(), engine.dialect.ddl));
    });
  });
});

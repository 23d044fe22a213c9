/*
 * The migration DDL conformance suite: the DdlCompiler's ALTER statements (or, where the
 * dialect has no ALTER TABLE to speak of, its table rebuild) applied one change at a time
 * to tables with rows. After every change the live schema must read back as the model
 * the change describes, normalised for the dialect, and the rows must still be there.
 */
import {
  createEngine,
  DatabaseError,
  IntegrityError,
  introspect,
  sql,
  type ColumnType,
  type Connection,
  type Engine,
  type SchemaColumn,
  type SchemaEnum,
  type SchemaTable,
} from '@strata/core';
import {
  createStatements,
  dropStatements,
  normalizeSchema,
  type DdlCompiler,
} from '@strata/core/dialect';
import { testUrl, type DialectName } from '../targets';

const INTEGER: ColumnType = { name: 'integer' };
const varchar = (length: number): ColumnType => ({ name: 'varchar', length });
const enumType = (enumName: string, enumValues: string[]): ColumnType => ({ name: 'enum', enumName, enumValues });
const UUID_1 = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const UUID_2 = '5f3e1c7a-2b4d-4e8f-9a6b-1c2d3e4f5a6b';

/** Children before parents, so a drop never waits on a reference. */
const ALL_TABLES = ['md_volumes', 'md_books', 'md_docs', 'md_pairs', 'md_authors'];
const ALL_ENUMS = ['md_status', 'md_kind', 'md_kind2'];

function column(name: string, type: ColumnType, more: Partial<SchemaColumn> = {}): SchemaColumn {
  return { name, type, nullable: true, default: undefined, autoIncrement: false, comment: undefined, ...more };
}

function table(name: string, columns: SchemaColumn[], primaryKey: { name: string; columns: string[] }): SchemaTable {
  return { name, comment: undefined, columns, primaryKey, foreignKeys: [], indexes: [], uniques: [], checks: [] };
}

const literal = (value: string | number | boolean) => ({ kind: 'literal' as const, value });

/** The table with one column replaced by `change(column)`. */
function withColumn(t: SchemaTable, name: string, change: (c: SchemaColumn) => SchemaColumn): SchemaTable {
  return { ...t, columns: t.columns.map((c) => (c.name === name ? change(c) : c)) };
}

/** A value as every driver can be compared on: numbers as text, booleans as 1 / 0, JSON re-serialised. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return /^\s*[[{]/.test(value) ? JSON.stringify(JSON.parse(value)) : value;
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

const plainRow = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));

/** Registers the migration DDL suite for one dialect. */
export function migrationDdlSuite(dialect: DialectName): void {
  describe(`${dialect}: migration DDL (ALTER or rebuild, introspected after each change)`, () => {
    let engine: Engine;
    let conn: Connection;
    let ddl: DdlCompiler;
    /** The model of every table as it should be now. */
    const model = new Map<string, SchemaTable>();
    /** The largest id md_books has handed out, for the row deleted after it. */
    let highestBookId = 0;

    const enumsOf = (tables: Iterable<SchemaTable>): SchemaEnum[] => {
      const enums = new Map<string, readonly string[]>();
      for (const t of tables) for (const c of t.columns) if (c.type.name === 'enum' && c.type.enumName) enums.set(c.type.enumName, c.type.enumValues ?? []);
      return [...enums].map(([name, values]) => ({ name, values }));
    };

    const expectSchema = async () => {
      const tables = [...model.values()];
      const live = await introspect(conn, { tables: tables.map((t) => t.name) });
      expect(live).toEqual(normalizeSchema({ tables, enums: enumsOf(tables) }, ddl));
    };

    const insert = (name: string, row: Record<string, unknown>) =>
      conn.execute(sql`INSERT INTO ${sql.id(name)} (${sql.join(Object.keys(row).map((k) => sql.id(k)))}) VALUES (${sql.join(Object.values(row))})`);

    const expectRows = async (name: string, expected: Record<string, unknown>[], orderBy = ['id']) => {
      const columns = sql.join(Object.keys(expected[0]!).map((k) => sql.id(k)));
      const { rows } = await conn.execute(sql`SELECT ${columns} FROM ${sql.id(name)} ORDER BY ${sql.join(orderBy.map((k) => sql.id(k)))}`);
      expect(rows.map(plainRow)).toEqual(expected.map(plainRow));
    };

    /** A rebuild runs with foreign-key enforcement off (SQLite's PRAGMA, which only works outside a transaction). */
    const run = async (statements: readonly string[], rebuild: boolean) => {
      if (rebuild) await conn.execute('PRAGMA foreign_keys = OFF');
      try {
        if (!ddl.features.transactionalDdl) {
          for (const statement of statements) await conn.execute(statement);
          return;
        }
        await conn.begin();
        try {
          for (const statement of statements) await conn.execute(statement);
          await conn.commit();
        } catch (error) {
          await conn.rollback();
          throw error;
        }
        if (rebuild) expect((await conn.execute('PRAGMA foreign_key_check')).rows).toEqual([]);
      } finally {
        if (rebuild) await conn.execute('PRAGMA foreign_keys = ON');
      }
    };

    /**
     * Changes table `name` into `next`: with `alter`'s statements where the dialect alters
     * tables (or the change is one every dialect can ALTER), otherwise by rebuilding it,
     * each column of `next` read from the `sources` column (default: the one of its name).
     */
    const change = async (
      name: string,
      next: SchemaTable,
      alter: (before: SchemaTable) => string[],
      options: { portable?: boolean; sources?: ReadonlyMap<string, string> } = {},
    ) => {
      const before = model.get(name)!;
      const rebuild = !ddl.features.alterTable && !options.portable;
      const kept = new Set(before.columns.map((c) => c.name));
      const sources = options.sources ?? new Map(next.columns.filter((c) => kept.has(c.name)).map((c) => [c.name, c.name]));
      await run(rebuild ? ddl.rebuildTable(before, next, sources) : alter(before), rebuild);
      model.delete(name);
      model.set(next.name, next);
      await expectSchema();
    };

    const dropEverything = async () => {
      const existing = ALL_TABLES.map((name) => table(name, [], { name: '', columns: [] }));
      const { statements, after } = dropStatements({ tables: existing, enums: ALL_ENUMS.map((name) => ({ name, values: [] })) }, ddl, true);
      try {
        for (const statement of statements) await conn.execute(statement);
      } finally {
        for (const statement of after) await conn.execute(statement);
      }
    };

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 2 });
      conn = await engine.connect();
      ddl = engine.dialect.ddl;
      await dropEverything();
    });

    afterAll(async () => {
      if (conn) {
        await dropEverything();
        await conn.close();
      }
      await engine.dispose();
    });

    test('tables made from the model introspect as the model', async () => {
      const authors = table('md_authors', [column('id', INTEGER, { nullable: false, autoIncrement: true }), column('name', varchar(50), { nullable: false })], {
        name: 'pk_md_authors',
        columns: ['id'],
      });
      const books = table(
        'md_books',
        [
          column('id', INTEGER, { nullable: false, autoIncrement: true }),
          column('title', varchar(50), { nullable: false }),
          column('pages', INTEGER),
          column('author_id', INTEGER),
          column('status', enumType('md_status', ['draft', 'live']), { nullable: false, default: literal('draft') }),
          column('flag', { name: 'boolean' }, { nullable: false, default: literal(true) }),
        ],
        { name: 'pk_md_books', columns: ['id'] },
      );
      const docs = table(
        'md_docs',
        [
          column('id', INTEGER, { nullable: false }),
          column('kind', varchar(20), { nullable: false, default: literal('draft') }),
          column('body', { name: 'text' }),
          column('ref', varchar(36)),
        ],
        { name: 'pk_md_docs', columns: ['id'] },
      );
      const pairs = table('md_pairs', [column('a', INTEGER, { nullable: false }), column('b', INTEGER, { nullable: false }), column('note', varchar(20))], {
        name: 'pk_md_pairs',
        columns: ['a'],
      });
      const tables = [authors, books, docs, pairs];
      for (const statement of createStatements({ tables, enums: enumsOf(tables) }, ddl)) await conn.execute(statement);
      for (const t of tables) model.set(t.name, t);
      await insert('md_authors', { name: 'Ann' });
      await insert('md_authors', { name: 'Bo' });
      await insert('md_books', { title: 'A', pages: 10, author_id: 1 });
      await insert('md_books', { title: 'B', pages: 20, author_id: 1 });
      await insert('md_books', { title: 'C', pages: 30, author_id: 2 });
      await insert('md_docs', { id: 1, kind: 'draft', body: '{"a":1}', ref: UUID_1 });
      await insert('md_docs', { id: 2, kind: 'live', body: '[2]', ref: UUID_2 });
      await insert('md_pairs', { a: 1, b: 1, note: 'x' });
      await insert('md_pairs', { a: 2, b: 1, note: 'y' });
      await expectSchema();
    });

    test('add a NOT NULL column with a default (ALGORITHM=INPLACE, LOCK=NONE where the server takes them): the rows take the default', async () => {
      const rating = column('rating', INTEGER, { nullable: false, default: literal(3), comment: 'stars' });
      const books = model.get('md_books')!;
      await change('md_books', { ...books, columns: [...books.columns, rating] }, (t) => ddl.addColumn(t, rating, { algorithm: 'INPLACE', lock: 'NONE' }), {
        portable: true,
      });
      await expectRows('md_books', [
        { id: 1, title: 'A', rating: 3 },
        { id: 2, title: 'B', rating: 3 },
        { id: 3, title: 'C', rating: 3 },
      ]);
    });

    test('rename a column', async () => {
      const next = withColumn(model.get('md_books')!, 'pages', (c) => ({ ...c, name: 'page_count' }));
      await change('md_books', next, () => [ddl.renameColumn('md_books', 'pages', 'page_count')], { portable: true });
      await expectRows('md_books', [
        { id: 1, page_count: 10 },
        { id: 2, page_count: 20 },
        { id: 3, page_count: 30 },
      ]);
    });

    test('widen varchar(50) to varchar(200) and integer to bigint', async () => {
      const books = model.get('md_books')!;
      const title = books.columns.find((c) => c.name === 'title')!;
      const wider = withColumn(books, 'title', (c) => ({ ...c, type: varchar(200) }));
      await change('md_books', wider, (t) => ddl.alterColumn(t, title, wider.columns.find((c) => c.name === 'title')!));
      const pages = wider.columns.find((c) => c.name === 'page_count')!;
      const bigger = withColumn(wider, 'page_count', (c) => ({ ...c, type: { name: 'bigint' } }));
      await change('md_books', bigger, (t) => ddl.alterColumn(t, pages, bigger.columns.find((c) => c.name === 'page_count')!));
      await conn.execute(sql`UPDATE md_books SET title = ${'C'.repeat(120)}, page_count = ${'5000000000'} WHERE id = ${3}`);
      await expectRows('md_books', [
        { id: 1, title: 'A', page_count: 10 },
        { id: 2, title: 'B', page_count: 20 },
        { id: 3, title: 'C'.repeat(120), page_count: '5000000000' },
      ]);
    });

    test('NOT NULL on, then off again', async () => {
      for (const nullable of [false, true]) {
        const before = model.get('md_books')!;
        const next = withColumn(before, 'page_count', (c) => ({ ...c, nullable }));
        const name = 'page_count';
        await change('md_books', next, (t) => ddl.alterColumn(t, before.columns.find((c) => c.name === name)!, next.columns.find((c) => c.name === name)!));
      }
      await expectRows('md_books', [{ id: 1, page_count: 10 }, { id: 2, page_count: 20 }, { id: 3, page_count: '5000000000' }]);
    });

    test('set a default, change a comment, then drop the default', async () => {
      const alterTo = async (name: string, edit: (c: SchemaColumn) => SchemaColumn) => {
        const before = model.get('md_books')!;
        const next = withColumn(before, name, edit);
        await change('md_books', next, (t) => ddl.alterColumn(t, before.columns.find((c) => c.name === name)!, next.columns.find((c) => c.name === name)!));
      };
      await alterTo('page_count', (c) => ({ ...c, default: literal(100) }));
      await insert('md_books', { title: 'D', author_id: 2 });
      await alterTo('rating', (c) => ({ ...c, comment: 'score' }));
      await alterTo('page_count', (c) => ({ ...c, default: undefined }));
      await expectRows('md_books', [
        { id: 1, page_count: 10, rating: 3, status: 'draft', flag: true },
        { id: 2, page_count: 20, rating: 3, status: 'draft', flag: true },
        { id: 3, page_count: '5000000000', rating: 3, status: 'draft', flag: true },
        { id: 4, page_count: 100, rating: 3, status: 'draft', flag: true },
      ]);
    });

    test('add and drop an index, then a unique index', async () => {
      for (const unique of [false, true]) {
        const before = model.get('md_books')!;
        const index = { name: unique ? 'ux_md_books_title' : 'ix_md_books_title', columns: ['title'], unique, where: undefined };
        const next = { ...before, indexes: [...before.indexes, index] };
        await change('md_books', next, (t) => [ddl.createIndex(t, index)], { portable: true });
        await change('md_books', before, () => [ddl.dropIndex('md_books', index.name)], { portable: true });
      }
    });

    test('add a foreign key with ON DELETE CASCADE after its index; rebuild the referenced table; drop the key, then the index', async () => {
      const start = model.get('md_books')!;
      const index = { name: 'ix_md_books_author_id', columns: ['author_id'], unique: false, where: undefined };
      const indexed = { ...start, indexes: [index] };
      await change('md_books', indexed, (t) => [ddl.createIndex(t, index)], { portable: true });
      const fk = {
        name: 'fk_md_books_author',
        columns: ['author_id'],
        referencedTable: 'md_authors',
        referencedColumns: ['id'],
        onDelete: 'CASCADE' as const,
        onUpdate: 'NO ACTION' as const,
      };
      const linked = { ...indexed, foreignKeys: [fk] };
      await change('md_books', linked, (t) => [ddl.addForeignKey(t, fk)]);
      await expect(insert('md_books', { title: 'Lost', author_id: 999 })).rejects.toThrow(IntegrityError);

      // The referenced table changes under the key: the references and the cascade survive.
      const authors = model.get('md_authors')!;
      const wider = withColumn(authors, 'name', (c) => ({ ...c, type: varchar(200) }));
      await change('md_authors', wider, (t) => ddl.alterColumn(t, authors.columns[1]!, wider.columns[1]!));
      await insert('md_authors', { name: 'Cy' });
      await insert('md_books', { title: 'E', author_id: 3 });
      await conn.execute(sql`DELETE FROM md_authors WHERE id = ${3}`);
      await expectRows('md_books', [
        { id: 1, author_id: 1 },
        { id: 2, author_id: 1 },
        { id: 3, author_id: 2 },
        { id: 4, author_id: 2 },
      ]);
      await expectRows('md_authors', [
        { id: 1, name: 'Ann' },
        { id: 2, name: 'Bo' },
      ]);

      await change('md_books', indexed, () => [ddl.dropForeignKey('md_books', fk.name)]);
      await change('md_books', start, () => [ddl.dropIndex('md_books', index.name)], { portable: true });
      await insert('md_books', { title: 'F', author_id: 999 });
      highestBookId = Number((await conn.execute(sql`SELECT id FROM md_books WHERE title = ${'F'}`)).rows[0]!.id);
      await conn.execute(sql`DELETE FROM md_books WHERE title = ${'F'}`);
    });

    test('add and drop a unique constraint (ALGORITHM=INPLACE, LOCK=NONE where the server takes them)', async () => {
      const before = model.get('md_books')!;
      const unique = { name: 'uq_md_books_title', columns: ['title'] };
      await change('md_books', { ...before, uniques: [unique] }, () => [ddl.addUnique('md_books', unique, { algorithm: 'INPLACE', lock: 'NONE' })]);
      await expect(insert('md_books', { title: 'A' })).rejects.toThrow(IntegrityError);
      await change('md_books', before, () => [ddl.dropUnique('md_books', unique.name)]);
    });

    test('add and drop a check constraint', async () => {
      const before = model.get('md_books')!;
      const check = { name: 'ck_md_books_pages', expression: 'page_count >= 0' };
      await change('md_books', { ...before, checks: [check] }, () => [ddl.addCheck('md_books', check)]);
      await expect(insert('md_books', { title: 'H', page_count: -1 })).rejects.toThrow(IntegrityError);
      await change('md_books', before, () => [ddl.dropCheck('md_books', check.name)]);
    });

    test('drop a column', async () => {
      const before = model.get('md_books')!;
      const next = { ...before, columns: before.columns.filter((c) => c.name !== 'rating') };
      await change('md_books', next, () => [ddl.dropColumn('md_books', 'rating')]);
      await expectRows('md_books', [
        { id: 1, title: 'A', status: 'draft' },
        { id: 2, title: 'B', status: 'draft' },
        { id: 3, title: 'C'.repeat(120), status: 'draft' },
        { id: 4, title: 'D', status: 'draft' },
      ]);
    });

    test('ids of deleted rows are not handed out again after the table was altered or rebuilt', async () => {
      await insert('md_books', { title: 'G', author_id: 1 });
      const { id } = (await conn.execute(sql`SELECT id FROM md_books WHERE title = ${'G'}`)).rows[0]!;
      expect(Number(id)).toBeGreaterThan(highestBookId);
      await conn.execute(sql`DELETE FROM md_books WHERE title = ${'G'}`);
    });

    test('an enum gains a value: the enum type where it is a database object, the column type elsewhere', async () => {
      const before = model.get('md_books')!;
      const status = before.columns.find((c) => c.name === 'status')!;
      const next = withColumn(before, 'status', (c) => ({ ...c, type: enumType('md_status', ['draft', 'live', 'archived']) }));
      const alter = (t: SchemaTable) =>
        ddl.features.nativeEnums ? ddl.addEnumValues('md_status', ['archived']) : ddl.alterColumn(t, status, next.columns.find((c) => c.name === 'status')!);
      await change('md_books', next, alter);
      await conn.execute(sql`UPDATE md_books SET status = ${'archived'} WHERE id = ${2}`);
      await expectRows('md_books', [{ id: 1, status: 'draft' }, { id: 2, status: 'archived' }, { id: 3, status: 'draft' }, { id: 4, status: 'draft' }]);
    });

    test('type changes across families keep the values: text to enum (with a default), enum to another enum, to json, to uuid, and back', async () => {
      const kinds = (name: string, values: string[]) => (ddl.features.nativeEnums ? [ddl.createEnum({ name, values })] : []);
      const steps: { name: string; type: ColumnType; before?: string[] }[] = [
        { name: 'kind', type: enumType('md_kind', ['draft', 'live']), before: kinds('md_kind', ['draft', 'live']) },
        { name: 'kind', type: enumType('md_kind2', ['draft', 'live', 'gone']), before: kinds('md_kind2', ['draft', 'live', 'gone']) },
        { name: 'body', type: { name: 'json' } },
        { name: 'ref', type: { name: 'uuid' } },
        { name: 'kind', type: varchar(20) },
        { name: 'body', type: { name: 'text' } },
        { name: 'ref', type: varchar(36) },
      ];
      for (const step of steps) {
        const before = model.get('md_docs')!;
        const next = withColumn(before, step.name, (c) => ({ ...c, type: step.type }));
        const from = before.columns.find((c) => c.name === step.name)!;
        await change('md_docs', next, (t) => [...(step.before ?? []), ...ddl.alterColumn(t, from, next.columns.find((c) => c.name === step.name)!)]);
        await expectRows('md_docs', [
          { id: 1, kind: 'draft', body: '{"a":1}', ref: UUID_1 },
          { id: 2, kind: 'live', body: '[2]', ref: UUID_2 },
        ]);
      }
      await insert('md_docs', { id: 3, ref: UUID_1 });
      await expectRows('md_docs', [{ id: 1, kind: 'draft' }, { id: 2, kind: 'live' }, { id: 3, kind: 'draft' }]);
    });

    test('a key column becomes database-generated, continuing after the keys in use', async () => {
      const before = model.get('md_docs')!;
      const next = withColumn(before, 'id', (c) => ({ ...c, autoIncrement: true }));
      await change('md_docs', next, (t) => ddl.alterColumn(t, before.columns[0]!, next.columns[0]!));
      await insert('md_docs', { kind: 'live' });
      await expectRows('md_docs', [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    });

    test('replace the primary key, and again with the old key known only by its columns', async () => {
      const before = model.get('md_pairs')!;
      const wide = { ...before, primaryKey: { name: 'pk_md_pairs_ab', columns: ['a', 'b'] } };
      await change('md_pairs', wide, (t) => ddl.alterPrimaryKey(t, t.primaryKey, wide.primaryKey));
      await insert('md_pairs', { a: 1, b: 2, note: 'z' });
      await conn.execute(sql`DELETE FROM md_pairs WHERE b = ${2}`);
      // A database that names keys keeps the real name; the statements must find it themselves.
      await change('md_pairs', before, (t) => ddl.alterPrimaryKey(t, { name: undefined, columns: t.primaryKey!.columns }, before.primaryKey));
      await expect(insert('md_pairs', { a: 1, b: 3 })).rejects.toThrow(IntegrityError);
      await expectRows(
        'md_pairs',
        [
          { a: 1, b: 1, note: 'x' },
          { a: 2, b: 1, note: 'y' },
        ],
        ['a'],
      );
    });

    test('rename a table: its rows, keys and defaults come along', async () => {
      const before = model.get('md_books')!;
      await change('md_books', { ...before, name: 'md_volumes' }, () => [ddl.renameTable('md_books', 'md_volumes')], { portable: true });
      await insert('md_volumes', { title: 'I' });
      await expectRows('md_volumes', [{ title: 'A' }, { title: 'B' }, { title: 'C'.repeat(120) }, { title: 'D' }, { title: 'I' }]);
    });

    test('create an index without blocking writes, outside any transaction, where the dialect has a way', async () => {
      const before = model.get('md_volumes')!;
      const index = { name: 'ix_md_volumes_title', columns: ['title'], unique: false, where: undefined };
      const statement = ddl.createIndexConcurrently(before, index) ?? ddl.createIndex(before, index);
      expect(conn.inTransaction).toBe(false);
      await conn.execute(statement);
      model.set('md_volumes', { ...before, indexes: [index] });
      await expectSchema();
    });

    test('NOT NULL on a column holding NULLs fails with a database error and leaves the table as it was', async () => {
      await insert('md_volumes', { title: 'J', page_count: null });
      const before = model.get('md_volumes')!;
      const next = withColumn(before, 'page_count', (c) => ({ ...c, nullable: false }));
      const rebuild = !ddl.features.alterTable;
      const from = before.columns.find((c) => c.name === 'page_count')!;
      const statements = rebuild
        ? ddl.rebuildTable(before, next, new Map(next.columns.map((c) => [c.name, c.name])))
        : ddl.alterColumn(before, from, next.columns.find((c) => c.name === 'page_count')!);
      await expect(run(statements, rebuild)).rejects.toThrow(DatabaseError);
      expect(conn.inTransaction).toBe(false);
      await expectSchema();
      await expectRows('md_volumes', [
        { title: 'A', page_count: 10 },
        { title: 'B', page_count: 20 },
        { title: 'C'.repeat(120), page_count: '5000000000' },
        { title: 'D', page_count: 100 },
        { title: 'I', page_count: null },
        { title: 'J', page_count: null },
      ]);
    });
  });
}

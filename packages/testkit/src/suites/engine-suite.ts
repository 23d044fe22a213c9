/*
 * The engine conformance suite: statements, parameters, results, transactions,
 * savepoints, streaming, echo and error translation, run identically on every dialect.
 */
import {
  ArgumentError,
  createEngine,
  DatabaseError,
  IntegrityError,
  InvalidStateError,
  ProgrammingError,
  sql,
  TransactionAbortedError,
  UniqueViolationError,
  type Engine,
  type SchemaTable,
  type StatementEntry,
} from '@strata/core';
import { testUrl, type DialectName } from '../targets';
import { TRAITS } from '../traits';

/** Registers the engine suite for one dialect. */
export function engineSuite(dialect: DialectName): void {
  const traits = TRAITS[dialect];
  const q = traits.quote;

  describe(`${dialect}: engine and connection`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 3, maxOverflow: 2, poolTimeout: 5000 });
      await engine.execute('DROP TABLE IF EXISTS eng_items');
      await engine.execute(`CREATE TABLE eng_items (${traits.autoId}, name varchar(200) NOT NULL, qty integer, CONSTRAINT eng_items_name_key UNIQUE (name))`);
    });

    beforeEach(async () => {
      await engine.execute('DELETE FROM eng_items');
    });

    afterAll(async () => {
      await engine.execute('DROP TABLE IF EXISTS eng_items');
      await engine.dispose();
    });

    test('the sql template binds every value and round-trips it', async () => {
      const name = "o'hara\"; drop table eng_items; --";
      await engine.execute(sql`INSERT INTO eng_items (name, qty) VALUES (${name}, ${7})`);
      const result = await engine.execute(sql`SELECT name, qty FROM eng_items WHERE name = ${name}`);
      expect(result.rows).toEqual([{ name, qty: 7 }]);
      expect(result.rowCount).toBe(1);
      const count = await engine.execute('SELECT count(*) AS n FROM eng_items');
      expect(Number(count.scalar())).toBe(1);
    });

    test('identifiers are quoted by the dialect, and a hostile name stays a name', async () => {
      const hostile = 'x"; DROP TABLE eng_items; --';
      const result = await engine.execute(sql`SELECT ${sql.id('name')} AS ${sql.id(hostile)} FROM ${sql.id('eng_items')}`);
      expect(result.rows).toEqual([]);
      await engine.execute(sql`INSERT INTO eng_items (name) VALUES (${'a'})`);
      const row = (await engine.execute(sql`SELECT name AS ${sql.id(hostile)} FROM eng_items`)).rows[0]!;
      expect(Object.keys(row)).toEqual([hostile]);
    });

    test('a raw string runs with a parameter array in the driver placeholder style', async () => {
      await engine.execute(`INSERT INTO eng_items (name, qty) VALUES (${traits.placeholder(1)}, ${traits.placeholder(2)})`, ['raw', 3]);
      const result = await engine.execute(`SELECT qty FROM eng_items WHERE name = ${traits.placeholder(1)}`, ['raw']);
      expect(result.scalar()).toBe(3);
    });

    test('sql.join builds a bound list for IN', async () => {
      for (const name of ['a', 'b', 'c']) await engine.execute(sql`INSERT INTO eng_items (name) VALUES (${name})`);
      const result = await engine.execute(sql`SELECT name FROM eng_items WHERE name IN (${sql.join(['a', 'c'])}) ORDER BY name`);
      expect(result.rows.map((r) => r.name)).toEqual(['a', 'c']);
    });

    test('an undefined parameter is refused before reaching the database', async () => {
      await expect(engine.execute(sql`SELECT * FROM eng_items WHERE name = ${undefined}`)).rejects.toThrow(ArgumentError);
    });

    test('writes report the rows they matched; inserts report generated ids', async () => {
      const conn = await engine.connect();
      try {
        let id: unknown;
        if (engine.capabilities.returning) {
          const inserted = await conn.execute(sql`INSERT INTO eng_items (name, qty) VALUES (${'gen'}, ${1}) RETURNING id`);
          id = inserted.rows[0]!.id;
          expect(inserted.rowCount).toBe(1);
        } else {
          const inserted = await conn.execute(sql`INSERT INTO eng_items (name, qty) VALUES (${'gen'}, ${1})`);
          id = inserted.insertId;
          expect(inserted.rowCount).toBe(1);
        }
        expect(Number(id)).toBeGreaterThan(0);
        const again = await conn.execute(sql`SELECT id FROM eng_items WHERE name = ${'gen'}`);
        expect(Number(again.scalar())).toBe(Number(id));
        // Setting a column to the value it already has still counts the row as matched.
        const same = await conn.execute(sql`UPDATE eng_items SET qty = ${1} WHERE name = ${'gen'}`);
        expect(same.rowCount).toBe(1);
        const none = await conn.execute(sql`DELETE FROM eng_items WHERE name = ${'missing'}`);
        expect(none.rowCount).toBe(0);
      } finally {
        await conn.close();
      }
    });

    test('a multi-row insert reads back every generated id where RETURNING exists', async () => {
      const values = sql.join(['m1', 'm2', 'm3'].map((n) => sql`(${n}, ${0})`));
      if (engine.capabilities.returning) {
        const result = await engine.execute(sql`INSERT INTO eng_items (name, qty) VALUES ${values} RETURNING id, name`);
        expect(result.rows.map((r) => r.name)).toEqual(['m1', 'm2', 'm3']);
        expect(new Set(result.rows.map((r) => Number(r.id))).size).toBe(3);
      } else {
        const result = await engine.execute(sql`INSERT INTO eng_items (name, qty) VALUES ${values}`);
        expect(result.rowCount).toBe(3);
        expect(Number(result.insertId)).toBeGreaterThan(0);
      }
    });

    test('commit keeps and rollback discards a transaction', async () => {
      const conn = await engine.connect();
      try {
        await conn.begin();
        expect(conn.inTransaction).toBe(true);
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'kept'})`);
        await conn.commit();
        expect(conn.inTransaction).toBe(false);
        await conn.begin();
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'dropped'})`);
        await conn.rollback();
        const names = (await conn.execute('SELECT name FROM eng_items ORDER BY name')).rows.map((r) => r.name);
        expect(names).toEqual(['kept']);
      } finally {
        await conn.close();
      }
    });

    test('a transaction is invisible to other connections until commit', async () => {
      const writer = await engine.connect();
      const reader = await engine.connect();
      try {
        await writer.begin();
        await writer.execute(sql`INSERT INTO eng_items (name) VALUES (${'pending'})`);
        expect(Number((await reader.execute('SELECT count(*) AS n FROM eng_items')).scalar())).toBe(0);
        await writer.commit();
        expect(Number((await reader.execute('SELECT count(*) AS n FROM eng_items')).scalar())).toBe(1);
      } finally {
        await writer.close();
        await reader.close();
      }
    });

    test('engine.transaction commits on success and rolls back on throw', async () => {
      await engine.transaction(async (conn) => {
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'ok'})`);
      });
      await expect(
        engine.transaction(async (conn) => {
          await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'boom'})`);
          throw new Error('handler failed');
        }),
      ).rejects.toThrow('handler failed');
      const names = (await engine.execute('SELECT name FROM eng_items')).rows.map((r) => r.name);
      expect(names).toEqual(['ok']);
      expect(engine.status().checkedOut).toBe(0);
    });

    test('savepoints roll back part of a transaction and release into it', async () => {
      const conn = await engine.connect();
      try {
        await conn.begin();
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'outer'})`);
        const sp = await conn.savepoint();
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'inner-undone'})`);
        await sp.rollback();
        const kept = await conn.savepoint('named point');
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'inner-kept'})`);
        await kept.release();
        await conn.commit();
        const names = (await engine.execute('SELECT name FROM eng_items ORDER BY name')).rows.map((r) => r.name);
        expect(names).toEqual(['inner-kept', 'outer']);
      } finally {
        await conn.close();
      }
    });

    test('transaction misuse is a clear InvalidStateError', async () => {
      const conn = await engine.connect();
      await expect(conn.commit()).rejects.toThrow(InvalidStateError);
      await expect(conn.savepoint()).rejects.toThrow(/needs an open transaction/);
      await conn.begin();
      await expect(conn.begin()).rejects.toThrow(/already in a transaction/);
      await conn.rollback();
      await conn.close();
      await conn.close();
      await expect(conn.execute('SELECT 1')).rejects.toThrow(/Connection is closed/);
    });

    test('an unsupported isolation level names the ones that work', async () => {
      const conn = await engine.connect();
      try {
        const levels = engine.capabilities.isolationLevels;
        await conn.begin({ isolationLevel: levels[levels.length - 1] });
        await conn.execute('SELECT 1');
        await conn.commit();
        if (!levels.includes('read committed')) {
          await expect(conn.begin({ isolationLevel: 'read committed' })).rejects.toThrow(ArgumentError);
        }
      } finally {
        await conn.close();
      }
    });

    test('a caught failure inside a transaction never lets COMMIT pretend success', async () => {
      const conn = await engine.connect();
      try {
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'taken'})`);
        await conn.begin();
        await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'in-tx'})`);
        await expect(conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'taken'})`)).rejects.toThrow(IntegrityError);
        const outcome = await conn.commit().then(
          () => 'committed',
          (e: unknown) => e,
        );
        const saved = (await conn.execute(sql`SELECT count(*) AS n FROM eng_items WHERE name = ${'in-tx'}`)).scalar();
        if (outcome === 'committed') {
          // MySQL and SQLite undo only the failed statement.
          expect(dialect).not.toBe('postgresql');
          expect(Number(saved)).toBe(1);
        } else {
          // PostgreSQL aborts the whole transaction and answers COMMIT with ROLLBACK.
          expect(outcome).toBeInstanceOf(TransactionAbortedError);
          expect(Number(saved)).toBe(0);
        }
        expect(conn.inTransaction).toBe(false);
      } finally {
        await conn.close();
      }
    });

    test('a statement while a stream is open is refused instead of hanging', async () => {
      await engine.execute(sql`INSERT INTO eng_items (name) VALUES (${'a'}), (${'b'}), (${'c'})`);
      const conn = await engine.connect();
      const seen: string[] = [];
      const stop = engine.on('statement', (s) => seen.push(s.sql));
      try {
        await conn.begin();
        for await (const _row of conn.stream('SELECT name FROM eng_items', { batchSize: 1 })) {
          await expect(conn.execute('SELECT 1')).rejects.toThrow(/stream is still open/);
          break;
        }
        expect(Number((await conn.execute('SELECT count(*) AS n FROM eng_items')).scalar())).toBe(3);
        await conn.commit();
        // The stream left early was still recorded.
        expect(seen).toContain('SELECT name FROM eng_items');
      } finally {
        stop();
        await conn.close();
      }
    });

    test('closing a connection with an open transaction rolls it back', async () => {
      const conn = await engine.connect();
      await conn.begin();
      await conn.execute(sql`INSERT INTO eng_items (name) VALUES (${'abandoned'})`);
      await conn.close();
      expect(Number((await engine.execute('SELECT count(*) AS n FROM eng_items')).scalar())).toBe(0);
    });

    test('a unique violation in raw SQL is a UniqueViolationError naming the constraint (SQLite: its table and columns), with SQL, params and cause', async () => {
      await engine.execute(sql`INSERT INTO eng_items (name) VALUES (${'dup'})`);
      const error = await engine.execute(sql`INSERT INTO eng_items (name) VALUES (${'dup'})`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      const integrity = error as IntegrityError;
      expect(integrity.code).toBe('integrity');
      if (dialect === 'sqlite') {
        // SQLite reports table and columns only; raw SQL has no metadata to name the constraint from.
        expect(integrity.constraint).toBeUndefined();
        expect([integrity.table, integrity.columns]).toEqual(['eng_items', ['name']]);
      } else {
        expect(integrity.constraint).toBe('eng_items_name_key');
      }
      expect(integrity.sql).toMatch(/INSERT INTO eng_items/);
      expect(integrity.params).toEqual(['dup']);
      expect(integrity.driverCode).toBeTruthy();
      expect(integrity.cause).toBeDefined();
      expect(integrity.message).toContain("params: [\"dup\"]");
    });

    test('a NOT NULL violation is an IntegrityError', async () => {
      await expect(engine.execute(sql`INSERT INTO eng_items (name) VALUES (${null})`)).rejects.toThrow(IntegrityError);
    });

    test('a syntax error or unknown table is a ProgrammingError', async () => {
      await expect(engine.execute('SELEC 1')).rejects.toThrow(ProgrammingError);
      await expect(engine.execute('SELECT * FROM no_such_table_here')).rejects.toThrow(ProgrammingError);
    });

    test('hideParameters keeps values out of errors and statement events', async () => {
      const secretive = createEngine(engineUrlOf(engine), { hideParameters: true });
      const seen: StatementEntry[] = [];
      secretive.on('statement', (s) => seen.push(s));
      try {
        await secretive.execute(sql`INSERT INTO eng_items (name) VALUES (${'secret-1'})`);
        const error = (await secretive.execute(sql`INSERT INTO eng_items (name) VALUES (${'secret-1'})`).catch((e: unknown) => e)) as DatabaseError;
        expect(error).toBeInstanceOf(IntegrityError);
        expect(error.params).toBeUndefined();
        expect(error.message).not.toContain('secret-1');
        expect(error.message).toContain('hidden');
        expect(seen.every((s) => s.params === undefined)).toBe(true);
      } finally {
        await secretive.dispose();
      }
    });

    test('echo hands each statement, its parameters and its time to a function', async () => {
      const entries: StatementEntry[] = [];
      const echoing = createEngine(engineUrlOf(engine), { echo: (e) => entries.push(e) });
      try {
        await echoing.execute(sql`SELECT name FROM eng_items WHERE qty = ${42}`);
        const entry = entries.find((e) => e.sql.includes('eng_items'))!;
        expect(entry.params).toEqual([42]);
        expect(entry.ms).toBeGreaterThanOrEqual(0);
        expect(entry.rowCount).toBe(0);
        await echoing.execute('SELEC broken').catch(() => undefined);
        expect(entries[entries.length - 1]!.error).toBeInstanceOf(ProgrammingError);
      } finally {
        await echoing.dispose();
      }
    });

    test('echo: true prints statements with parameters and times', async () => {
      const lines: string[] = [];
      const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
      const echoing = createEngine(engineUrlOf(engine), { echo: true });
      try {
        await echoing.execute(sql`SELECT count(*) AS n FROM eng_items WHERE qty > ${5}`);
      } finally {
        spy.mockRestore();
        await echoing.dispose();
      }
      expect(lines.some((l) => /\[strata\] SELECT count\(\*\) AS n FROM eng_items WHERE qty > .* \[5\] \(\d+\.\d+ ms\)/.test(l))).toBe(true);
    });

    test('stream yields every row in batches, and an early exit leaves the connection usable', async () => {
      const values = sql.join(Array.from({ length: 500 }, (_, i) => sql`(${`s${String(i).padStart(4, '0')}`}, ${i})`));
      await engine.execute(sql`INSERT INTO eng_items (name, qty) VALUES ${values}`);
      const conn = await engine.connect();
      try {
        await conn.begin();
        let total = 0;
        let sum = 0;
        for await (const row of conn.stream<{ qty: number }>('SELECT qty FROM eng_items ORDER BY qty', { batchSize: 64 })) {
          total++;
          sum += Number(row.qty);
        }
        expect(total).toBe(500);
        expect(sum).toBe((499 * 500) / 2);
        let seen = 0;
        for await (const _row of conn.stream('SELECT qty FROM eng_items ORDER BY qty', { batchSize: 16 })) {
          if (++seen === 10) break;
        }
        expect(seen).toBe(10);
        expect(Number((await conn.execute('SELECT count(*) AS n FROM eng_items')).scalar())).toBe(500);
        await conn.commit();
        // Outside a transaction too.
        let outside = 0;
        for await (const _row of conn.stream(sql`SELECT qty FROM eng_items WHERE qty < ${100}`)) outside++;
        expect(outside).toBe(100);
      } finally {
        await conn.close();
      }
    });

    test('a failing stream raises a translated error', async () => {
      const conn = await engine.connect();
      try {
        const consume = async () => {
          for await (const _row of conn.stream('SELECT * FROM missing_stream_table')) {
            // nothing
          }
        };
        await expect(consume()).rejects.toThrow(ProgrammingError);
      } finally {
        await conn.close();
      }
    });

    test('the first connection tells the server version and capabilities', async () => {
      await engine.initialize();
      expect(engine.serverInfo?.version).toMatch(/\d+\.\d+/);
      expect(typeof engine.capabilities.returning).toBe('boolean');
      expect(engine.capabilities.savepoints).toBe(true);
      expect(q('x')).toContain('x');
    });

    test('enumsSortByDeclaration says how the server orders an enum column (declared order, or as text)', async () => {
      await engine.initialize();
      const ddl = engine.dialect.ddl;
      const values = ['zeta', 'alpha', 'mid'];
      const table: SchemaTable = {
        name: 'es_enum_order',
        comment: undefined,
        columns: [{ name: 'kind', type: { name: 'enum', enumValues: values, enumName: 'es_enum_order_kind' }, nullable: false, default: undefined, autoIncrement: false, comment: undefined }],
        primaryKey: undefined,
        foreignKeys: [],
        indexes: [],
        uniques: [],
        checks: [],
      };
      if (ddl.features.nativeEnums) await engine.execute(ddl.createEnum({ name: 'es_enum_order_kind', values }));
      try {
        for (const statement of ddl.createTable(table, { foreignKeys: false })) await engine.execute(statement);
        await engine.execute(sql`INSERT INTO es_enum_order (kind) VALUES (${'mid'}), (${'alpha'}), (${'zeta'})`);
        const sorted = (await engine.execute('SELECT kind FROM es_enum_order ORDER BY kind')).rows.map((row) => row.kind);
        expect(sorted).toEqual(engine.capabilities.enumsSortByDeclaration ? values : ['alpha', 'mid', 'zeta']);
      } finally {
        await engine.execute('DROP TABLE IF EXISTS es_enum_order');
        if (ddl.features.nativeEnums) await engine.execute(ddl.dropEnum('es_enum_order_kind', true));
      }
    });
  });
}

/** The real URL of an engine (its `toString()` hides the password; tests use password-less URLs). */
function engineUrlOf(engine: Engine): string {
  return engine.url.toString();
}

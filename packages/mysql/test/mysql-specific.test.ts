/*
 * MySQL / MariaDB-only behaviour: connection failures named clearly, errno mapping,
 * matched-row counts, values bound through prepared statements, UTC sessions, and
 * streams that survive an early exit or a killed connection.
 */
import {
  Column,
  ConnectionFailedError,
  createEngine,
  DataError,
  DisconnectionError,
  Entity,
  insert,
  IntegrityError,
  introspect,
  MetaData,
  PrimaryGeneratedColumn,
  SerializationError,
  sql,
  TransactionAbortedError,
  ValidationError,
} from '@strata/core';
import '@strata/mysql';
import { connectFailure, SERVER_URLS, testUrl, TRAITS } from '@strata/testkit';

const base = new URL(SERVER_URLS.mysql);

const failureOf = connectFailure;

describe('mysql: connecting', () => {
  test('a wrong password is an authentication failure naming the target, never the password', async () => {
    const error = await failureOf(`mysql://root:wrong-pass-xyz@${base.host}/test`);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/Could not connect to MySQL at 127\.0\.0\.1:3306\/test as root: authentication failed/);
    expect(error.message).not.toContain('wrong-pass-xyz');
  });

  test('an unknown database says so', async () => {
    const error = await failureOf(`mysql://root@${base.host}/no_such_db_strata`);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/database does not exist/);
  });

  test('a port where nothing listens is "refused"', async () => {
    const error = await failureOf('mariadb://root@127.0.0.1:1/test');
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.message).toMatch(/refused/);
  });
});

describe('mysql: driver specifics', () => {
  const engine = createEngine(testUrl('mysql'), { poolSize: 3 });

  beforeAll(async () => {
    await engine.execute('DROP TABLE IF EXISTS my_items');
    await engine.execute('CREATE TABLE my_items (id bigint auto_increment primary key, name varchar(10) NOT NULL, n tinyint, UNIQUE KEY uq_name (name)) ENGINE=InnoDB');
  });

  beforeEach(() => engine.execute('DELETE FROM my_items'));

  afterAll(async () => {
    await engine.execute('DROP TABLE IF EXISTS my_items');
    await engine.dispose();
  });

  test('the server version decides the capabilities', async () => {
    await engine.initialize();
    const info = engine.serverInfo!;
    expect(['MySQL', 'MariaDB']).toContain(info.product);
    if (info.product === 'MariaDB') expect(engine.capabilities.returning).toBe(true);
    else expect(engine.capabilities.returning).toBe(false);
    expect(engine.capabilities.transactionalDdl).toBe(false);
  });

  test('sessions run in UTC and in strict mode', async () => {
    const row = (await engine.execute('SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode')).rows[0]!;
    expect(row.tz).toBe('+00:00');
    expect(String(row.mode)).toMatch(/STRICT/);
  });

  test('values are bound, including ones full of quotes and backslashes', async () => {
    const tricky = "a'\\\"; --";
    await engine.execute(sql`INSERT INTO my_items (name) VALUES (${tricky})`);
    expect((await engine.execute(sql`SELECT name FROM my_items WHERE name = ${tricky}`)).scalar()).toBe(tricky);
  });

  test('a duplicate key names the key; a too-long value is a DataError', async () => {
    await engine.execute(sql`INSERT INTO my_items (name) VALUES (${'x'})`);
    const dup = (await engine.execute(sql`INSERT INTO my_items (name) VALUES (${'x'})`).catch((e: unknown) => e)) as IntegrityError;
    expect(dup).toBeInstanceOf(IntegrityError);
    expect(dup.constraint).toBe('uq_name');
    expect(dup.driverCode).toBe('ER_DUP_ENTRY');
    await expect(engine.execute(sql`INSERT INTO my_items (name) VALUES (${'far too long for ten'})`)).rejects.toThrow(DataError);
    await expect(engine.execute(sql`INSERT INTO my_items (name, n) VALUES (${'big'}, ${1000})`)).rejects.toThrow(DataError);
  });

  test('a deadlock is a retryable SerializationError', async () => {
    await engine.execute(sql`INSERT INTO my_items (id, name) VALUES (${1}, ${'a'}), (${2}, ${'b'})`);
    const a = await engine.connect();
    const b = await engine.connect();
    try {
      await a.begin();
      await b.begin();
      await a.execute('UPDATE my_items SET n = 1 WHERE id = 1');
      await b.execute('UPDATE my_items SET n = 2 WHERE id = 2');
      const first = a.execute('UPDATE my_items SET n = 1 WHERE id = 2').catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = b.execute('UPDATE my_items SET n = 2 WHERE id = 1').catch((e: unknown) => e);
      const outcomes = await Promise.all([first, second]);
      const failure = outcomes.find((o) => o instanceof Error) as SerializationError;
      expect(failure).toBeInstanceOf(SerializationError);
      expect(failure.retryable).toBe(true);
      expect(failure.driverCode).toBe('ER_LOCK_DEADLOCK');
      // The server rolled the victim's whole transaction back: it must not carry on as if still inside it.
      const victim = outcomes[0] instanceof Error ? a : b;
      await expect(victim.execute('SELECT 1')).rejects.toThrow(/already rolled back this transaction/);
      await expect(victim.commit()).rejects.toThrow(TransactionAbortedError);
    } finally {
      await a.rollback().catch(() => undefined);
      await b.rollback().catch(() => undefined);
      await a.close();
      await b.close();
    }
  });

  test('JSON deeper than the server stores is refused before the server, naming the column', async () => {
    const nested = (levels: number): unknown => (levels === 0 ? 1 : [nested(levels - 1)]);
    @Entity('my_json_depth')
    class JsonDepth {
      @PrimaryGeneratedColumn() id!: number;
      @Column({ type: 'json', nullable: true }) data!: unknown;
    }
    const md = new MetaData([JsonDepth]);
    await md.dropAll(engine, { checkFirst: true });
    await md.createAll(engine);
    try {
      const limit = engine.serverInfo!.product === 'MariaDB' ? 32 : 100;
      // JSON_DEPTH counts the scalar: limit - 1 nested arrays around a number is as deep as the server goes.
      await engine.execute(insert(JsonDepth).values({ data: nested(limit - 1) }));
      const refused = await engine.execute(insert(JsonDepth).values({ data: nested(limit) })).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused!.message).toMatch(new RegExp(`JsonDepth\\.data.*nested at most ${limit} levels`));
      expect(Number((await engine.execute('SELECT count(*) AS n FROM my_json_depth')).scalar())).toBe(1);
    } finally {
      await md.dropAll(engine, { checkFirst: true });
    }
  });

  test('a generated id past 2^53 comes back exact, as a bigint', async () => {
    await engine.execute(sql`INSERT INTO my_items (id, name) VALUES (${'9007199254740993'}, ${'seed'})`);
    const result = await engine.execute(sql`INSERT INTO my_items (name) VALUES (${'next'})`);
    expect(result.insertId).toBe(9007199254740994n);
    expect((await engine.execute(sql`SELECT id FROM my_items WHERE name = ${'next'}`)).scalar()).toBe('9007199254740994');
  });

  test('a stream killed mid-way fails with DisconnectionError instead of hanging, and the connection recovers', async () => {
    await engine.initialize();
    // MariaDB's sequence engine makes a large result without a table; MySQL uses a recursive CTE.
    const big =
      engine.serverInfo!.product === 'MariaDB'
        ? "SELECT seq, REPEAT('x', 500) AS pad FROM seq_1_to_2000000"
        : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2000000) SELECT n, REPEAT('x', 500) AS pad FROM s";
    const conn = await engine.connect();
    try {
      const id = (await TRAITS.mysql.backendId(conn))!;
      let seen = 0;
      const consume = async () => {
        for await (const _row of conn.stream(big, { batchSize: 100 })) {
          if (++seen === 10) await TRAITS.mysql.killBackend(engine, id);
        }
      };
      await expect(consume()).rejects.toThrow(DisconnectionError);
      expect(seen).toBeLessThan(2000000);
      expect(Number((await conn.execute('SELECT 1 AS one')).scalar())).toBe(1);
      expect(await TRAITS.mysql.backendId(conn)).not.toBe(id);
    } finally {
      await conn.close();
    }
  });
});

describe('mysql: schema text read back', () => {
  const engine = createEngine(testUrl('mysql'), { poolSize: 2 });
  const drop = async () => {
    for (const table of ['my_labels', 'my_checked', 'my_checked_again']) await engine.execute(sql`DROP TABLE IF EXISTS ${sql.id(table)}`);
  };

  beforeAll(drop);
  afterAll(async () => {
    await drop();
    await engine.dispose();
  });

  test('an ENUM label with a line break, a quote or a backslash reads back exactly', async () => {
    const labels = ['a\nb', 'c\rd', "it's", 'back\\slash', 'tab\there', 'plain'];
    const ddl = engine.dialect.ddl;
    await engine.execute(`CREATE TABLE my_labels (id int PRIMARY KEY, kind ENUM(${labels.map((l) => ddl.stringLiteral(l)).join(', ')}))`);
    const table = (await introspect(engine, { tables: ['my_labels'] })).tables[0]!;
    expect(table.columns.find((c) => c.name === 'kind')!.type.enumValues).toEqual(labels);
  });

  test('a CHECK read back names its columns in backticks, so the same text makes the same check again', async () => {
    const ddl = engine.dialect.ddl;
    const columns = "(`my col` int NOT NULL, `it's` varchar(20) NOT NULL)";
    await engine.execute(`CREATE TABLE my_checked ${columns}`);
    await engine.execute(`ALTER TABLE my_checked ADD CONSTRAINT ck_my_checked CHECK (\`my col\` > 0 AND \`it's\` <> ${ddl.stringLiteral('no\\')})`);
    const read = (await introspect(engine, { tables: ['my_checked'] })).tables[0]!.checks[0]!.expression;
    await engine.execute(`CREATE TABLE my_checked_again ${columns}`);
    await engine.execute(`ALTER TABLE my_checked_again ADD CONSTRAINT ck_my_checked_again CHECK (${read})`);
    await engine.execute(sql`INSERT INTO my_checked_again VALUES (${1}, ${'yes'})`);
    await expect(engine.execute(sql`INSERT INTO my_checked_again VALUES (${-1}, ${'yes'})`)).rejects.toThrow(IntegrityError);
    await expect(engine.execute(sql`INSERT INTO my_checked_again VALUES (${1}, ${'no\\'})`)).rejects.toThrow(IntegrityError);
    expect((await introspect(engine, { tables: ['my_checked_again'] })).tables[0]!.checks[0]!.expression).toBe(read);
  });
});

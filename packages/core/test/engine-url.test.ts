import { ConfigurationError, createEngine, parseEngineUrl, registerDialect, sql, SqlCompiler, ArgumentError } from '@strata/core';

describe('parseEngineUrl', () => {
  test('server URLs give their parts, decoded', () => {
    const url = parseEngineUrl('postgresql://ann%40corp:p%3Ass@db.example:6543/app%20db?sslmode=require&application_name=api');
    expect(url).toMatchObject({
      scheme: 'postgresql',
      username: 'ann@corp',
      password: 'p:ss',
      host: 'db.example',
      port: 6543,
      database: 'app db',
      query: { sslmode: 'require', application_name: 'api' },
    });
  });

  test('postgres:// and driver suffixes normalise to the dialect scheme', () => {
    expect(parseEngineUrl('postgres://u@h/d').scheme).toBe('postgresql');
    expect(parseEngineUrl('postgresql+pg://u@h/d').scheme).toBe('postgresql');
    expect(parseEngineUrl('mariadb://root@127.0.0.1:3306/test').scheme).toBe('mariadb');
  });

  test('the password never appears when a URL is printed', () => {
    const url = parseEngineUrl('mysql://root:hunter2@localhost:3306/app');
    expect(String(url)).toBe('mysql://root:***@localhost:3306/app');
    expect(JSON.stringify({ url: `${url}` })).not.toContain('hunter2');
  });

  test('SQLite URLs: relative, absolute and in-memory', () => {
    expect(parseEngineUrl('sqlite:///app.db').database).toBe('app.db');
    expect(parseEngineUrl('sqlite:///data/app.db?busy_timeout=100').database).toBe('data/app.db');
    expect(parseEngineUrl('sqlite:///data/app.db?busy_timeout=100').query).toEqual({ busy_timeout: '100' });
    expect(parseEngineUrl('sqlite:////var/lib/app.db').database).toBe('/var/lib/app.db');
    expect(parseEngineUrl('sqlite::memory:').database).toBe(':memory:');
    expect(String(parseEngineUrl('sqlite:////tmp/x.db'))).toBe('sqlite:////tmp/x.db');
  });

  test.each([
    ['', /No database URL given/],
    ['localhost:5432/app', /Malformed database URL/],
    ['just-a-name', /has no scheme/],
    ['postgresql://user:secret@:5432/app', /Malformed database URL/],
    ['postgresql://user:secret@host:99999/app', /Malformed database URL/],
    ['sqlite:/relative.db', /Malformed SQLite URL/],
  ])('malformed URL %j is a ConfigurationError that says what is expected', (input, message) => {
    const attempt = () => parseEngineUrl(input);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});

describe('dialect registry', () => {
  test('an unknown scheme names the schemes Strata knows', () => {
    expect(() => createEngine('oracle://scott:tiger@localhost/orcl')).toThrow(ConfigurationError);
    expect(() => createEngine('oracle://scott:tiger@localhost/orcl')).toThrow(/Unknown database URL scheme 'oracle:\/\/'.*postgresql:\/\/.*sqlite:\/\//);
  });

  test('a registered dialect is used for its scheme', () => {
    const made: string[] = [];
    registerDialect(['fakedb'], (url) => {
      made.push(url.database ?? '');
      throw new ConfigurationError('stop here');
    });
    expect(() => createEngine('fakedb://u@h/d1')).toThrow('stop here');
    expect(made).toEqual(['d1']);
  });
});

describe('SqlCompiler base', () => {
  const compiler = new SqlCompiler();

  test('values bind, identifiers quote, fragments nest', () => {
    const inner = sql`${sql.id('t', 'col"x')} = ${5}`;
    const compiled = compiler.compile(sql`SELECT * FROM ${sql.id('t')} WHERE ${inner} AND name IN (${sql.join(['a', 'b'])})${sql.raw(' LIMIT 1')}`);
    expect(compiled.sql).toBe('SELECT * FROM "t" WHERE "t"."col""x" = ? AND name IN (?, ?) LIMIT 1');
    expect(compiled.params).toEqual([5, 'a', 'b']);
  });

  test('an empty join compiles to nothing', () => {
    expect(compiler.compile(sql`(${sql.join([])})`).sql).toBe('()');
  });

  test('undefined values and empty or NUL identifiers are refused', () => {
    expect(() => compiler.compile(sql`x = ${undefined}`)).toThrow(ArgumentError);
    expect(() => compiler.compile(sql`${sql.id('')}`)).toThrow(/Invalid SQL identifier/);
    expect(() => compiler.compile(sql`${sql.id('a\u0000b')}`)).toThrow(/Invalid SQL identifier/);
  });

  test('fragments are immutable', () => {
    const fragment = sql`select ${1}`;
    expect(Object.isFrozen(fragment)).toBe(true);
  });
});

describe('replaying after a disconnect', () => {
  const { isReplayableRead } = jest.requireActual('../src/engine/connection') as typeof import('../src/engine/connection');

  test.each([
    ['SELECT * FROM users WHERE id = $1', true],
    ['  select 1', true],
    ['(SELECT 1) UNION (SELECT 2)', true],
    ['SHOW server_version', true],
    ["SELECT nextval('users_id_seq')", false],
    ['SELECT * INTO archive FROM users', false],
    ['SELECT * FROM jobs FOR UPDATE SKIP LOCKED', false],
    ['SELECT pg_advisory_lock(1)', false],
    ['EXPLAIN ANALYZE DELETE FROM users', false],
    ['PRAGMA journal_mode = wal', false],
    ['WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone', false],
    ['INSERT INTO t VALUES (1)', false],
  ])('%s -> %s', (text, expected) => {
    expect(isReplayableRead(text)).toBe(expected);
  });
});

import { inspect } from 'node:util';
import { ConfigurationError, createEngine, parseEngineUrl, sql, ArgumentError } from '@strata/core';
import { registerDialect, SqlCompiler } from '@strata/core/dialect';
import { redactUrlText } from '../src/engine/engine-url';

/** Every string an error and its cause chain hold in own properties (message, stack, input...). */
function errorTexts(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error === 'string') return [error];
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  return Reflect.ownKeys(error).flatMap((key) => errorTexts(Object.getOwnPropertyDescriptor(error, key)?.value, seen));
}

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

  test('a URL prints its password as *** in toString, toJSON, util.inspect and a spread copy, and still gives it to the dialect', () => {
    const url = parseEngineUrl('postgresql://app:s3cr%40t@db.example:5432/shop');
    expect(url.password).toBe('s3cr@t');
    expect(String(url)).toBe('postgresql://app:***@db.example:5432/shop');
    expect(JSON.stringify({ url })).toBe('{"url":"postgresql://app:***@db.example:5432/shop"}');
    expect(inspect(url)).toBe('postgresql://app:***@db.example:5432/shop');
    expect(inspect({ nested: { url } }, { depth: Infinity, showHidden: true })).not.toContain('s3cr');
    expect(JSON.stringify({ ...url })).not.toContain('s3cr');
    expect(Object.keys(url)).not.toContain('password');
  });

  test('an @ in the password is hidden whole: the URL splits at the last @', () => {
    const url = parseEngineUrl('postgresql://u:p@ss@h/db');
    expect(url.password).toBe('p@ss');
    expect(url.host).toBe('h');
    expect(String(url)).toBe('postgresql://u:***@h/db');
  });

  test('secret query options (password, sslpassword, sslkey, token) print as *** but stay readable', () => {
    const url = parseEngineUrl('postgresql://u@h/db?sslmode=require&password=qx1&sslpassword=qx2&sslkey=/k/qx3.pem&api_token=qx4');
    expect(url.query.sslpassword).toBe('qx2');
    expect(String(url)).toBe('postgresql://u@h/db?sslmode=require&password=***&sslpassword=***&sslkey=***&api_token=***');
    for (const shown of [String(url), JSON.stringify(url), inspect(url), inspect(url.query), JSON.stringify(url.query)]) expect(shown).not.toMatch(/qx\d/);
    expect(Object.values(Object.getOwnPropertyDescriptors(url.query)).filter((d) => 'value' in d && /qx/.test(String(d.value)))).toEqual([]);
    expect(String(parseEngineUrl('sqlite:///app.db?password=qx5'))).toBe('sqlite:///app.db?password=***');
  });

  test.each([
    ['postgres:/u:pw1secret@h/db', 'pw1secret'],
    ['postgresql://u:p@ss2secret@:5432/db', 'ss2secret'],
    ['mysql://u:pw3secret@h:badport/db', 'pw3secret'],
    ['mysql://u:p%2F4secret@h:99999/db', 'p%2F4secret'],
    ['postgresql://u:p/w5secret@h/db', 'w5secret'],
    ['postgresql://u:p#w6secret@h/db', 'w6secret'],
    ['postgresql://u:pw7secret/db', 'pw7secret'],
    ['u:pw8secret@h/db', 'pw8secret'],
    ['pw9secret@h', 'pw9secret'],
    ['sqlite:relative.db?password=pw10secret', 'pw10secret'],
    ['postgresql://u@:5432/db?sslpassword=pw11secret', 'pw11secret'],
  ])('the error for malformed URL %j and its cause chain never hold the password', (input, password) => {
    let caught: unknown;
    try {
      parseEngineUrl(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as Error).message).toMatch(/Malformed|no host|no scheme/);
    expect(errorTexts(caught).filter((text) => text.includes(password))).toEqual([]);
  });

  test('redactUrlText keeps what helps (scheme, user, host) and hides what may be a password', () => {
    expect(redactUrlText('mysql://u:pw@h:badport/db')).toBe('mysql://u:***@h:badport/db');
    expect(redactUrlText('postgresql://u:p@ss@h/db')).toBe('postgresql://u:***@h/db');
    expect(redactUrlText('postgres:/u:pw@h/db')).toBe('postgres:***@h/db');
    expect(redactUrlText('postgresql://u:pw/db')).toBe('postgresql://u:***/db');
    expect(redactUrlText('postgresql://h:5432/db')).toBe('postgresql://h:5432/db');
    expect(redactUrlText('postgresql://u@h/db?sslkey=k&x=1')).toBe('postgresql://u@h/db?sslkey=***&x=1');
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
  const { isReplayableRead } = jest.requireActual<typeof import('../src/engine/connection')>('../src/engine/connection');

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

/*
 * The secrets conformance suite: a password in the URL and the values of a statement run
 * with hideParameters never show - not when engines, sessions, connections, entities or
 * errors are printed, serialised or walked property by property (cause chains included).
 * On PostgreSQL and MariaDB the engine signs in as a user made for the suite with a
 * password full of URL and quote characters; SQLite carries secrets in its query string.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect as utilInspect } from 'node:util';
import {
  ArgumentError,
  Check,
  CheckViolationError,
  Column,
  ConnectionFailedError,
  createEngine,
  DatabaseError,
  type Engine,
  type EngineOptions,
  Entity,
  ForeignKeyViolationError,
  inspect,
  ManyToOne,
  MetaData,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  PrimaryKeyProps,
  select,
  type SessionFactory,
  sessionMaker,
  sql,
  type SqlFragment,
  type StatementEntry,
  UniqueViolationError,
  ValidationError,
} from '@strata/core';
import { strata } from '../cli-runner';
import { testUrl, type DialectName } from '../targets';
import { exposures } from './exposure';

@Entity('sec_account')
@Check('age >= 0')
class SecAccount {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ unique: true, length: 200 }) email!: string;
  @Column({ length: 10 }) name!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @OneToMany(() => SecNote, 'account') notes!: SecNote[];
}

@Entity('sec_note')
class SecNote {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) body!: string;
  @ManyToOne(() => SecAccount, 'notes', { nullable: false }) account!: SecAccount;
}

@Entity('sec_code')
class SecCode {
  declare [PrimaryKeyProps]?: 'code';
  @PrimaryColumn({ length: 100 }) code!: string;
}

@Entity('sec_use')
class SecUse {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => SecCode, undefined, { nullable: false }) code!: SecCode;
}

/** A fresh token that appears nowhere unless leaked. */
function token(): string {
  return `Zq${randomBytes(6).toString('hex')}`;
}

function account(email: string, name = 'ann', age: number | null = 30): SecAccount {
  return Object.assign(new SecAccount(), { email, name, age });
}

/** Asserts that no secret shows anywhere in `value`; names every place it does. */
function expectHidden(value: unknown, secrets: readonly string[]): void {
  expect(exposures(value, secrets)).toEqual([]);
}

/** The rejection of `promise`, failing the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a failure, but it succeeded'),
    (error: Error) => error,
  );
}

/** A user with a password on the server, made for this suite and dropped after it. */
interface SecretLogin {
  readonly url: string;
  /** How the URL prints. */
  readonly shown: string;
  readonly password: string;
  /** The URL with its host:port replaced (a refused port) or its database renamed. */
  readonly variant: (change: { port?: number; database?: string; password?: string }) => string;
  readonly drop: () => Promise<void>;
}

/** The statements that make and drop a password user, per server. */
async function makeLogin(dialect: DialectName, admin: Engine, secret: string): Promise<SecretLogin> {
  const base = new URL(testUrl(dialect));
  const database = base.pathname.slice(1);
  const scheme = dialect === 'sqlite' ? 'sqlite' : base.protocol.slice(0, -1);
  // Quotes, @, :, / and # all in one password: URL parsing and every redaction must hold up.
  const password = `Pw'q"@:/#${secret}`;
  const user = `${database}_sec`;
  const literal = `'${password.replace(/'/g, "''")}'`;
  if (dialect === 'postgresql') {
    await admin.execute(`DROP ROLE IF EXISTS "${user}"`).catch(() => undefined);
    await admin.execute(`CREATE ROLE "${user}" LOGIN PASSWORD ${literal}`);
    await admin.execute(`GRANT ALL ON SCHEMA public TO "${user}"`);
  } else {
    await admin.execute(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.execute(`CREATE USER '${user}'@'%' IDENTIFIED BY ${literal}`);
    await admin.execute(`GRANT ALL ON \`${database}\`.* TO '${user}'@'%'`);
  }
  const variant = (change: { port?: number; database?: string; password?: string }) =>
    `${scheme}://${user}:${encodeURIComponent(change.password ?? password)}@${base.hostname}:${change.port ?? base.port}/${change.database ?? database}` +
    `?application_name=strata-sec&sslpassword=${secret}`;
  const drop = async () => {
    if (dialect === 'postgresql') {
      await admin.execute(`DROP OWNED BY "${user}"`);
      await admin.execute(`DROP ROLE "${user}"`);
    } else {
      await admin.execute(`DROP USER '${user}'@'%'`);
    }
  };
  const shown = `${scheme}://${user}:***@${base.hostname}:${base.port}/${database}?application_name=strata-sec&sslpassword=***`;
  return { url: variant({}), shown, password, variant, drop };
}

/** Registers the secrets suite for one dialect. */
export function secretsSuite(dialect: DialectName): void {
  describe(`${dialect}: passwords and hidden parameters never show`, () => {
    const md = new MetaData([SecAccount, SecNote, SecCode, SecUse]);
    const secret = token();
    let admin: Engine | undefined;
    let login: SecretLogin | undefined;
    /** The URL with a password (servers) or secret query options (SQLite). */
    let url: string;
    /** Everything that counts as the password. */
    let secrets: string[];
    let engine: Engine;
    let Session: SessionFactory;
    const engines: Engine[] = [];
    const open = (options: EngineOptions = {}, at = url) => {
      const made = createEngine(at, { poolSize: 2, ...options });
      engines.push(made);
      return made;
    };

    beforeAll(async () => {
      if (dialect === 'sqlite') {
        url = `${testUrl('sqlite')}?password=${secret}&sslkey=${secret}k`;
        secrets = [secret];
      } else {
        admin = createEngine(testUrl(dialect), { poolSize: 1 });
        login = await makeLogin(dialect, admin, secret);
        url = login.url;
        secrets = [secret, login.password, encodeURIComponent(login.password)];
      }
      engine = open({ hideParameters: true });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      for (const table of ['sec_use', 'sec_code', 'sec_note', 'sec_account']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      for (const made of engines) await made.dispose();
      await login?.drop();
      await admin?.dispose();
    });

    test('the engine signs in with the password, and its URL prints with *** for it and for secret query options', async () => {
      await engine.initialize();
      expect(engine.url.password).toBe(dialect === 'sqlite' ? undefined : login!.password);
      const shown = String(engine.url);
      expect(shown).toContain('***');
      expect(JSON.stringify({ url: engine.url })).toBe(JSON.stringify({ url: shown }));
      expect(utilInspect(engine.url)).toBe(shown);
      expect(shown).toBe(login?.shown ?? url.replace(/\?.*$/, '?password=***&sslkey=***'));
      expectHidden(engine.url, secrets);
      expectHidden({ ...engine.url }, secrets);
      expectHidden(engine.url.query, secrets);
    });

    test('console.log, util.inspect, JSON.stringify of an engine, session, connection, pool, dialect and loaded entity never show the password', async () => {
      await Session.run((s) => s.add(Object.assign(account('pat@example.com'), { notes: [Object.assign(new SecNote(), { body: 'hello' })] })));
      const session = Session();
      const conn = await engine.connect();
      try {
        const loaded = await session.load((await session.get(SecAccount, (await session.scalars(select(SecAccount)))[0]!.id))!, 'notes');
        for (const value of [engine, session, conn, engine.pool, engine.dialect, loaded, loaded.notes, loaded.notes[0], Session]) expectHidden(value, secrets);
        expect(utilInspect(engine)).toMatch(/^Engine \{\n?\s*url: '[^']*\*\*\*/);
        expect(utilInspect(session)).toMatch(/^Session \{/);
        expect(utilInspect(conn)).toMatch(/^Connection \{/);
      } finally {
        await conn.close();
        await session.close();
      }
    });

    test('read replicas are reported by their URL without the password', async () => {
      const replicated = open({ replicas: [url] });
      const conn = await replicated.connectForRead();
      await conn.close();
      expect(replicated.replicaStatus()).toHaveLength(1);
      expectHidden(replicated.replicaStatus(), secrets);
      expectHidden(replicated, secrets);
    });

    test('a failed connect with a password URL keeps the password out of the error and its cause chain', async () => {
      const attempts =
        dialect === 'sqlite'
          ? [`sqlite:///${join(tmpdir(), 'strata-missing-dir', 'nowhere', 'x.db')}?password=${secret}`]
          : [
              login!.variant({ port: 1 }),
              login!.variant({ database: `${new URL(testUrl(dialect)).pathname.slice(1)}_missing` }),
              // PostgreSQL here trusts local connections, so only MariaDB checks a wrong password.
              ...(dialect === 'mysql' ? [login!.variant({ password: `wrong"'@${secret}` })] : []),
            ];
      for (const attempt of attempts) {
        const failed = open({ connectTimeout: 3000 }, attempt);
        const error = await failure(failed.connect());
        expect(error).toBeInstanceOf(ConnectionFailedError);
        expect((error as ConnectionFailedError).cause).toBeDefined();
        expectHidden(error, [...secrets, `wrong"'@${secret}`, encodeURIComponent(`wrong"'@${secret}`)]);
      }
    });

    test('the strata CLI prints neither the password of DATABASE_URL when it works nor when it cannot connect', async () => {
      const dir = mkdtempSync(join(tmpdir(), `strata-sec-${dialect}-`));
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(
        join(dir, 'strata.config.ts'),
        "import { defineConfig } from '@strata/cli';\nexport default defineConfig({ url: 'sqlite:///unused.db', entities: [], versionTable: 'sec_strata_version' });\n",
      );
      const working = await strata(dir, url, ['current']);
      expect(working.status).toBe(0);
      const broken = await strata(dir, dialect === 'sqlite' ? url.replace('sqlite:///', 'sqlite:///nowhere-dir/') : login!.variant({ port: 1 }), ['current']);
      expect(broken.status).not.toBe(0);
      expect(broken.err).toMatch(/Could not connect|Error/);
      for (const run of [working, broken]) expectHidden(`${run.out}\n${run.err}`, secrets);
      await engine.execute(`DROP TABLE IF EXISTS ${engine.dialect.ddl.quote('sec_strata_version')}`);
    });

    describe('with hideParameters', () => {
      const statements: StatementEntry[] = [];
      let stop: () => void;
      beforeEach(() => {
        statements.length = 0;
        stop = engine.on('statement', (entry) => statements.push(entry));
      });
      afterEach(() => stop());

      /** Checks an error and what the statement log recorded for it hide every value. */
      const expectValuesHidden = (error: Error, values: readonly string[]) => {
        expect(error).toBeInstanceOf(DatabaseError);
        expect((error as DatabaseError).params).toBeUndefined();
        expectHidden(error, [...values, ...secrets]);
        expectHidden(statements, [...values, ...secrets]);
      };

      test('a unique violation from a flush hides the duplicate value in the message, the cause, its detail and its stack', async () => {
        const value = `${token()}@example.com`;
        await Session.run((s) => s.add(account(value)));
        const error = await failure(Session.run((s) => s.add(account(value, 'bob'))));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(error).toMatchObject({ constraint: 'uq_sec_account_email', columns: ['email'], properties: ['email'] });
        expectValuesHidden(error, [value, value.split('@')[0]!]);
        const cause = error.cause as { message: string; detail?: string };
        if (dialect === 'postgresql') expect(cause.detail).toBe('Key (email)=(***) already exists.');
        if (dialect === 'mysql') expect(cause.message).toMatch(/^Duplicate entry '\*\*\*' for key '(sec_account\.)?uq_sec_account_email'$/);
        if (dialect === 'sqlite') expect(cause.message).toBe('UNIQUE constraint failed: sec_account.email');
      });

      test("a duplicate value holding quotes and parentheses is hidden whole (no 'x\"y' remnants)", async () => {
        const secretPart = token();
        const value = `a'b"c)=(d, ${secretPart}'x"y`;
        await engine.execute(sql`INSERT INTO ${sql.id('sec_account')} (${sql.id('email')}, ${sql.id('name')}) VALUES (${value}, ${'n'})`);
        const error = await failure(engine.execute(sql`INSERT INTO ${sql.id('sec_account')} (${sql.id('email')}, ${sql.id('name')}) VALUES (${value}, ${'m'})`));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expectValuesHidden(error, [value, secretPart, 'x"y', `b"c`]);
      });

      test('a check violation hides the failing row, its other values included', async () => {
        const email = `${token()}@example.com`;
        const error = await failure(Session.run((s) => s.add(account(email, 'cy', -424242))));
        expect(error).toBeInstanceOf(CheckViolationError);
        expectValuesHidden(error, [email, '-424242', '424242']);
        if (dialect === 'postgresql') expect((error.cause as { detail: string }).detail).toBe('Failing row contains (***).');
      });

      test('a NOT NULL violation hides the rest of the row', async () => {
        const email = `${token()}@example.com`;
        const error = await failure(engine.execute(sql`INSERT INTO ${sql.id('sec_account')} (${sql.id('email')}, ${sql.id('name')}) VALUES (${email}, ${null})`));
        expect(error.constructor.name).toBe('NotNullViolationError');
        expectValuesHidden(error, [email]);
      });

      test('a foreign key naming a missing text key hides the key value', async () => {
        const code = token();
        await Session.run((s) => s.add(Object.assign(new SecCode(), { code })));
        const session = Session();
        try {
          const loaded = (await session.get(SecCode, code))!;
          await engine.execute(sql`DELETE FROM ${sql.id('sec_code')}`);
          session.add(Object.assign(new SecUse(), { code: loaded }));
          const error = await failure(session.commit());
          expect(error).toBeInstanceOf(ForeignKeyViolationError);
          expectValuesHidden(error, [code]);
          await session.rollback();
        } finally {
          await session.close();
        }
      });

      test("data errors (a value the column's type refuses, out of range, too long, bad JSON) hide the value", async () => {
        const table = sql.id('sec_account');
        const [email, name, age] = [sql.id('email'), sql.id('name'), sql.id('age')];
        const cases: Array<{ value: string; statement: SqlFragment }> = [];
        if (dialect === 'sqlite') {
          const bad = `{"k": ${token()}`;
          cases.push({ value: bad, statement: sql`SELECT json(${bad}) AS j` });
        } else {
          const word = `abc${token()}`;
          const big = '98765432109876';
          const long = `${token()}${token()}`;
          const insertAge = (value: string) => sql`INSERT INTO ${table} (${email}, ${name}, ${age}) VALUES (${`${token()}@x`}, ${'n'}, ${value})`;
          cases.push({ value: word, statement: insertAge(word) });
          cases.push({ value: big, statement: insertAge(big) });
          cases.push({ value: long, statement: sql`INSERT INTO ${table} (${email}, ${name}) VALUES (${`${token()}@x`}, ${long})` });
          if (dialect === 'postgresql') {
            const json = `{"k": ${token()}`;
            cases.push({ value: json, statement: sql`SELECT CAST(${json} AS json) AS j` });
          }
        }
        for (const { value, statement } of cases) {
          const error = await failure(engine.execute(statement));
          expect(error).toBeInstanceOf(DatabaseError);
          expectValuesHidden(error, [value, value.replace(/^abc|^\{"k": /, '')]);
        }
      });

      test('with hideParameters off the same duplicate does show the value (what the checks above look for is really there)', async () => {
        const plain = open();
        const value = `${token()}@example.com`;
        await plain.execute(sql`INSERT INTO ${sql.id('sec_account')} (${sql.id('email')}, ${sql.id('name')}) VALUES (${value}, ${'n'})`);
        const error = await failure(plain.execute(sql`INSERT INTO ${sql.id('sec_account')} (${sql.id('email')}, ${sql.id('name')}) VALUES (${value}, ${'m'})`));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(exposures(error, [value])).not.toEqual([]);
        expectHidden(error, secrets);
      });
    });

    test('a ValidationError names the column and the rule, never the value', async () => {
      const value = `${token()}${token()}`;
      const error = await failure(Session.run((s) => s.add(account(`${token()}@example.com`, value))));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ entity: 'SecAccount', column: 'name' });
      expect(error.message).toMatch(/SecAccount\.name.*varchar\(10\) holds at most 10 characters/);
      expectHidden(error, [value, value.slice(0, 10)]);
    });

    test('a loaded entity holds no enumerable state: a spread copies none of it, and renaming the copy leaves the original alone', async () => {
      await Session.run((s) => s.add(account('dee@example.com', 'dee')));
      await Session.run(async (s) => {
        const [loaded] = await s.scalars(select(SecAccount));
        expect(Object.getOwnPropertySymbols(loaded!)).toEqual([]);
        expect(Object.keys(loaded!)).toEqual([]);
        const copy = Object.assign(new SecAccount(), { ...loaded! });
        copy.name = 'renamed';
        expect(loaded!.name).toBe('dee');
        expect(inspect(copy).status).toBe('transient');
        expect(inspect(loaded!).modified).toEqual([]);
        // The column values to copy: toJSON().
        const values = Object.assign(new SecAccount(), (loaded as unknown as { toJSON(): object }).toJSON());
        expect(values).toMatchObject({ id: loaded!.id, email: 'dee@example.com', name: 'dee', age: 30 });
        expect(inspect(values).status).toBe('transient');
        expect(structuredClone(loaded)).toEqual({});
        expectHidden(loaded, secrets);
      });
    });

    test('a loaded entity read or written through a Proxy is refused with an ArgumentError rather than answering undefined or writing nowhere', async () => {
      await Session.run((s) => s.add(account('fay@example.com', 'fay')));
      await Session.run(async (s) => {
        const [loaded] = await s.scalars(select(SecAccount));
        const wrapped = new Proxy(loaded!, {});
        expect(() => wrapped.name).toThrow(ArgumentError);
        expect(() => {
          wrapped.name = 'other';
        }).toThrow(/used through a Proxy.*give Strata the object itself/);
        expect(loaded!.name).toBe('fay');
        expect(inspect(loaded!).modified).toEqual([]);
      });
    });

    test("util.inspect(entity) shows the class, its column values and <unloaded> relationships, loaded ones to the depth asked", async () => {
      await Session.run((s) => s.add(Object.assign(account('eve@example.com', 'eve'), { notes: [Object.assign(new SecNote(), { body: 'n1' })] })));
      await Session.run(async (s) => {
        const [loaded] = await s.scalars(select(SecAccount));
        expect(utilInspect(loaded, { breakLength: Infinity })).toBe(`SecAccount { id: ${loaded!.id}, email: 'eve@example.com', name: 'eve', age: 30, notes: <unloaded> }`);
        const note = (await s.load(loaded!, 'notes')).notes[0]!;
        const deep = utilInspect(loaded, { depth: Infinity, breakLength: Infinity });
        expect(deep).toContain(`notes: RelationCollection(1) [ SecNote { id: ${note.id}, body: 'n1', account: [Circular SecAccount] } ]`);
        expect(utilInspect(loaded, { depth: 0 })).toMatch(/notes: \[RelationCollection\]|notes: \[Array\]/);
      });
    });
  });
}

/*
 * The scope conformance suite: session.stream over each dialect's cursor (a million rows
 * with flat memory), session events and robust onCommit hooks, ObjectDeletedError, and
 * request scopes (scopedSession: run, and middleware under a real node:http server).
 */
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  ArgumentError,
  Column,
  createEngine,
  Entity,
  inspect,
  InvalidStateError,
  MetaData,
  ObjectDeletedError,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  ref,
  scopedSession,
  select,
  sessionMaker,
  sql,
  type Engine,
  type Session,
  type SessionFactory,
} from '@strata/core';
import { recordStatements, serveScoped, sleep, stopServer } from '../harness';
import { testUrl, type DialectName } from '../targets';

@Entity('sc_num')
class ScNum {
  @PrimaryColumn() id!: number;
  @Column({ type: 'integer' }) n!: number;
}

@Entity('sc_item')
class ScItem {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) label!: string;
  @Column({ type: 'integer', default: 0 }) hits!: number;
}

@Entity('sc_visit')
class ScVisit {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) tag!: string;
}

const MILLION = 1_000_000;
const MB = 1024 * 1024;

function item(label: string): ScItem {
  const i = new ScItem();
  i.label = label;
  return i;
}

function visit(tag: string): ScVisit {
  const v = new ScVisit();
  v.tag = tag;
  return v;
}

/** A real full collection: `global.gc` when node runs with --expose-gc, else the same function enabled at run time. */
function forcedGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Lets the current job end (WeakRef targets are kept until it does), then collects. */
async function collect(gc: () => void): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
}

/** Fills sc_num with ids 1..count on the server, without sending a million rows over the wire. */
async function fillNumbers(engine: Engine, dialect: DialectName, count: number): Promise<void> {
  if (dialect === 'postgresql') {
    await engine.execute(sql`INSERT INTO sc_num (id, n) SELECT g, g % 1000 FROM generate_series(1, ${count}) AS g`);
    return;
  }
  if (dialect === 'sqlite') {
    await engine.execute(sql`INSERT INTO sc_num (id, n) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${count}) SELECT x, x % 1000 FROM c`);
    return;
  }
  const version = String((await engine.execute('SELECT VERSION() AS v')).scalar());
  if (/mariadb/i.test(version)) {
    await engine.execute(sql`INSERT INTO sc_num (id, n) SELECT seq, seq % 1000 FROM ${sql.id(`seq_1_to_${count}`)}`);
    return;
  }
  // MySQL has no sequence tables: ten digits cross-joined six times.
  const digits = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
  const x = 'a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + 1';
  await engine.execute(
    `INSERT INTO sc_num (id, n) SELECT ${x}, (${x}) % 1000 FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f, ${digits} g WHERE ${x} <= ${count}`,
  );
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Registers the scope suite (streaming, events, ObjectDeletedError, request scopes) for one dialect. */
export function scopeSuite(dialect: DialectName): void {
  describe(`${dialect}: streaming, session events and request scopes`, () => {
    const md = new MetaData([ScNum, ScItem, ScVisit]);
    const gc = forcedGc();
    let engine: Engine;
    let Session: SessionFactory;
    const count = async (table: string, where = sql`1 = 1`) =>
      Number((await engine.execute(sql`SELECT count(*) AS n FROM ${sql.id(table)} WHERE ${where}`)).scalar());
    const checkedOut = () => engine.pool.status().checkedOut;
    /** Waits (briefly) for closes that run after a response was sent. */
    const settled = async () => {
      for (let i = 0; i < 200 && checkedOut() > 0; i++) await sleep(10);
      return checkedOut();
    };

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 5, maxOverflow: 0, poolTimeout: 20_000 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      for (const table of ['sc_item', 'sc_visit']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    describe('session.stream', () => {
      test(`streams ${MILLION} rows as objects with flat memory, keeping none of the clean ones`, async () => {
        await fillNumbers(engine, dialect, MILLION);
        const session = Session();
        try {
          await collect(gc);
          const baseline = process.memoryUsage().heapUsed;
          const samples: number[] = [];
          let expected = 1;
          let sum = 0;
          for await (const num of session.stream(select(ScNum).orderBy((x) => x.id), { batchSize: 1000 })) {
            if (num.id !== expected) throw new Error(`row ${expected} came as ${num.id}`);
            expected++;
            sum += num.n;
            if (num.id % 100_000 === 0) {
              gc();
              samples.push(process.memoryUsage().heapUsed - baseline);
            }
          }
          expect(expected - 1).toBe(MILLION);
          expect(sum).toBe(999 * 500 * 1000);
          // Held strongly, a million objects take ~250 MB here, and their dead map slots alone ~40 MB.
          // Measured after a full collection: about 10 MB above the start, and not growing.
          expect(Math.max(...samples)).toBeLessThan(64 * MB);
          expect(samples[samples.length - 1]! - samples[0]!).toBeLessThan(16 * MB);
          await collect(gc);
          const { statements } = await recordStatements(engine, () => session.get(ScNum, 777_777));
          expect(statements).toHaveLength(1);
        } finally {
          await session.close();
          await engine.execute('DELETE FROM sc_num');
        }
      }, 180_000);

      test('autoflushes first, returns objects the session holds as they are, and keeps a streamed object that changed', async () => {
        await Session.run((s) => s.addAll(Array.from({ length: 10 }, (_, i) => item(`i${i}`))));
        const session = Session();
        try {
          const ids = (await session.scalars(select(ScItem).orderBy((i) => i.id))).map((i) => i.id);
          session.expungeAll();
          const held = (await session.get(ScItem, ids[3]!))!;
          session.add(item('pending'));
          const labels: string[] = [];
          let same = false;
          for await (const it of session.stream(select(ScItem).orderBy((i) => i.id), { batchSize: 3 })) {
            labels.push(it.label);
            if (it.id === ids[3]) same = it === held;
            if (it.label === 'i5') it.hits = 42;
          }
          expect(labels).toEqual([...Array.from({ length: 10 }, (_, i) => `i${i}`), 'pending']);
          expect(same).toBe(true);
          await collect(gc);
          // The changed object was pinned: get finds it without SQL. A clean streamed one was let go.
          const { result: changed, statements: none } = await recordStatements(engine, () => session.get(ScItem, ids[5]!));
          expect(none).toHaveLength(0);
          expect(inspect(changed!).modified).toEqual(['hits']);
          const { statements: one } = await recordStatements(engine, () => session.get(ScItem, ids[6]!));
          expect(one.filter((st) => /^SELECT/i.test(st.sql))).toHaveLength(1);
          await session.commit();
        } finally {
          await session.close();
        }
        expect(await count('sc_item', sql`hits = ${42}`)).toBe(1);
      });

      test('column selections stream rows; breaking out frees the connection for the next statement', async () => {
        await Session.run((s) => s.addAll([item('a'), item('b'), item('c')]));
        const I = ref(ScItem);
        const session = Session();
        try {
          const rows: unknown[] = [];
          for await (const row of session.stream(select({ label: I.label }).orderBy(I.label))) rows.push(row);
          expect(rows).toEqual([{ label: 'a' }, { label: 'b' }, { label: 'c' }]);
          for await (const first of session.stream(select(ScItem).orderBy((i) => i.label), { batchSize: 1 })) {
            expect(first.label).toBe('a');
            break;
          }
          expect(await session.scalars(select(ScItem))).toHaveLength(3);
          await expect(session.stream(select(ScItem), { batchSize: 0 }).next()).rejects.toBeInstanceOf(ArgumentError);
        } finally {
          await session.close();
        }
      });

      test('under an open stream the session refuses to flush or commit, and a rollback ends the stream first', async () => {
        await Session.run((s) => s.addAll([item('a'), item('b'), item('c')]));
        const session = Session();
        try {
          const seen: string[] = [];
          const errors: unknown[] = [];
          for await (const it of session.stream(select(ScItem).orderBy((i) => i.label), { batchSize: 1 })) {
            seen.push(it.label);
            it.hits = 5;
            errors.push(await session.flush().catch((e: unknown) => e));
            errors.push(await session.commit().catch((e: unknown) => e));
            // Without ending the stream first, ROLLBACK would queue behind the open cursor for ever.
            await session.rollback();
          }
          expect(seen).toEqual(['a']);
          expect(errors).toHaveLength(2);
          for (const error of errors) expect((error as Error).message).toMatch(/while a session\.stream\(\) loop is open.*break out of it/);
          expect(errors.every((e) => e instanceof InvalidStateError)).toBe(true);
          expect(await session.scalars(select(ScItem))).toHaveLength(3);
        } finally {
          await session.close();
        }
        expect(checkedOut()).toBe(0);
        expect(await count('sc_item', sql`hits = ${5}`)).toBe(0);
      });
    });

    describe('session events and hooks', () => {
      test('flush, commit and rollback events fire in order, factory listeners first; beforeFlush may add objects', async () => {
        const log: string[] = [];
        const Factory = sessionMaker({ bind: engine, registry: md });
        const stopFactory = Factory.on('beforeFlush', () => void log.push('factory:beforeFlush'));
        const session = Factory();
        let audited = false;
        session.on('beforeFlush', (s) => {
          expect(s).toBe(session);
          log.push('beforeFlush');
          if (!audited) s.add(visit('audit'));
          audited = true;
        });
        session.on('afterFlush', () => void log.push('afterFlush'));
        session.on('afterCommit', () => void log.push('afterCommit'));
        session.on('afterRollback', () => void log.push('afterRollback'));
        try {
          session.add(item('ev'));
          await session.flush();
          await session.flush();
          session.onCommit(() => void log.push('onCommit'));
          await session.commit();
          expect(log).toEqual(['factory:beforeFlush', 'beforeFlush', 'afterFlush', 'afterCommit', 'onCommit']);
          expect(await count('sc_visit', sql`tag = ${'audit'}`)).toBe(1);
          log.length = 0;
          stopFactory();
          session.add(item('gone'));
          await session.flush();
          await session.rollback();
          expect(log).toEqual(['beforeFlush', 'afterFlush', 'afterRollback']);
        } finally {
          await session.close();
        }
        expect(await count('sc_item')).toBe(1);
      });

      test('a beforeFlush listener that throws cancels the flush, writing nothing and leaving the session usable', async () => {
        const session = Session();
        try {
          const obj = item('vetoed');
          session.add(obj);
          const stopVeto = session.on('beforeFlush', () => {
            throw new Error('veto');
          });
          await expect(session.flush()).rejects.toThrow('veto');
          expect(inspect(obj).status).toBe('pending');
          expect(await count('sc_item')).toBe(0);
          stopVeto();
          await session.commit();
        } finally {
          await session.close();
        }
        expect(await count('sc_item')).toBe(1);
      });

      test('robust onCommit hooks: a failing one is reported as hookError and the others run', async () => {
        const reported: [string, string][] = [];
        const ran: string[] = [];
        const session = Session();
        session.on('hookError', (error, failure) => void reported.push([(error as Error).message, failure.hook]));
        session.on('afterCommit', () => {
          throw new Error('listener');
        });
        try {
          session.add(item('robust'));
          await session.flush();
          session.onCommit(() => {
            throw new Error('first');
          }, { robust: true });
          session.onCommit(() => void ran.push('second'));
          await session.commit();
        } finally {
          await session.close();
        }
        expect(reported).toEqual([
          ['listener', 'afterCommit'],
          ['first', 'onCommit'],
        ]);
        expect(ran).toEqual(['second']);
        // With no hookError listener the failure becomes a process warning.
        const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        try {
          await Session.run(async (s) => {
            s.add(item('warned'));
            await s.flush();
            s.onCommit(() => {
              throw new Error('unheard');
            }, { robust: true });
          });
          expect(warn).toHaveBeenCalledWith(expect.stringMatching(/onCommit hook threw: Error: unheard/), { code: 'STRATA_HOOK_FAILED' });
        } finally {
          warn.mockRestore();
        }
      });

      test('a non-robust onCommit hook that throws rejects commit() after the COMMIT; later hooks do not run', async () => {
        const ran: string[] = [];
        const session = Session();
        try {
          session.add(item('committed'));
          await session.flush();
          session.onCommit(() => {
            throw new Error('plain');
          });
          session.onCommit(() => void ran.push('after'));
          await expect(session.commit()).rejects.toThrow('plain');
          expect(session.inTransaction).toBe(false);
        } finally {
          await session.close();
        }
        expect(ran).toEqual([]);
        expect(await count('sc_item', sql`label = ${'committed'}`)).toBe(1);
      });
    });

    describe('ObjectDeletedError', () => {
      test('refresh of an object whose row another transaction deleted names the entity and key', async () => {
        await Session.run((s) => s.addAll([item('doomed'), item('also')]));
        const session = Session();
        try {
          const [also, doomed] = await session.scalars(select(ScItem).orderBy((i) => i.label));
          const [alsoId, doomedId] = [also!.id, doomed!.id];
          await session.commit();
          await engine.execute(sql`DELETE FROM sc_item`);
          const error = await session.refresh(also!).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ObjectDeletedError);
          expect(error).toMatchObject({ code: 'object_deleted', entity: 'ScItem', identity: [alsoId] });
          expect((error as Error).message).toMatch(new RegExp(`ScItem with key ${alsoId}\\b`));
          // get() never raises it: the key has no row, and the stale object is detached.
          expect(await session.get(ScItem, doomedId)).toBeUndefined();
          expect(inspect(doomed!).status).toBe('detached');
        } finally {
          await session.close();
        }
      });
    });

    describe('scopedSession', () => {
      test('db.run commits on success, rolls back on throw, always closes; nested runs join; current() needs a scope', async () => {
        const db = scopedSession(Session);
        expect(() => db.current()).toThrow(InvalidStateError);
        expect(db.active).toBe(false);
        let inner: Session | undefined;
        const outer = await db.run(async () => {
          expect(db.active).toBe(true);
          db.current().add(visit('run-ok'));
          inner = await db.run(() => db.current());
          await sleep(1);
          return db.current();
        });
        expect(inner).toBe(outer);
        await expect(
          db.run(async () => {
            db.current().add(visit('run-fail'));
            await db.current().flush();
            throw new Error('job failed');
          }),
        ).rejects.toThrow('job failed');
        expect(await count('sc_visit', sql`tag = ${'run-ok'}`)).toBe(1);
        expect(await count('sc_visit', sql`tag = ${'run-fail'}`)).toBe(0);
        expect(checkedOut()).toBe(0);
        await expect(outer.get(ScVisit, 1)).rejects.toThrow(/db\.run\(\) scope that has ended/);
        const [a, b] = await Promise.all([db.run(async () => (await sleep(5), db.current())), db.run(async () => (await sleep(5), db.current()))]);
        expect(a).not.toBe(b);
      });

      test('100 concurrent requests through a pool of 5: a session each, no shared objects, nothing left checked out', async () => {
        const db = scopedSession(Session);
        const shared = await Session.run(async (s) => {
          const it = item('shared');
          s.add(it);
          await s.flush();
          return it.id;
        });
        const sessions = new Set<Session>();
        const objects = new Set<object>();
        let peak = 0;
        const { server, url } = await serveScoped(db, async (req, res) => {
          const s = db.current();
          sessions.add(s);
          // Write first: on SQLite a read-then-write transaction could not take the write lock.
          s.add(visit(`req${req.url!.slice(1)}`));
          await s.commit();
          expect(db.current()).toBe(s);
          objects.add((await s.get(ScItem, shared))!);
          peak = Math.max(peak, checkedOut());
          res.end('ok');
        });
        try {
          const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => fetchText(`${url}/${i}`)));
          expect(answers.every((a) => a.status === 200)).toBe(true);
        } finally {
          await stopServer(server);
        }
        expect(sessions.size).toBe(100);
        expect(objects.size).toBe(100);
        expect(peak).toBeLessThanOrEqual(5);
        expect(await settled()).toBe(0);
        expect(engine.pool.status().size).toBeLessThanOrEqual(5);
        expect(await count('sc_visit')).toBe(100);
      });

      test('a handler that throws or never commits leaves no rows and no connection behind', async () => {
        const db = scopedSession(Session);
        const { server, url } = await serveScoped(db, async (req, res) => {
          const s = db.current();
          s.add(visit(req.url!.slice(1)));
          await s.flush();
          if (req.url === '/throws') throw new Error('handler failed');
          res.end('forgot to commit');
        });
        try {
          const answers = await Promise.all(['throws', 'forgets', 'throws', 'forgets'].map((path) => fetchText(`${url}/${path}`)));
          expect(answers.map((a) => a.status)).toEqual([500, 200, 500, 200]);
        } finally {
          await stopServer(server);
        }
        expect(await settled()).toBe(0);
        expect(await count('sc_visit')).toBe(0);
      });

      test('a client that disconnects mid-request releases the session at once; the handler cannot use it afterwards', async () => {
        const db = scopedSession(Session);
        let began!: () => void;
        const started = new Promise<void>((resolve) => (began = resolve));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let lateError: unknown;
        let handlerDone!: () => void;
        const finished = new Promise<void>((resolve) => (handlerDone = resolve));
        const { server, url } = await serveScoped(db, async (_req, res) => {
          const s = db.current();
          try {
            s.add(visit('abandoned'));
            await s.flush();
            began();
            await released;
            lateError = await s.get(ScVisit, 1).catch((e: unknown) => e);
            res.end();
          } finally {
            handlerDone();
          }
        });
        try {
          const req = request(url, { agent: false });
          req.on('error', () => undefined);
          req.end();
          await started;
          expect(checkedOut()).toBe(1);
          req.destroy();
          expect(await settled()).toBe(0);
          release();
          await finished;
        } finally {
          await stopServer(server);
        }
        expect(lateError).toBeInstanceOf(InvalidStateError);
        expect((lateError as Error).message).toMatch(/client disconnected/);
        expect(await count('sc_visit')).toBe(0);
      });

      test('a client that disconnects while its handler sits inside a stream loop gets the cursor closed and the connection back', async () => {
        await Session.run((s) => s.addAll([item('a'), item('b'), item('c')]));
        const db = scopedSession(Session);
        let began!: () => void;
        const started = new Promise<void>((resolve) => (began = resolve));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        const seen: string[] = [];
        let handlerDone!: () => void;
        const finished = new Promise<void>((resolve) => (handlerDone = resolve));
        const { server, url } = await serveScoped(db, async (_req, res) => {
          try {
            for await (const it of db.current().stream(select(ScItem).orderBy((i) => i.label), { batchSize: 1 })) {
              seen.push(it.label);
              began();
              // Stands for a write that waits for a 'drain' the dead socket never sends.
              await released;
            }
            res.end();
          } finally {
            handlerDone();
          }
        });
        try {
          const req = request(url, { agent: false });
          req.on('error', () => undefined);
          req.end();
          await started;
          expect(checkedOut()).toBe(1);
          req.destroy();
          expect(await settled()).toBe(0);
          release();
          await finished;
        } finally {
          await stopServer(server);
        }
        expect(seen).toEqual(['a']);
      });
    });
  });
}

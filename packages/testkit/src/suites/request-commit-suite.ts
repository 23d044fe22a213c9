/*
 * The request-commit conformance suite: a session closed with changes never committed warns
 * (STRATA_UNCOMMITTED) naming what was lost, and `commitOnSuccess` commits a request's
 * session before a successful response goes out, on a real HTTP server.
 */
import { createEngine, MetaData, scopedSession, sessionMaker, sql, type Engine, type SessionFactory } from '@strata/core';
import { serveScoped, stopServer } from '../harness';
import { testUrl, type DialectName } from '../targets';
import { ball, IgProduct, INTEGRITY_ENTITIES, person, product } from './integrity-fixtures';

/** Process warnings emitted while `fn` runs, as { message, code }. */
async function warningsDuring(fn: () => Promise<unknown>): Promise<{ message: string; code: string | undefined }[]> {
  const seen: { message: string; code: string | undefined }[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error, options?: { code?: string }) => {
    seen.push({ message: String(warning), code: options?.code });
  }));
  try {
    await fn();
    return seen;
  } finally {
    spy.mockRestore();
  }
}

/** Registers the request-commit suite for one dialect. */
export function requestCommitSuite(dialect: DialectName): void {
  describe(`${dialect}: uncommitted work and commit on success`, () => {
    const md = new MetaData(INTEGRITY_ENTITIES);
    let engine: Engine;
    let Session: SessionFactory;
    const names = async () => (await engine.execute(sql`SELECT name FROM ig_product ORDER BY name`)).rows.map((r) => r.name);

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: 5 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      await engine.execute(sql`UPDATE ${sql.id('ig_person')} SET favorite_ball_id = NULL`);
      for (const table of ['ig_ball', 'ig_person', 'ig_product']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('closing a session with flushed, uncommitted writes warns STRATA_UNCOMMITTED naming the entities and counts, and rolls them back', async () => {
      const old = product('old');
      await Session.run((s) => s.add(old));
      const warnings = await warningsDuring(async () => {
        const session = Session();
        session.addAll([product('a'), product('b'), person('ann', 'red')]);
        (await session.get(IgProduct, old.id))!.price = '99.00';
        await session.flush();
        await session.close();
      });
      const uncommitted = warnings.filter((w) => w.code === 'STRATA_UNCOMMITTED');
      expect(uncommitted).toHaveLength(1);
      expect(uncommitted[0]!.message).toMatch(/2 new IgProduct/);
      expect(uncommitted[0]!.message).toMatch(/1 new IgPerson/);
      expect(uncommitted[0]!.message).toMatch(/1 new IgBall/);
      expect(uncommitted[0]!.message).toMatch(/1 changed IgProduct/);
      expect(uncommitted[0]!.message).toMatch(/session\.commit\(\)/);
      expect(await names()).toEqual(['old']);
    });

    test('closing a session with changes never flushed warns too', async () => {
      const warnings = await warningsDuring(async () => {
        const session = Session();
        session.add(product('lost'));
        await session.close();
      });
      expect(warnings.filter((w) => w.code === 'STRATA_UNCOMMITTED').map((w) => w.message)).toEqual([expect.stringMatching(/1 new IgProduct/)]);
    });

    test('a session that committed, rolled back or only read closes without a warning', async () => {
      const warnings = await warningsDuring(async () => {
        await Session.run((s) => s.add(product('kept')));
        const rolledBack = Session();
        rolledBack.add(product('dropped'));
        await rolledBack.flush();
        await rolledBack.rollback();
        await rolledBack.close();
        const reader = Session();
        await reader.get(IgProduct, 1);
        await reader.close();
      });
      expect(warnings.filter((w) => w.code === 'STRATA_UNCOMMITTED')).toEqual([]);
      expect(await names()).toEqual(['kept']);
    });

    test('commitOnSuccess commits before a response below 400 goes out; 4xx, 5xx and a throwing handler roll back', async () => {
      const db = scopedSession(Session);
      const { server, url } = await serveScoped(db, async (req, res) => {
        const [, status, name] = req.url!.split('/');
        db.current().add(product(name!));
        if (status === 'throw') throw new Error('handler failed');
        res.statusCode = Number(status);
        res.end('done');
      }, { commitOnSuccess: true });
      try {
        const seen: string[] = [];
        for (const path of ['201/created', '200/ok', '302/moved', '400/bad', '404/missing', '500/broken', 'throw/thrown']) {
          const answer = await fetch(`${url}/${path}`, { redirect: 'manual' });
          // By the time the client has the answer, a successful request's rows are committed.
          seen.push(`${answer.status}:${(await names()).join(',')}`);
        }
        expect(seen).toEqual([
          '201:created',
          '200:created,ok',
          '302:created,moved,ok',
          '400:created,moved,ok',
          '404:created,moved,ok',
          '500:created,moved,ok',
          '500:created,moved,ok',
        ]);
      } finally {
        await stopServer(server);
      }
    });

    test('commitOnSuccess rolls a 4xx response back quietly: no STRATA_UNCOMMITTED warning', async () => {
      const db = scopedSession(Session, { commitOnSuccess: true });
      const { server, url } = await serveScoped(db, async (_req, res) => {
        db.current().add(product('rejected'));
        await db.current().flush();
        res.statusCode = 422;
        res.end('invalid');
      });
      try {
        const warnings = await warningsDuring(async () => {
          expect((await fetch(url)).status).toBe(422);
          for (let i = 0; i < 100 && engine.pool.status().checkedOut > 0; i++) await new Promise((r) => setTimeout(r, 10));
        });
        expect(warnings.filter((w) => w.code === 'STRATA_UNCOMMITTED')).toEqual([]);
      } finally {
        await stopServer(server);
      }
      expect(await names()).toEqual([]);
    });

    test('a session whose commit failed (a 409 handler catching StaleDataError) closes without STRATA_UNCOMMITTED', async () => {
      const p = product('contested');
      await Session.run((s) => s.add(p));
      await Session.run(async (s) => void ((await s.get(IgProduct, p.id))!.price = '11.00'));
      const warnings = await warningsDuring(async () => {
        const session = Session();
        const mine = (await session.get(IgProduct, p.id))!;
        mine.version = 1;
        mine.price = '12.00';
        await expect(session.commit()).rejects.toThrow(/expected version 1/);
        await session.close();
      });
      expect(warnings.filter((w) => w.code === 'STRATA_UNCOMMITTED')).toEqual([]);
    });

    test('scopedSession(factory, { commitOnSuccess: true }) turns it on for every middleware; a middleware option turns it off', async () => {
      const db = scopedSession(Session, { commitOnSuccess: true });
      const on = await serveScoped(db, async (_req, res) => {
        db.current().add(product('by default'));
        res.end('ok');
      });
      const off = await serveScoped(db, async (_req, res) => {
        db.current().add(product('not committed'));
        res.end('ok');
      }, { commitOnSuccess: false });
      try {
        expect((await fetch(on.url)).status).toBe(200);
        const warnings = await warningsDuring(async () => {
          expect((await fetch(off.url)).status).toBe(200);
          for (let i = 0; i < 100 && engine.pool.status().checkedOut > 0; i++) await new Promise((r) => setTimeout(r, 10));
        });
        expect(warnings.some((w) => w.code === 'STRATA_UNCOMMITTED' && /1 new IgProduct/.test(w.message))).toBe(true);
      } finally {
        await stopServer(on.server);
        await stopServer(off.server);
      }
      expect(await names()).toEqual(['by default']);
    });

    test('a COMMIT that fails turns the successful response into a 500 and warns STRATA_COMMIT_FAILED', async () => {
      const db = scopedSession(Session, { commitOnSuccess: true });
      const { server, url } = await serveScoped(db, async (_req, res) => {
        db.current().add(product('half'));
        db.current().add(ball('orphan')); // no owner: the flush at commit refuses it
        res.setHeader('Content-Type', 'application/json');
        res.statusCode = 201;
        res.end(JSON.stringify({ saved: true }));
      });
      try {
        let answer: Response | undefined;
        const warnings = await warningsDuring(async () => {
          answer = await fetch(url);
        });
        expect(answer!.status).toBe(500);
        expect(await answer!.text()).not.toMatch(/"saved"/);
        expect(warnings.some((w) => w.code === 'STRATA_COMMIT_FAILED' && /IgBall\.owner is required/.test(w.message))).toBe(true);
      } finally {
        await stopServer(server);
      }
      expect(await names()).toEqual([]);
      expect(Number((await engine.execute(sql`SELECT count(*) AS n FROM ig_ball`)).scalar())).toBe(0);
    });
  });
}

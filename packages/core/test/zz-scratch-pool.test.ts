import { createEngine, registerDialect, SqlCompiler, type Dialect, type DialectConnection, type DriverResult } from '@strata/core';

type Behaviour = (sql: string, conn: FakeConn) => Promise<DriverResult>;
const world = { opened: 0, closed: 0, executed: [] as string[], behaviour: undefined as Behaviour | undefined, openDelay: 0, failOpen: false };

class FakeConn implements DialectConnection {
  closed = false;
  readonly id = ++world.opened;
  async execute(sql: string): Promise<DriverResult> {
    if (this.closed) throw Object.assign(new Error('closed'), { kind: 'disconnect', neverSent: true });
    await new Promise((r) => setTimeout(r, 5));
    if (world.behaviour) return world.behaviour(sql, this);
    world.executed.push(sql);
    return { rows: [{ one: 1 }], rowCount: 1 };
  }
  async *stream(): AsyncIterable<Record<string, unknown>> {
    yield { a: 1 };
    yield { a: 2 };
  }
  async ping(): Promise<void> {
    await this.execute('SELECT 1');
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    world.closed++;
  }
}

registerDialect(['fake'], () => {
  const d: Dialect = {
    name: 'fake',
    compiler: new SqlCompiler(),
    capabilities: { returning: true, transactionalDdl: true, savepoints: true, forUpdate: true, skipLocked: true, nowait: true, nullsOrdering: true, serverCursors: false, multiRowInsert: true, isolationLevels: ['serializable'] },
    serverInfo: { product: 'fake', version: '1.0' },
    async connect() {
      await new Promise((r) => setTimeout(r, world.openDelay));
      if (world.failOpen) throw Object.assign(new Error('cannot open'), { kind: 'connect' });
      return new FakeConn();
    },
    async initialize() {},
    classifyError: (e: unknown) => ({ kind: ((e as { kind?: string }).kind ?? 'operational') as never, neverSent: (e as { neverSent?: boolean }).neverSent }),
    beginStatements: () => ['BEGIN'],
    poolDefaults: () => ({}),
    describeTarget: () => 'fake',
  };
  return d;
});

beforeEach(() => {
  Object.assign(world, { opened: 0, closed: 0, executed: [], behaviour: undefined, openDelay: 0, failOpen: false });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('concurrent statements on one Connection whose slot is stale: driver connections leak', async () => {
  const engine = createEngine('fake://u@h/d', { poolSize: 1, poolRecycle: 50 });
  const conn = await engine.connect();
  await sleep(80);
  world.openDelay = 20;
  await Promise.all([conn.execute('SELECT 1'), conn.execute('SELECT 2')]);
  await conn.close();
  await engine.dispose();
  console.log('LEAK opened', world.opened, 'closed', world.closed, engine.status());
  expect(world.opened - world.closed).toBe(0);
});

test.each([
  'EXPLAIN ANALYZE INSERT INTO t VALUES (1)',
  "SELECT nextval('s')",
  'SELECT * INTO t2 FROM t',
  'SELECT add_user(1)',
])('a disconnect after the server ran %s replays it', async (stmt) => {
  const engine = createEngine('fake://u@h/d', { poolSize: 1 });
  const conn = await engine.connect();
  world.behaviour = async (sql) => {
    world.executed.push(sql);
    if (world.executed.length === 1) throw Object.assign(new Error('ECONNRESET'), { kind: 'disconnect' });
    return { rows: [], rowCount: 1 };
  };
  await conn.execute(stmt).catch((e) => e);
  console.log('REPLAY', stmt, world.executed.length);
  await conn.close();
  await engine.dispose();
  expect(world.executed).toHaveLength(1);
});

test('reconnect failure at checkout: counts', async () => {
  const engine = createEngine('fake://u@h/d', { poolSize: 2, poolRecycle: 30, poolTimeout: 200 });
  const a = await engine.connect();
  await a.close();
  await sleep(50);
  world.failOpen = true;
  const e = await engine.connect().catch((x) => x);
  console.log('CHECKOUT-FAIL', e.name, engine.status());
  world.failOpen = false;
  const b = await engine.connect();
  await b.close();
  console.log('after', engine.status(), world.opened, world.closed);
  await engine.dispose();
  expect(engine.status().open).toBe(0);
});

test('reconnect failure on a held Connection, then close', async () => {
  const engine = createEngine('fake://u@h/d', { poolSize: 1, maxOverflow: 0, poolRecycle: 30, poolTimeout: 200 });
  const a = await engine.connect();
  await sleep(50);
  world.failOpen = true;
  const e = await a.execute('SELECT 1').catch((x) => x);
  console.log('HELD-FAIL', e.name, e.message.slice(0, 60));
  const e2 = await a.begin().catch((x) => x);
  console.log('HELD-FAIL begin', e2?.name);
  world.failOpen = false;
  await a.close();
  console.log('after close', engine.status(), world.opened, world.closed);
  const b = await engine.connect();
  await b.execute('SELECT 1');
  await b.close();
  await engine.dispose();
  expect(world.opened - world.closed).toBe(0);
});

test('dispose while a checkout is opening: caller still gets a connection', async () => {
  const engine = createEngine('fake://u@h/d', { poolSize: 1 });
  world.openDelay = 50;
  const p = engine.connect();
  await sleep(10);
  await engine.dispose();
  const r = await p.then((c) => ({ ok: true, c }), (e) => ({ ok: false, e }));
  console.log('DISPOSE-RACE', r.ok, engine.status());
  if (r.ok && 'c' in r) {
    await r.c.execute('SELECT 1');
    await r.c.close();
  }
  console.log('after', engine.status(), world.opened, world.closed);
});

test('commit that fails with a non-disconnect error: state', async () => {
  const engine = createEngine('fake://u@h/d', { poolSize: 1 });
  const conn = await engine.connect();
  await conn.begin();
  world.behaviour = async (sql) => {
    world.executed.push(sql);
    if (sql === 'COMMIT') throw Object.assign(new Error('busy'), { kind: 'serialization' });
    return { rows: [], rowCount: 0 };
  };
  const e = await conn.commit().catch((x) => x);
  console.log('COMMIT-FAIL', e.name, 'inTransaction', conn.inTransaction);
  await conn.rollback();
  await conn.close();
  console.log('statements', world.executed);
  await engine.dispose();
});

test('stream that exits early is not echoed', async () => {
  const seen: string[] = [];
  const engine = createEngine('fake://u@h/d', { poolSize: 1, echo: (e) => seen.push(e.sql) });
  const conn = await engine.connect();
  for await (const _ of conn.stream('SELECT early')) break;
  for await (const _ of conn.stream('SELECT full')) void _;
  console.log('ECHO', seen);
  await conn.close();
  await engine.dispose();
});

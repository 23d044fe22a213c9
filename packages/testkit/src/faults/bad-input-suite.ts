/*
 * The fault suite's bad-input test: 10,000 generated values (unicode, NUL, lone surrogates,
 * huge strings and numbers, injection-looking text, wrong types) written to and filtered on
 * every column kind. Each is stored and read back as given, or refused with a StrataError
 * naming the column; nothing escapes untranslated, crashes the process or touches other rows.
 */
import { isDeepStrictEqual } from 'node:util';
import { Column, createEngine, Entity, insert, MetaData, PrimaryColumn, PrimaryGeneratedColumn, select, sessionMaker, sql, StrataError, ValidationError, type ColumnExpr, type Engine } from '@strata/core';
import { testUrl, type DialectName } from '../targets';
import { report, Tally } from './fault-report';

const VALUES = 10_000;
const SEED = 0x5eedf00d;
/** A filter looks at the rows inserted last only, so that its cost does not grow with the table. */
const WINDOW = 200;
/** Concurrent probe lanes on the servers (SQLite's driver is synchronous: one lane). */
const LANES = 4;
const KINDS = ['red', 'green', 'blue'];
const CANARY = "canary: it's still here";

const PROPS = ['label', 'body', 'count', 'total', 'price', 'ratio', 'flag', 'at', 'data', 'ref', 'blob', 'kind'] as const;
type Prop = (typeof PROPS)[number];
/** Columns whose equality MySQL's collations loosen (case, accents, trailing spaces) or, for JSON, MySQL 8 does not define on text. */
const LOOSE_ON_MYSQL: ReadonlySet<Prop> = new Set(['label', 'body', 'kind', 'data']);

/** The suite's entities, declared when it runs so that importing the testkit declares nothing. */
function declareEntities() {
  @Entity('fuzz_row')
  class FuzzRow {
    @PrimaryGeneratedColumn() id!: number;
    @Column({ type: 'integer', index: true }) seq!: number;
    @Column({ type: 'varchar', length: 50, nullable: true }) label!: unknown;
    @Column({ type: 'text', nullable: true }) body!: unknown;
    @Column({ type: 'integer', nullable: true }) count!: unknown;
    @Column({ type: 'bigint', nullable: true }) total!: unknown;
    @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true }) price!: unknown;
    @Column({ type: 'double', nullable: true }) ratio!: unknown;
    @Column({ type: 'boolean', nullable: true }) flag!: unknown;
    @Column({ type: 'timestamptz', nullable: true }) at!: unknown;
    @Column({ type: 'json', nullable: true }) data!: unknown;
    @Column({ type: 'uuid', nullable: true }) ref!: unknown;
    @Column({ type: 'bytes', nullable: true }) blob!: unknown;
    @Column({ enum: KINDS, enumName: 'fuzz_kind', nullable: true }) kind!: unknown;
  }
  @Entity('fuzz_canary')
  class FuzzCanary {
    @PrimaryColumn({ type: 'integer' }) id!: number;
    @Column({ type: 'text' }) note!: string;
  }
  return { FuzzRow, FuzzCanary };
}

/** A seeded PRNG (mulberry32) with the few draws the generators need. */
class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** n bytes; past 4 KiB a random 4 KiB pattern repeated, which is as bad an input and far cheaper to draw. */
  bytes(n: number): Buffer {
    const pattern = Buffer.alloc(Math.min(n, 4096));
    for (let i = 0; i < pattern.length; i++) pattern[i] = this.int(256);
    return n > pattern.length ? Buffer.alloc(n, pattern) : pattern;
  }
}

const PIECES = [
  'a', 'Z', '0', ' ', 'é', 'ß', 'Ω', 'Ж', '日本', '한', 'עברית', 'العربية', '\u202e', '\u200f', '\u200d', 'e\u0301',
  'a\u0308\u0323', '😀', '👩‍👩‍👧', '🇸🇪', '𝔘', '𠜎', '\u{10ffff}', '\ufeff', '\ufffd', '\t', '\n', '\r\n', '\u2028', '\u00a0',
];
const INJECTIONS = [
  "'; DROP TABLE fuzz_row; --", "'; DELETE FROM fuzz_canary; --", "' OR '1'='1", "' OR 1=1 --", '" OR ""="', "\\'; DROP TABLE fuzz_canary; --",
  "'||(SELECT version())||'", '1; UPDATE fuzz_canary SET note = NULL', "') UNION SELECT * FROM fuzz_canary --", '%', '_', '%%', '\\%', '\\_',
  '\\', '\\\\', "\\'", "''", '`', '$1', '$$', '$x$ drop $x$', '?', '??', ':seq', '@seq', '/*', '*/', '--', '#', ';', '\\0', '\\x00', "E'\\''",
  'NULL', 'null', 'DEFAULT', '\\N', '\\Z', "0x27; --", 'CHAR(39)', "'\u0000'; --",
];
const NUMBERS = [
  NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.1, 0.5, -1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 + 1, 2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 1e21, 1e-7,
  9999999999.99, 9999999999.995, 10000000000, 0.005, 0.015,
];
const BIGINTS = [0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 10n ** 30n, -(10n ** 40n)];
const NUMERIC_TEXTS = [
  '0', '-0', '+0', '12.34', '-12.345', '0.005', '.5', '5.', '1e3', '1E-2', '9999999999.99', '-9999999999.994', '9999999999.995', '99999999999',
  '1e10', '1e9999', '1e-9999', '', ' ', '-', '.', 'abc', '1.2.3', '--1', '+-1', 'NaN', 'Infinity', '0x10', '1_000', '١٢٣', ' 12', '12 ', '1e',
  '12,5', '9'.repeat(40), `0.${'0'.repeat(400)}1`,
];
const ENUMS = ['red', 'green', 'blue', 'RED', 'red ', ' red', 'purple', '', 'red\u0000', 'réd', 'gre\u0301en', 'blue\uD800'];

/** Values of a wrong type for most columns; made per draw, so that none is shared or mutated across probes. */
const WRONG: readonly (() => unknown)[] = [
  () => ({}), () => ({ a: 1 }), () => [], () => [1, 'a'], () => () => 1, () => Symbol('s'), () => new Date(0), () => true, () => 'abc', () => 42,
  () => new Map([[1, 2]]), () => new Set([1]), () => Object.create(null), () => /re/g, () => new Error('boom'), () => new Number(5),
  () => new String('s'), () => new Boolean(false), () => new (class Point { x = 1; })(), () => ({ toString: () => { throw new Error('toString'); } }),
  () => ({ valueOf: () => 1 }), () => new ArrayBuffer(4), () => new Float64Array(2), () => new WeakMap(), () => Promise.resolve(1),
  () => ({ toJSON: () => { throw new Error('toJSON failed'); } }),
];

function unicode(r: Rng, maxPieces: number): string {
  let text = '';
  for (let n = r.int(maxPieces + 1); n > 0; n--) text += r.pick(PIECES);
  return text;
}

function uuid(r: Rng): string {
  const hex = r.bytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function jsonValue(r: Rng, depth: number): unknown {
  switch (depth > 3 ? r.int(4) : r.int(6)) {
    case 0: return unicode(r, 5);
    case 1: return r.pick([0, -1, 1.5, 1e308, 2 ** 53, -0, true, false, null]);
    case 2: return r.pick(INJECTIONS);
    case 3: return r.int(10);
    case 4: return Array.from({ length: r.int(4) }, () => jsonValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [unicode(r, 3), jsonValue(r, depth + 1)]));
  }
}

function badJson(r: Rng): unknown {
  const cyclic: Record<string, unknown> = { a: 1 };
  switch (r.int(9)) {
    case 0: cyclic.self = cyclic; return cyclic;
    case 1: return { n: 1n };
    case 2: return [1, [2n]];
    case 3: return { k: 'a\u0000b', ['\u0000']: 1 };
    case 4: return { ['lone\uDC00']: true };
    case 5: { let deep: unknown = 1; for (let d = 1 + r.int(300); d > 0; d--) deep = [deep]; return deep; }
    case 6: return JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "x"}');
    case 7: return [undefined, () => 1, Symbol('s')];
    default: return { when: new Date(NaN), map: new Map([[1, 2]]), buf: Buffer.from('hi') };
  }
}

/** Value generators by category, with the columns they are mostly aimed at, and their weights (per 1,000). */
type Gen = (r: Rng, prop: Prop) => unknown;
const CATEGORIES: readonly (readonly [string, number, readonly Prop[], Gen])[] = [
  ['unicode', 110, ['label', 'body', 'kind', 'data'], (r) => unicode(r, 14)],
  ['nul', 60, ['label', 'body', 'data', 'kind'], (r) => r.pick(['\u0000', `a\u0000b`, '\u0000'.repeat(3)]) + unicode(r, 4)],
  ['lone surrogate', 50, ['label', 'body', 'data'], (r) => unicode(r, 3) + r.pick(['\uD800', '\uDFFF', 'x\uD83D', '\uDE00y', '\uDE00\uD83D']) + unicode(r, 3)],
  ['huge', 15, ['body', 'label', 'data', 'blob'], (r, prop) => {
    const size = Math.floor(10_000 * 100 ** r.next());
    return prop === 'blob' ? r.bytes(size) : (unicode(r, 8) + 'x').repeat(Math.ceil(size / 20)).slice(0, size);
  }],
  ['injection', 110, ['label', 'body', 'data', 'kind', 'ref', 'price'], (r) => (r.int(2) ? r.pick(INJECTIONS) : unicode(r, 2) + r.pick(INJECTIONS) + r.pick(INJECTIONS))],
  ['number', 110, ['count', 'total', 'ratio', 'price', 'flag', 'data'], (r) => {
    const kind = r.int(4);
    if (kind === 0) return r.pick(NUMBERS);
    if (kind === 1) return r.int(2 ** 32) - 2 ** 31;
    return kind === 2 ? (r.next() - 0.5) * 10 ** r.int(20) : (r.next() - 0.5) * 10 ** (r.int(640) - 320);
  }],
  ['bigint', 60, ['total', 'count', 'price', 'data'], (r) => (r.int(2) ? r.pick(BIGINTS) : BigInt.asIntN(64, BigInt(`0x${r.bytes(8).toString('hex')}`)))],
  ['numeric text', 70, ['price', 'total', 'count', 'ratio'], (r) => (r.int(2) ? r.pick(NUMERIC_TEXTS) : `${r.int(2) ? '-' : ''}${r.int(1e6)}.${r.int(1000)}`)],
  ['wrong type', 110, PROPS, (r) => r.pick(WRONG)()],
  ['date', 70, ['at', 'label', 'data', 'body'], (r) => {
    if (r.int(2)) return new Date(Date.UTC(1900, 0, 1) + Math.floor(r.next() * 6e12));
    return r.pick([
      () => new Date(NaN), () => new Date(8.64e15), () => new Date(-8.64e15), () => new Date('0001-01-01T00:00:00Z'), () => new Date('0999-12-31T23:59:59.999Z'),
      () => new Date('0000-12-31T23:59:59.999Z'), () => new Date('9999-12-31T23:59:59.999Z'), () => new Date('+010000-01-01T00:00:00Z'),
      () => new Date('1969-12-31T23:59:59.999Z'), () => new Date('2024-03-31T01:30:00Z'), () => '2024-03-10T12:00:00Z', () => 1_700_000_000_000,
    ])();
  }],
  ['uuid', 50, ['ref', 'label', 'body'], (r) => {
    const id = uuid(r);
    return r.pick([id, id.toUpperCase(), '00000000-0000-0000-0000-000000000000', id.replace(/-/g, ''), `{${id}}`, `urn:uuid:${id}`, id.slice(1), `${id}0`,
      id.replace(/^./, 'g'), ` ${id}`, `${id}\u0000`, id.replace(/-/, '\u2010')]);
  }],
  ['json', 60, ['data'], (r) => (r.int(2) ? jsonValue(r, 0) : badJson(r))],
  ['bytes', 50, ['blob', 'body', 'data'], (r) => {
    const bytes = r.bytes(r.int(2048));
    return r.pick([
      () => bytes, () => Buffer.alloc(0), () => Buffer.alloc(64), () => new Uint8Array(bytes), () => bytes.subarray(3, 40), () => new Uint16Array(4),
      () => bytes.buffer.slice(0, 8), () => new DataView(new ArrayBuffer(4)), () => [0, 1, 255], () => bytes.toString('latin1'),
    ])();
  }],
  ['enum', 40, ['kind', 'label'], (r) => r.pick(ENUMS)],
  ['null or undefined', 15, PROPS, (r) => (r.int(2) ? null : undefined)],
  ['boolean', 20, ['flag', 'count', 'data'], (r) => r.pick([true, false, 0, 1, 'true', 't', new Boolean(false)])],
];

interface Probe {
  readonly seq: number;
  readonly category: string;
  readonly prop: Prop;
  readonly value: unknown;
}

/** The 10,000 probes: a category by weight, then mostly one of its columns, sometimes any. */
function generate(seed: number): Probe[] {
  const r = new Rng(seed);
  const total = CATEGORIES.reduce((sum, c) => sum + c[1], 0);
  return Array.from({ length: VALUES }, (_, seq) => {
    let draw = r.int(total);
    const [category, , home, gen] = CATEGORIES.find((c) => (draw -= c[1]) < 0)!;
    const prop = r.next() < 0.75 ? r.pick(home) : r.pick(PROPS);
    return { seq, category, prop, value: gen(r, prop) };
  });
}

/** What an accepted value reads back as: the same value, or its documented normal form. */
function readsBackAs(prop: Prop, stored: unknown, given: unknown): boolean {
  if (given === null || given === undefined) return stored === null;
  switch (prop) {
    case 'price':
      // numeric(12, 2): the canonical decimal, rounded half away from zero to two places.
      return typeof stored === 'string' && /^-?\d{1,10}\.\d\d$/.test(stored) && Math.abs(Number(stored) - Number(given)) <= 0.005 * (1 + 1e-9) + Math.abs(Number(given)) * 1e-15;
    case 'total':
      return stored === BigInt(given as string);
    case 'count':
    case 'ratio':
      // -0 is stored as 0.
      return Object.is(stored, given === 0 ? 0 : given);
    case 'at':
      return stored instanceof Date && stored.getTime() === (given as Date).getTime();
    case 'data':
      return isDeepStrictEqual(stored, JSON.parse(JSON.stringify(given)));
    case 'ref':
      return stored === (given as string).toLowerCase();
    case 'blob':
      return Buffer.isBuffer(stored) && stored.equals(Buffer.from(given as Uint8Array));
    default:
      return Object.is(stored, given);
  }
}

/** A short, safe rendering of a probe value for failure lists. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}... (${value.length} chars)` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Object.is(value, -0)) return '-0';
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  const name = value === null || typeof value !== 'object' ? String(value) : ((value).constructor?.name ?? 'null-prototype object');
  return typeof value === 'object' && value !== null ? `${name} ${Array.isArray(value) ? `[${value.length}]` : ''}`.trim() : name;
}

/** Registers the bad-input test for one dialect. */
export function badInputSuite(dialect: DialectName): void {
  describe(`${dialect}: bad input`, () => {
    const { FuzzRow, FuzzCanary } = declareEntities();
    const md = new MetaData([FuzzRow, FuzzCanary]);
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: LANES });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      await engine.execute(insert(FuzzCanary).values({ id: 1, note: CANARY }));
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    test('10,000 generated values through columns and filters: stored as given or refused naming the column', async () => {
      const started = performance.now();
      const Session = sessionMaker({ bind: engine, registry: md });
      const probes = generate(SEED);
      const rejected = new Tally();
      const filterRejected = new Tally();
      // Failures grouped by step, category and kind (with the message's gist: its quoted parts cut), counted, with a first example.
      const unexpected = new Map<string, { count: number; columns: Set<string>; first: string }>();
      const fail = (p: Probe, step: string, kind: string, detail: string): void => {
        const key = `${step} ${p.category}: ${kind}: ${detail.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '..').slice(0, 40)}`;
        const group = unexpected.get(key) ?? { count: 0, columns: new Set(), first: `#${p.seq} ${p.prop} = ${show(p.value)}: ${detail}` };
        group.count++;
        group.columns.add(p.prop);
        unexpected.set(key, group);
      };
      const accepted = new Map<number, Probe>();
      let filtered = 0;

      /** A rejection is fine when it is a StrataError that names the entity and property (and, for ValidationError, carries them). */
      const judge = (p: Probe, step: string, error: unknown, tally: Tally): void => {
        const named = error instanceof StrataError && error.message.includes(`FuzzRow.${p.prop}`);
        const fields = !(error instanceof ValidationError) || (error.entity === 'FuzzRow' && error.column === p.prop);
        if (named && fields) tally.add(error.constructor.name);
        else fail(p, step, (error as Error)?.name ?? typeof error, String((error as Error)?.message ?? error).slice(0, 300));
      };

      const probe = async (p: Probe): Promise<void> => {
        // Half through the unit of work, half through an INSERT statement: both bind via the codecs.
        try {
          if (p.seq % 2 === 0) await Session.run(async (s) => s.add(Object.assign(new FuzzRow(), { seq: p.seq, [p.prop]: p.value })));
          else await engine.execute(insert(FuzzRow).values({ seq: p.seq, [p.prop]: p.value }));
          accepted.set(p.seq, p);
        } catch (error) {
          judge(p, 'insert', error, rejected);
        }
        try {
          // A third through the { property: value } shorthand (which reads an array as IN), the rest through eq().
          const condition = p.seq % 3 === 0 && !Array.isArray(p.value) ? { [p.prop]: p.value } : (e: Record<Prop, ColumnExpr<unknown>>) => e[p.prop].eq(p.value);
          const query = select(FuzzRow).where(condition).where((e) => e.seq.between(p.seq - WINDOW, p.seq + WINDOW));
          const rows = (await engine.execute(query)).rows as unknown as Record<string, unknown>[];
          filtered++;
          const exact = !(dialect === 'mysql' && LOOSE_ON_MYSQL.has(p.prop));
          const comparable = !(dialect === 'mysql' && p.prop === 'data');
          if (accepted.has(p.seq) && comparable && !rows.some((row) => row.seq === p.seq)) {
            fail(p, 'filter', 'missed', 'did not find the row just inserted');
          }
          const stray = exact ? rows.find((row) => !readsBackAs(p.prop, row[p.prop], p.value)) : undefined;
          if (stray) fail(p, 'filter', 'stray match', `matched row #${String(stray.seq)} holding ${show(stray[p.prop])}`);
        } catch (error) {
          judge(p, 'filter', error, filterRejected);
        }
      };
      // Servers take the probes in parallel lanes, which also shows that bad values do not disturb each other.
      const lanes = dialect === 'sqlite' ? 1 : LANES;
      await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < VALUES; i += lanes) await probe(probes[i]!);
      }));

      // Every accepted value reads back as given, in a row that holds nothing else.
      for (let from = 0; from < VALUES; from += 1000) {
        const page = await engine.execute(select(FuzzRow).where((e) => e.seq.ge(from)).where((e) => e.seq.lt(from + 1000)).orderBy((e) => e.seq));
        for (const row of page.rows as unknown as Record<string, unknown>[]) {
          const p = accepted.get(row.seq as number);
          const wrong = PROPS.filter((prop) => !readsBackAs(prop, row[prop], prop === p?.prop ? p.value : null));
          if (!p) unexpected.set(`row #${String(row.seq)} was never accepted`, { count: 1, columns: new Set(), first: '' });
          else if (wrong.length > 0) fail(p, 'read back', 'changed', wrong.map((w) => `${w} is ${show(row[w])}`).join(', '));
        }
      }

      const rows = Number((await engine.execute(sql`SELECT COUNT(*) AS n FROM ${sql.id('fuzz_row')}`)).rows[0]?.n);
      const canary = (await engine.execute(select(FuzzCanary))).rows;
      const one = (await engine.execute(sql`SELECT 1 AS one`)).rows[0]?.one;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      report(dialect, 'bad input', {
        values: VALUES,
        'inserts accepted': accepted.size,
        'inserts refused': rejected.toString(),
        'filters run': filtered,
        'filters refused': filterRejected.toString(),
        unexpected: [...unexpected.values()].reduce((sum, g) => sum + g.count, 0),
        seconds,
      });
      expect([...unexpected].map(([key, g]) => `${key} (x${g.count}, in ${[...g.columns].join(', ')}) e.g. ${g.first}`)).toEqual([]);
      expect(rows).toBe(accepted.size);
      expect(canary).toEqual([{ id: 1, note: CANARY }]);
      expect(Number(one)).toBe(1);
      expect(engine.pool.status().checkedOut).toBe(0);
    });
  });
}

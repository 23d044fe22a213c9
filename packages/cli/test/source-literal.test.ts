/*
 * Generated migration files against hostile names, without a database: every string the
 * encoder writes reads back exactly and cannot end a string, a comment or open a template
 * substitution; a revision rendered from hostile names for every kind of change compiles,
 * and its up() and down() hand the operations exactly those names.
 */
import type { SchemaColumn, SchemaTable } from '@strata/core';
import type { SchemaChange } from '@strata/core/dialect';
import { renderRevision, revisionFileName } from '../src/autogenerate';
import { commentText, sourceLiteral, sourceString } from '../src/source-literal';

const ts = require('typescript') as typeof import('typescript');

/** Text that would end a comment, a string or a template, or hide, if written raw. */
const HOSTILE = [
  "x\nrequire('fs').writeFileSync('/tmp/pwned', '1')//",
  "x\rrequire('fs')//",
  'x\u2028require("fs")//',
  'x\u2029require("fs")//',
  "x*/require('fs')/*",
  'x`+require("fs")+`',
  "${require('fs')}",
  "x');require('fs');('",
  "x\\');require('fs');//",
  'tab\tnul\u0000del\u007fnel\u0085',
  'bidi\u202eevil\u2066 zwj\u200d bom\ufeff',
  'lone\ud800 surrogate \udc00',
  'ünïcødé 😀 名前',
  "'; DROP TABLE users; --",
];

/** What a `//` or block comment must never contain, and what must never appear outside an escape. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

describe('the generated-file encoder', () => {
  test.each(HOSTILE.map((text) => [JSON.stringify(text), text]))('a string literal of %s reads back exactly and carries nothing raw', (_label, text) => {
    const literal = sourceString(text);
    expect(new Function(`return ${literal};`)()).toBe(text);
    expect(literal).not.toMatch(LINE_TERMINATOR);
    expect(literal).not.toContain('*/');
    // With its escapes taken out, the body holds no quote, backslash, backtick or substitution.
    const raw = literal.slice(1, -1).replace(/\\(u[0-9a-f]{4}|.)/g, '');
    expect(raw).not.toMatch(/['\\`]|\$\{/);
    expect(literal).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}]/u);
    expect(Buffer.from(literal, 'utf8').toString('utf8')).toBe(literal);
  });

  test('comment text never holds a line terminator, the end of a block comment or a control character', () => {
    for (const text of HOSTILE) {
      const shown = commentText(text);
      expect(shown).not.toMatch(LINE_TERMINATOR);
      expect(shown).not.toContain('*/');
      expect(shown).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}]/u);
    }
    expect(commentText("drops table mc_tag and its rows (it's gone)")).toBe("drops table mc_tag and its rows (it's gone)");
  });

  test('plain data becomes a literal that evaluates to the same data; a __proto__ key stays a property', () => {
    const data = JSON.parse('{"name":"a\\nb","list":[1,-0,1.5,true,null],"weird key":"x","__proto__":"p"}') as Record<string, unknown>;
    const back = new Function(`return ${sourceLiteral(data)};`)() as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['name', 'list', 'weird key', '__proto__']);
    expect(back.name).toBe('a\nb');
    expect(Object.is((back.list as number[])[1], -0)).toBe(true);
    expect(sourceLiteral({ n: 12n, skipped: undefined })).toBe('{ n: 12n }');
  });

  test('anything but plain data is refused', () => {
    expect(() => sourceLiteral({ at: new Date() })).toThrow(/plain data, not Date/);
    expect(() => sourceLiteral(() => 1)).toThrow(/plain data, not a function/);
  });
});

describe('a revision file name', () => {
  test('takes only letters, digits and underscores from the message', () => {
    const name = revisionFileName('abcdef012345', `../../${HOSTILE[0]} \u2028 ${HOSTILE[4]}`, new Date('2026-01-02T03:04:05Z'));
    expect(name).toMatch(/^20260102030405_abcdef012345_[a-z0-9_]+\.ts$/);
  });
});

describe('a revision rendered from hostile names', () => {
  const column = (name: string, extra: Partial<SchemaColumn> = {}): SchemaColumn => ({ name, type: { name: 'text' }, nullable: true, default: undefined, autoIncrement: false, comment: undefined, ...extra });
  const [a, b, c, d, e, f, g] = HOSTILE;
  const table: SchemaTable = {
    name: a!,
    comment: b,
    columns: [
      column('id', { type: { name: 'integer' }, nullable: false, autoIncrement: true }),
      column(c!, { default: { kind: 'literal', value: d! }, comment: e }),
      column(f!, { type: { name: 'enum', enumValues: HOSTILE, enumName: g }, default: { kind: 'expression', sql: `'${h(HOSTILE[7]!)}'` } }),
    ],
    primaryKey: { name: HOSTILE[8], columns: ['id'] },
    foreignKeys: [{ name: HOSTILE[9]!, columns: [c!], referencedTable: a!, referencedColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
    indexes: [{ name: HOSTILE[10]!, columns: [c!, f!], unique: false, where: `${c} <> '${h(HOSTILE[11]!)}'` }],
    uniques: [{ name: HOSTILE[12]!, columns: [f!] }],
    checks: [{ name: HOSTILE[13]!, expression: `length(${c}) < 10 AND ${c} <> '${h(a!)}'` }],
  };
  const changes: SchemaChange[] = [
    { kind: 'createEnum', enum: { name: g!, values: HOSTILE } },
    { kind: 'addEnumValues', name: g!, values: [HOSTILE[3]!], before: { name: g!, values: HOSTILE } },
    { kind: 'createTable', table },
    { kind: 'dropTable', table: { ...table, name: b! } },
    { kind: 'addColumn', table: a!, column: column(HOSTILE[4]!, { nullable: false }) },
    { kind: 'dropColumn', table: a!, column: column(HOSTILE[5]!) },
    { kind: 'alterColumn', table: a!, from: column(c!, { type: { name: 'varchar', length: 20 } }), to: column(c!, { type: { name: 'varchar', length: 10 }, nullable: false, comment: d }) },
    { kind: 'createIndex', table: a!, index: table.indexes[0]! },
    { kind: 'dropIndex', table: a!, index: { ...table.indexes[0]!, name: e! } },
    { kind: 'addForeignKey', table: a!, foreignKey: table.foreignKeys[0]! },
    { kind: 'dropUnique', table: a!, unique: { name: f!, columns: [c!] } },
    { kind: 'addCheck', table: a!, check: table.checks[0]! },
    { kind: 'alterPrimaryKey', table: a!, from: table.primaryKey, to: { name: g, columns: ['id', c!] } },
  ];
  const notes = { changeNotes: (change: SchemaChange) => [{ warning: true, text: `touches ${'table' in change && typeof change.table === 'string' ? change.table : a}` }] };
  const { text } = renderRevision({ id: 'abcdef012345', parents: [HOSTILE[6]!], message: HOSTILE.join(' '), changes, dialect: HOSTILE[4]!, migrations: notes, autogenerated: true });

  test('compiles, and no name reaches the code outside a string literal', () => {
    const output = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    expect((output.diagnostics ?? []).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))).toEqual([]);
    expect(text).not.toMatch(/[\r\u2028\u2029]/);
    // Every payload calls require(): as code it would be an identifier token, never seen outside strings and comments.
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
    const identifiers = new Set<string>();
    for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
      if (token === ts.SyntaxKind.Identifier) identifiers.add(scanner.getTokenText());
      expect(token).not.toBe(ts.SyntaxKind.TemplateHead);
      expect(token).not.toBe(ts.SyntaxKind.NoSubstitutionTemplateLiteral);
    }
    expect(identifiers).toContain('createTable');
    expect(identifiers).not.toContain('require');
    expect(identifiers).not.toContain('DROP');
  });

  test("up() and down() hand the operations exactly the database's names", async () => {
    const module = load(text);
    expect(module.message).toBe(HOSTILE.join(' '));
    expect(module.parents).toEqual([HOSTILE[6]]);
    expect(module.warnings).toContain(`drops table ${b} and its rows (irreversible: down() recreates it empty)`);
    const upCalls = await record(module.up);
    expect(upCalls.map(([name]) => name)).toEqual([
      'createEnum', 'addEnumValues', 'createTable', 'dropTable', 'addColumn', 'dropColumn', 'alterColumn', 'createIndex', 'dropIndex', 'addForeignKey', 'dropUnique', 'addCheck', 'alterPrimaryKey',
    ]);
    expect(upCalls[0]).toEqual(['createEnum', g, HOSTILE]);
    const created = upCalls[2]![1] as Record<string, unknown>;
    expect(created).toMatchObject({ name: a, comment: b, indexes: table.indexes, uniques: table.uniques, checks: table.checks, foreignKeys: table.foreignKeys, primaryKey: table.primaryKey });
    expect(created.columns).toEqual([
      { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
      { name: c, type: 'text', nullable: true, default: { kind: 'literal', value: d }, comment: e },
      { name: f, type: { name: 'enum', enumValues: HOSTILE, enumName: g }, nullable: true, default: { kind: 'expression', sql: `'${h(HOSTILE[7]!)}'` } },
    ]);
    expect(upCalls[3]).toEqual(['dropTable', b]);
    expect(upCalls[6]!.slice(0, 4)).toEqual(['alterColumn', a, c, { type: { name: 'varchar', length: 10 }, nullable: false, comment: d }]);
    const downCalls = await record(module.down);
    expect(downCalls.find(([name]) => name === 'createTable')![1]).toMatchObject({ name: b, comment: b, checks: table.checks });
    expect(downCalls.find(([name]) => name === 'dropEnum')).toEqual(['dropEnum', g]);
  });
});

/** SQL text with single quotes doubled, as a check or default reads back from a database. */
function h(text: string): string {
  return text.replace(/'/g, "''");
}

interface RevisionExports {
  message: string;
  parents: string[];
  warnings: string[];
  up(op: unknown): Promise<void>;
  down(op: unknown): Promise<void>;
}

/** Transpiles and runs a revision file the way the CLI's loader does, with `require` unavailable to it. */
function load(source: string): RevisionExports {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as RevisionExports };
  const require = (name: string) => {
    if (name === '@strata/cli') return {};
    throw new Error(`the revision file required ${name}`);
  };
  new Function('module', 'exports', 'require', js)(module, module.exports, require);
  return module.exports;
}

/** Runs up() or down() against operations that record their calls. */
async function record(fn: (op: unknown) => Promise<void>): Promise<unknown[][]> {
  const calls: unknown[][] = [];
  const op = new Proxy({}, { get: (_target, name) => async (...args: unknown[]) => void calls.push([name, ...args]) });
  await fn(op);
  return calls;
}

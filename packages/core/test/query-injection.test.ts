/*
 * Injection attempts stay inert in the compiled SQL of every dialect: hostile values only
 * ever reach the parameter list, and hostile names (tables, columns, aliases, subquery,
 * CTE and selection keys) are quoted with their quote character doubled. The execution
 * half runs on the three servers in the testkit's query suite.
 */
import { aliased, deleteFrom, func, insert, ref, select, update } from '@strata/core';
import { type QueryCompiler } from '@strata/core/dialect';
import { MysqlCompiler } from '@strata/mysql';
import { PostgresCompiler } from '@strata/postgres';
import { SqliteCompiler } from '@strata/sqlite';
import { CAPS, HOSTILE, User, Weird } from './query-fixtures';

const EVIL_VALUE = "'; DROP TABLE users; --";

const DIALECTS: readonly (readonly [string, QueryCompiler, (name: string) => string])[] = [
  ['postgresql', new PostgresCompiler(), (name) => `"${name.replace(/"/g, '""')}"`],
  ['mysql', new MysqlCompiler(), (name) => `\`${name.replace(/`/g, '``')}\``],
  ['sqlite', new SqliteCompiler(), (name) => `"${name.replace(/"/g, '""')}"`],
];

describe.each(DIALECTS)('%s: injection attempts stay inert', (_name, compiler, quote) => {
  const compile = (statement: Parameters<QueryCompiler['compileStatement']>[0]) => compiler.compileStatement(statement, { capabilities: CAPS.sqlite });
  const w = ref(Weird);
  const table = quote(`we"ird\`ta'ble`);
  const column = quote(HOSTILE);

  test('hostile values are parameters, never text', () => {
    const statements = [
      select(User).where((u) => u.name.eq(EVIL_VALUE)).where((u) => u.email.like(EVIL_VALUE)).where((u) => u.name.in([EVIL_VALUE])),
      insert(User).values({ name: EVIL_VALUE, email: EVIL_VALUE }),
      update(User).set({ name: EVIL_VALUE }).where({ email: EVIL_VALUE }),
      deleteFrom(User).where({ name: EVIL_VALUE }),
    ];
    for (const statement of statements) {
      const { sql, params } = compile(statement);
      expect(sql).not.toContain('DROP');
      expect(sql).not.toContain("'");
      expect(params).toContain(EVIL_VALUE);
    }
  });

  test('hostile table and column names are quoted with the quote character doubled', () => {
    expect(compile(select(Weird).where((x) => x.label.eq('a'))).sql).toBe(
      `SELECT ${table}.${quote('id')}, ${table}.${column} FROM ${table} WHERE ${table}.${column} = ${compiler.placeholder(1)}`,
    );
    expect(compile(insert(Weird).values({ label: 'a' })).sql).toBe(`INSERT INTO ${table} (${column}) VALUES (${compiler.placeholder(1)})`);
    expect(compile(update(Weird).set({ label: 'b' }).all()).sql).toBe(`UPDATE ${table} SET ${column} = ${compiler.placeholder(1)}`);
  });

  test('hostile aliases, subquery, CTE and selection keys are quoted too', () => {
    const alias = aliased(Weird, HOSTILE);
    const key = `${HOSTILE}"\``;
    const aliasSql = compile(select({ [key]: alias.label }).from(alias)).sql;
    expect(aliasSql).toBe(`SELECT ${quote(HOSTILE)}.${column} AS ${quote(key)} FROM ${table} AS ${quote(HOSTILE)}`);
    const sub = select({ n: func.count() }).from(Weird).subquery(HOSTILE);
    expect(compile(select({ n: sub.n })).sql).toBe(`SELECT ${quote(HOSTILE)}.${quote('n')} FROM (SELECT count(*) AS ${quote('n')} FROM ${table}) AS ${quote(HOSTILE)}`);
    const cte = select({ id: w.id }).cte(HOSTILE);
    expect(compile(select({ id: cte.id })).sql).toMatch(new RegExp(`^WITH ${escape(quote(HOSTILE))} AS \\(`));
  });

  test('names with NUL characters are refused before any SQL exists', () => {
    expect(() => aliased(Weird, 'a\u0000b')).toThrow(/without NUL/);
    expect(() => select({ 'a\u0000': w.id })).toThrow(/without NUL/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/*
 * Bound-parameter limits without a server: a statement binding more parameters than the
 * dialect's `maxParameters` is refused when compiled, naming the count, the limit and the
 * fix; a ListSlot needs array parameters; and the ORM's batch sizes stay under each limit.
 */
import { ArgumentError, NotSupportedError, deleteFrom, ref, select, sql, type Capabilities } from '@strata/core';
import { ListSlot } from '@strata/core/dialect';
import { MysqlCompiler } from '@strata/mysql';
import { PostgresCompiler } from '@strata/postgres';
import { SqliteCompiler } from '@strata/sqlite';
import { keyBatches, orTermsPerStatement, rowsPerStatement } from '../src/orm/statement-batches';
import { CAPS, compilerFor, User } from './query-fixtures';

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sqlite = compilerFor(new SqliteCompiler(), CAPS.sqlite, 'SQLite 3.45');
const mariadb = compilerFor(new MysqlCompiler(), CAPS.mariadb, 'MariaDB 10.11');
const postgres = compilerFor(new PostgresCompiler(), CAPS.postgresql, 'PostgreSQL 16');

function refusal(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ArgumentError) return error;
    throw error;
  }
  throw new Error('expected an ArgumentError');
}

describe('statements past the parameter limit', () => {
  test('an IN list past SQLite\'s 32,766 variables is refused naming the count, the limit and the fix', () => {
    expect(sqlite(select(User).where((u) => u.id.in(ids(32_766)))).params).toHaveLength(32_766);
    const error = refusal(() => sqlite(select(User).where((u) => u.id.in(ids(32_767)))));
    expect(error.message).toMatch(/binds 32,767 parameters; SQLite 3\.45 takes at most 32,766 in one statement/);
    expect(error.message).toMatch(/Split the values into batches of at most 32,766/);
    expect(error.message).toMatch(/temporary table/);
  });

  test('an IN list past MySQL / MariaDB\'s 65,535 placeholders is refused', () => {
    expect(refusal(() => mariadb(select(User).where((u) => u.id.in(ids(70_000))))).message).toMatch(/binds 70,000 parameters; MariaDB 10\.11 takes at most 65,535/);
  });

  test('on PostgreSQL an IN list of 70,000 values is one parameter, but a fragment binding 65,536 is refused', () => {
    expect(postgres(select(User).where((u) => u.id.in(ids(70_000)))).params).toHaveLength(1);
    const compiler = new PostgresCompiler();
    const options = { capabilities: CAPS.postgresql, target: 'PostgreSQL 16' };
    expect(compiler.compile(sql`SELECT 1 WHERE 1 IN (${sql.join(ids(65_535))})`, [], options).params).toHaveLength(65_535);
    expect(refusal(() => compiler.compile(sql`SELECT 1 WHERE 1 IN (${sql.join(ids(65_536))})`, [], options)).message).toMatch(/binds 65,536 parameters; PostgreSQL 16 takes at most 65,535/);
  });

  test('raw SQL text with too many parameters is refused too', () => {
    const compiler = new SqliteCompiler();
    const text = `SELECT 1 WHERE 1 IN (${ids(40_000).map(() => '?').join(', ')})`;
    expect(() => compiler.compile(text, ids(40_000), { capabilities: CAPS.sqlite })).toThrow(/binds 40,000 parameters; SQLite takes at most 32,766/);
  });

  test('a ListSlot is refused where arrays do not bind as one parameter', () => {
    const u = ref(User);
    expect(() => sqlite(deleteFrom(User).where(u.id.in([new ListSlot(0)] as never)))).toThrow(NotSupportedError);
  });
});

describe('ORM statement batches', () => {
  const caps = (extra: Partial<Capabilities>): Capabilities => ({ ...CAPS.sqlite, ...extra });

  test('rows per statement stay under the parameter limit and the ORM\'s own cap', () => {
    expect(rowsPerStatement(caps({ maxParameters: 999 }), 3, 1_000)).toBe(333);
    expect(rowsPerStatement(caps({ maxParameters: 32_766 }), 3, 1_000)).toBe(1_000);
    expect(rowsPerStatement(caps({ maxParameters: 32_766 }), 40 * 2 + 1, 500)).toBe(370);
    expect(rowsPerStatement(caps({ maxParameters: 65_535 }), 100, 1_000)).toBe(300);
    expect(rowsPerStatement(caps({ maxParameters: 10 }), 50, 1_000)).toBe(1);
  });

  test('single-column keys are one array where the server binds arrays; composite keys are few ORed conditions', () => {
    expect(keyBatches(CAPS.postgresql, 1, 500)).toEqual({ array: true, perStatement: 10_000 });
    expect(keyBatches(CAPS.postgresql, 2, 500)).toEqual({ array: false, perStatement: 500 });
    expect(keyBatches(caps({ maxParameters: 999 }), 1, 1_000)).toEqual({ array: false, perStatement: 999 });
    expect(keyBatches(caps({ maxParameters: 999 }), 3, 1_000)).toEqual({ array: false, perStatement: 333 });
    expect(orTermsPerStatement(CAPS.sqlite, 2, 1_000)).toBe(500);
  });
});

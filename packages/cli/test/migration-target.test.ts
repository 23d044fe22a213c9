/*
 * The two migration targets behind one revision routine: the steps runRevision takes on a
 * target (a recording stand-in, no database), and a live run and a script of the same
 * revisions sending the same DDL, on SQLite files of their own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, MigrationError, type SqlFragment } from '@strata/core';
import { MysqlDdl, MysqlMigrations } from '@strata/mysql';
import { PostgresDdl } from '@strata/postgres';
import '@strata/sqlite';
import { Migrator, RevisionGraph, type Operations, type Reporter, type Revision } from '@strata/cli';
import type { Direction, MigrationTarget } from '../src/migration-target';
import { runRevision } from '../src/revision-runner';

const quiet: Reporter = { info: () => undefined, warn: () => undefined, done: () => undefined };

function revision(id: string, parents: string[], up: (op: Operations) => Promise<void>, down: (op: Operations) => Promise<void> = async () => undefined): Revision {
  return { id, parents, message: `revision ${id}`, file: `${id}.ts`, warnings: [], up, down };
}

/** A target that only records what the routine asks of it. */
function recordingTarget(ddl: PostgresDdl | MysqlDdl): { target: MigrationTarget; calls: string[] } {
  const calls: string[] = [];
  const target: MigrationTarget = {
    ddl,
    timed: false,
    begin: async () => void calls.push('begin'),
    end: async () => void calls.push('end'),
    abort: async () => void calls.push('abort'),
    close: async () => void calls.push('close'),
    hasVersionTable: async () => true,
    readApplied: async () => [],
    recordApplied: async (r, steps) => void calls.push(`recordApplied ${r.id} ${steps}`),
    recordPartial: async (r, steps) => void calls.push(`recordPartial ${r.id} ${steps}`),
    recordReverted: async (r) => void calls.push(`recordReverted ${r.id}`),
    run: async (statement) => void calls.push(`run ${statement}`),
    runWithValues: async (statement: SqlFragment | string) => void calls.push(`runWithValues ${typeof statement === 'string' ? statement : 'fragment'}`),
    table: async () => undefined,
    outsideTransaction: (fn) => fn(),
    note: (text) => void calls.push(`note ${text}`),
    beginRevision: async (r, direction: Direction) => void calls.push(`beginRevision ${r.id} ${direction}`),
    checkRevision: async (r) => void calls.push(`checkRevision ${r.id}`),
    commitRevision: async () => void calls.push('commitRevision'),
    rollbackRevision: async () => void calls.push('rollbackRevision'),
    failure: (r, _direction, steps, error) => new MigrationError(`${r.id} failed at ${steps.join(' > ')}: ${(error as Error).message}`),
    doneVerb: () => 'Did',
  };
  return { target, calls };
}

describe('runRevision on a migration target', () => {
  const two = revision('r1', [], async (op) => {
    await op.execute('SELECT 1');
    await op.execute('SELECT 2');
  });
  const hooks = { tryLock: async () => true, unlock: async () => undefined, changeNotes: () => [] };

  test('where DDL commits as it goes, records the revision as partial before it and after each step, then as applied', async () => {
    const { target, calls } = recordingTarget(new MysqlDdl());
    await runRevision(target, two, 'up', { report: quiet, hooks: new MysqlMigrations() });
    expect(calls).toEqual([
      'beginRevision r1 up',
      'recordPartial r1 0',
      'runWithValues SELECT 1',
      'recordPartial r1 1',
      'runWithValues SELECT 2',
      'checkRevision r1',
      'recordApplied r1 2',
      'commitRevision',
    ]);
  });

  test('where DDL is transactional, records it once, in its transaction; a downgrade removes its record', async () => {
    const { target, calls } = recordingTarget(new PostgresDdl());
    await runRevision(target, two, 'up', { report: quiet, hooks });
    await runRevision(target, two, 'down', { report: quiet, hooks });
    expect(calls).toEqual([
      'beginRevision r1 up',
      'runWithValues SELECT 1',
      'runWithValues SELECT 2',
      'checkRevision r1',
      'recordApplied r1 2',
      'commitRevision',
      'beginRevision r1 down',
      'checkRevision r1',
      'recordReverted r1',
      'commitRevision',
    ]);
  });

  test('a failing step rolls the revision back and raises the target\'s account of it, naming the steps run', async () => {
    const { target, calls } = recordingTarget(new PostgresDdl());
    const broken = revision('r2', [], async (op) => {
      await op.execute('SELECT 1');
      throw new Error('boom');
    });
    await expect(runRevision(target, broken, 'up', { report: quiet, hooks })).rejects.toThrow('r2 failed at execute SELECT 1: boom');
    expect(calls.slice(-2)).toEqual(['runWithValues SELECT 1', 'rollbackRevision']);
  });
});

describe('a live run and a script of the same revisions', () => {
  const revisions = [
    revision('a1', [], async (op) => {
      await op.createTable({ name: 'mt_team', columns: [{ name: 'id', type: 'integer', nullable: false }, { name: 'title', type: 'text' }], primaryKey: ['id'] });
      await op.createIndex('mt_team', { name: 'ix_mt_team_title', columns: ['title'] });
    }),
    revision('a2', ['a1'], async (op) => {
      await op.addColumn('mt_team', { name: 'rank', type: 'integer', nullable: true });
      await op.renameTable('mt_team', 'mt_squad');
    }),
  ];
  const ddlOnly = (statements: readonly string[]) => statements.filter((s) => /^(CREATE|ALTER|DROP)\b/.test(s)).map((s) => s.replace(/;$/, ''));

  test('send the same DDL, and record each revision in the version table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-target-'));
    const sent: string[] = [];
    const script = createEngine(`sqlite:///${join(dir, 'script.db')}`, { poolSize: 1 });
    const live = createEngine(`sqlite:///${join(dir, 'live.db')}`, { poolSize: 1, echo: (entry) => void sent.push(entry.sql) });
    try {
      const lines: string[] = [];
      const options = { graph: new RevisionGraph(revisions), versionTable: 'mt_version', reporter: quiet };
      expect((await new Migrator({ ...options, engine: script }).upgrade('head', (text) => void lines.push(text))).map((r) => r.id)).toEqual(['a1', 'a2']);
      expect((await new Migrator({ ...options, engine: live }).upgrade('head')).map((r) => r.id)).toEqual(['a1', 'a2']);
      // The version table, the table, its index, the added column and the rename.
      expect(ddlOnly(lines)).toHaveLength(5);
      expect(ddlOnly(sent)).toEqual(ddlOnly(lines));
      expect(lines.filter((l) => l.startsWith('INSERT INTO "mt_version"'))).toHaveLength(2);
      expect(sent.filter((s) => s.startsWith('INSERT INTO "mt_version"'))).toHaveLength(2);
      expect(await new Migrator({ ...options, engine: live }).applied()).toEqual([
        { id: 'a1', state: 'applied', steps: 2 },
        { id: 'a2', state: 'applied', steps: 2 },
      ]);
    } finally {
      await script.dispose();
      await live.dispose();
    }
  });
});

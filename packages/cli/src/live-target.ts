/*
 * The migration target of `strata upgrade` and `downgrade`: runs each statement on one
 * connection, holding the dialect's migration lock (PostgreSQL's advisory lock, MySQL's
 * GET_LOCK, SQLite's write transaction) for the whole run. Where DDL is transactional each
 * revision is one transaction, or a savepoint in the run's own (SQLite's lock).
 */
import {
  MigrationError,
  type Connection,
  type Engine,
  type Savepoint,
  type SchemaTable,
  type SqlFragment,
} from '@strata/core';
import {
  queryOn,
  type DdlCompiler,
  type Dialect,
  type MigrationHooks,
} from '@strata/core/dialect';
import type { Direction, MigrationTarget } from './migration-target';
import type { Reporter } from './reporter';
import type { Revision } from './revisions';
import type { AppliedRevision, VersionTable } from './version-table';

/** How a live run takes the migration lock. */
export interface LiveTargetOptions {
  readonly versions: VersionTable;
  readonly report: Reporter;
  /** Take the migration lock; false for servers without advisory locks (a transaction-mode pooler). */
  readonly lock: boolean;
  /** How long to wait for another process's lock, in ms. */
  readonly lockTimeoutMs: number;
}

/**
 * A migration run on the database itself.
 * @example
 * const target = await LiveTarget.open(engine, { versions, report, lock: true, lockTimeoutMs: 120_000 });
 * try { await target.begin(); ...; await target.end(); } finally { await target.close(); }
 */
export class LiveTarget implements MigrationTarget {
  readonly timed = true;
  readonly #conn: Connection;
  readonly #dialect: Dialect;
  readonly #options: LiveTargetOptions;
  #locked = false;
  #ended = false;
  /** The revision's savepoint, when it runs inside the run's own transaction. */
  #savepoint: Savepoint | undefined;

  private constructor(conn: Connection, dialect: Dialect, options: LiveTargetOptions) {
    this.#conn = conn;
    this.#dialect = dialect;
    this.#options = options;
  }

  /** Connects to the engine's database; nothing is locked until `begin`. */
  static async open(engine: Engine, options: LiveTargetOptions): Promise<LiveTarget> {
    return new LiveTarget(await engine.connect(), engine.dialect, options);
  }

  get ddl(): DdlCompiler {
    return this.#dialect.ddl;
  }

  get #hooks(): MigrationHooks {
    return this.#dialect.migrations;
  }

  get #transactional(): boolean {
    return this.ddl.features.transactionalDdl;
  }

  async begin(): Promise<void> {
    await this.#hooks.beginRun?.(this.#conn);
    if (!this.#options.lock) return;
    await this.#acquire();
    this.#locked = true;
  }

  async end(): Promise<void> {
    await this.#hooks.endRun?.(this.#conn, false);
    this.#ended = true;
  }

  async abort(): Promise<void> {
    if (!this.#ended) await this.#hooks.endRun?.(this.#conn, true).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#locked) await this.#hooks.unlock(this.#conn).catch(() => undefined);
    await this.#conn.close();
  }

  hasVersionTable(): Promise<boolean> {
    return this.#options.versions.exists(this.#conn);
  }

  readApplied(): Promise<AppliedRevision[]> {
    return this.#options.versions.read(this.#conn);
  }

  async recordApplied(revision: Revision, steps: number): Promise<void> {
    await this.#record(revision, 'applied', steps);
  }

  async recordPartial(revision: Revision, steps: number): Promise<void> {
    await this.#record(revision, 'partial', steps);
  }

  async recordReverted(revision: Revision): Promise<void> {
    await this.#conn.execute(this.#options.versions.delete(revision));
  }

  /** Empties the version table, for stamp, which records the revisions it is told of afresh. */
  async forgetAll(): Promise<void> {
    await this.#conn.execute(this.#options.versions.clear());
  }

  async run(statement: string): Promise<void> {
    await this.#conn.execute(statement);
  }

  async runWithValues(statement: SqlFragment | string): Promise<void> {
    await this.#conn.execute(statement);
  }

  async table(name: string): Promise<SchemaTable | undefined> {
    return (await this.#dialect.introspect(queryOn(this.#conn), { tables: [name] })).tables.find((t) => t.name === name);
  }

  async outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
    // Inside the run's own transaction (where that is the lock) the statement runs in it: that transaction cannot be left.
    if (!this.#transactional || this.#savepoint || !this.#conn.inTransaction) return fn();
    await this.#conn.commit();
    try {
      return await fn();
    } finally {
      await this.#conn.begin();
    }
  }

  /** The database itself is the record of what ran: there is nowhere to keep a note. */
  note(): void {}

  async beginRevision(): Promise<void> {
    this.#savepoint = undefined;
    if (!this.#transactional) return;
    // Inside the run's own transaction (where that is the lock) a revision is a savepoint.
    if (this.#conn.inTransaction) this.#savepoint = await this.#conn.savepoint();
    else await this.#conn.begin();
  }

  async checkRevision(revision: Revision): Promise<void> {
    await this.#hooks.checkRevision?.(this.#conn, revision.id);
  }

  async commitRevision(): Promise<void> {
    if (this.#savepoint) await this.#savepoint.release();
    else if (this.#transactional) await this.#conn.commit();
  }

  async rollbackRevision(): Promise<void> {
    if (this.#savepoint) await this.#savepoint.rollback().catch(() => undefined);
    else if (this.#transactional && this.#conn.inTransaction) await this.#conn.rollback().catch(() => undefined);
  }

  failure(revision: Revision, direction: Direction, steps: readonly string[], error: unknown): MigrationError {
    const failed = steps[steps.length - 1] ?? '(before the first step)';
    const message = (error as Error).message;
    if (!this.#transactional && direction === 'up') {
      const applied = steps.slice(0, -1);
      return new MigrationError(
        `Revision ${revision.id} (${revision.message}) failed at step ${steps.length}, ${failed}: ${message}\n` +
          (applied.length > 0 ? `Steps already applied (MySQL commits DDL as it goes):\n${applied.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n` : 'No step of it was applied.\n') +
          `The version table marks ${revision.id} as partially applied.`,
        { cause: error },
      );
    }
    return new MigrationError(
      `Revision ${revision.id} (${revision.message}) ${direction === 'up' ? 'failed' : 'could not be undone'} at ${failed}: ${message}\n` +
        (this.#transactional ? 'Its transaction was rolled back: nothing of it was applied.' : ''),
      { cause: error },
    );
  }

  doneVerb(direction: Direction): string {
    return direction === 'up' ? 'Applied' : 'Undid';
  }

  /** Removes the row of a revision before writing its new one: a partial row is rewritten as the revision goes on. */
  async #record(revision: Revision, state: 'applied' | 'partial', steps: number): Promise<void> {
    const versions = this.#options.versions;
    await this.#conn.execute(versions.delete(revision));
    await this.#conn.execute(versions.insert(revision, state, steps));
  }

  /** Takes the migration lock, asking again every 250 ms until the lock timeout passes. */
  async #acquire(): Promise<void> {
    const { lockTimeoutMs, report } = this.#options;
    const deadline = Date.now() + lockTimeoutMs;
    let told = false;
    while (!(await this.#hooks.tryLock(this.#conn))) {
      if (Date.now() >= deadline) {
        throw new MigrationError(`Another strata process has held the migration lock for ${Math.round(lockTimeoutMs / 1000)} s; giving up. Try again when it has finished.`);
      }
      if (!told) {
        report.info('Waiting for another strata process to finish migrating...');
        told = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

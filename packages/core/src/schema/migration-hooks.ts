/*
 * What a dialect tells the migration runner and autogenerate: how one process at a time
 * migrates (an advisory lock, or the run's own write transaction), what a revision is
 * checked for before it commits, and what a schema change costs on this server beyond its
 * DDL. The CLI asks these instead of the dialect's name.
 */
import type { Connection } from '../engine/connection';
import type { SchemaChange } from './schema-diff';

/** A note on what a schema change costs: a warning (data lost, a table rewritten, a long lock) or advice. */
export interface ChangeNote {
  /** True for a warning, which `strata upgrade` shows as the step starts on this server; false for advice shown only in the file. */
  readonly warning: boolean;
  readonly text: string;
}

/**
 * A dialect's part in running migrations. The runner calls `beginRun`, then `tryLock`
 * until it succeeds or the lock timeout passes (unless locking is off), applies revisions
 * (each one a savepoint when `beginRun` left a transaction open, its own transaction
 * otherwise), calling `checkRevision` before each commits, then `unlock` and `endRun`.
 * @example
 * const hooks = engine.dialect.migrations;
 * if (await hooks.tryLock(conn)) try { ... } finally { await hooks.unlock(conn); }
 */
export interface MigrationHooks {
  /**
   * Prepares the run's connection. A dialect whose lock is a write transaction (SQLite)
   * begins it here; a second process then waits at its own BEGIN. Default: nothing.
   */
  beginRun?(conn: Connection): Promise<void>;
  /**
   * Ends the run: `failed` says whether it stopped on an error. A transaction `beginRun`
   * opened is committed either way (a failed revision was already rolled back to its
   * savepoint, and those before it stay applied). Default: nothing.
   */
  endRun?(conn: Connection, failed: boolean): Promise<void>;
  /**
   * Takes the migration lock of the connection's database if no other process holds it;
   * false when one does (the runner waits and asks again). Other databases on the server
   * have locks of their own. Throws when the lock cannot work over this connection.
   */
  tryLock(conn: Connection): Promise<boolean>;
  /** Gives the migration lock back. */
  unlock(conn: Connection): Promise<void>;
  /** Checks what a revision left before it commits (SQLite: the foreign keys, which are off while migrating). Default: nothing. */
  checkRevision?(conn: Connection, revision: string): Promise<void>;
  /**
   * Statements an offline script (`upgrade --sql`) opens with: what `beginRun` sets up that
   * the script's statements need too (SQLite: foreign keys off while tables are rebuilt).
   * Default: none.
   */
  scriptPrologue?(): readonly string[];
  /** Statements an offline script closes with, undoing `scriptPrologue`. Default: none. */
  scriptEpilogue?(): readonly string[];
  /** What `change` costs on this server beyond what every dialect shares (data loss is noted by the CLI itself). */
  changeNotes(change: SchemaChange): readonly ChangeNote[];
}

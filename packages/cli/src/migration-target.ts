/*
 * What a migration run acts on. `strata upgrade` runs revisions on the database (LiveTarget)
 * and `strata upgrade --sql` writes them into a script (ScriptTarget); the migrator and
 * runRevision (revision-runner.ts) drive either through this one interface, so the two
 * modes run the same steps in the same order and cannot drift apart.
 */
import type { MigrationError, SchemaTable, SqlFragment } from '@strata/core';
import type { DdlCompiler } from '@strata/core/dialect';
import type { Revision } from './revisions';
import type { AppliedRevision } from './version-table';

/** Which way a revision is run: its up() or its down(). */
export type Direction = 'up' | 'down';

/**
 * Where a migration run's statements go, and how it records what it did. A run calls
 * `begin`, then for each revision `beginRevision`, the statements of its steps, the version
 * row and `commitRevision` (or `rollbackRevision` on a failure), then `end` (or `abort`),
 * and always `close`.
 */
export interface MigrationTarget {
  /** The dialect's DDL compiler, which writes every statement the operations make. */
  readonly ddl: DdlCompiler;
  /** True when steps take time worth reporting, one line each (a live run; a script runs nothing). */
  readonly timed: boolean;

  /** Starts the run: takes the migration lock, or opens the script. */
  begin(): Promise<void>;
  /** Ends a run that succeeded. */
  end(): Promise<void>;
  /** Ends a run that stopped on an error; never throws, so the error itself is what the user sees. */
  abort(): Promise<void>;
  /** Gives back what the target holds (the lock, the connection). */
  close(): Promise<void>;

  /** True when the database already has the version table (false for a script of an unreachable database). */
  hasVersionTable(): Promise<boolean>;
  /** The revisions the version table lists. */
  readApplied(): Promise<AppliedRevision[]>;
  /** Records `revision` as applied, after `steps` steps. */
  recordApplied(revision: Revision, steps: number): Promise<void>;
  /** Records `revision` as partly applied, `steps` of its steps done (where DDL commits as it goes). */
  recordPartial(revision: Revision, steps: number): Promise<void>;
  /** Removes the record of `revision`, undone. */
  recordReverted(revision: Revision): Promise<void>;

  /** Runs (or writes) one statement. */
  run(statement: string): Promise<void>;
  /** Runs (or writes) a statement whose values are bound (execute, bulkInsert). */
  runWithValues(statement: SqlFragment | string): Promise<void>;
  /** The table as the target's schema has it now; undefined when it does not exist or cannot be read. */
  table(name: string): Promise<SchemaTable | undefined>;
  /** Told what a step made of the schema's tables, where the target keeps its own model of them (a script). */
  reshape?(effect: (tables: Map<string, SchemaTable>) => void): void;
  /** Runs `fn` outside the revision's transaction (CREATE INDEX CONCURRENTLY), opening it again after. */
  outsideTransaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Keeps a line of text next to the statements (a script's `-- ` comment); a live run has nowhere to keep it. */
  note(text: string): void;

  /** Opens a revision: its transaction where DDL is transactional. */
  beginRevision(revision: Revision, direction: Direction): Promise<void>;
  /** Checks what the revision left before it commits (the dialect's checkRevision hook). */
  checkRevision(revision: Revision): Promise<void>;
  /** Commits the revision, its version row included. */
  commitRevision(): Promise<void>;
  /** Undoes what it can of a failed revision; never throws. */
  rollbackRevision(): Promise<void>;
  /** The error to raise for a revision that failed at the last of `steps`, saying what was left applied. */
  failure(revision: Revision, direction: Direction, steps: readonly string[], error: unknown): MigrationError;
  /** The word the report line of a finished revision starts with ('Applied', 'Undid', 'Wrote'). */
  doneVerb(direction: Direction): string;
}

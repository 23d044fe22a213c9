/*
 * The offline script `strata upgrade --sql` and `downgrade --sql` write instead of running
 * anything. The script target (script-target.ts) hands it each statement; it terminates them
 * for the database's own client (psql, mysql / mariadb, sqlite3), wraps each revision in a
 * transaction where DDL is transactional, and keeps a model of the schema the script has
 * built so far, which the operations read where a live run would read the database
 * (SQLite's table rebuilds).
 */
import type { SchemaTable } from '@strata/core';
import type { DdlCompiler, MigrationHooks } from '@strata/core/dialect';
import { commentText } from './source-literal';

/** Where the script's text goes: one statement with its terminator, or one `-- ` comment line, at a time. */
export type ScriptSink = (text: string) => void;

/**
 * One offline script being written.
 * @example
 * const script = new MigrationScript(sink, { ddl, hooks, tables: liveTables });
 * script.start(); script.beginRevision(); script.statement('CREATE TABLE ...'); script.commitRevision(); script.end();
 */
export class MigrationScript {
  /** The schema as the script has left it so far: the live database's tables when it could be read, then each operation's effect. */
  readonly tables: Map<string, SchemaTable>;
  readonly #write: ScriptSink;
  readonly #ddl: DdlCompiler;
  readonly #hooks: MigrationHooks;
  #open = false;

  constructor(write: ScriptSink, options: { ddl: DdlCompiler; hooks: MigrationHooks; tables: readonly SchemaTable[] }) {
    this.#write = write;
    this.#ddl = options.ddl;
    this.#hooks = options.hooks;
    this.tables = new Map(options.tables.map((t) => [t.name, t]));
  }

  /** True where each revision is one transaction (BEGIN ... COMMIT), as it is when run. */
  get transactional(): boolean {
    return this.#ddl.features.transactionalDdl;
  }

  /** Opens the script: what the dialect sets up for a run (SQLite switches foreign keys off for rebuilds). */
  start(): void {
    for (const statement of this.#hooks.scriptPrologue?.() ?? []) this.statement(statement);
  }

  /** Closes the script. */
  end(): void {
    for (const statement of this.#hooks.scriptEpilogue?.() ?? []) this.statement(statement);
  }

  /** A comment line; names in it are escaped, so a line break in one cannot end the comment. */
  comment(text: string): void {
    this.#write(`-- ${commentText(text)}`);
  }

  /** One statement, terminated for the database's client. */
  statement(text: string): void {
    this.#write(terminated(text));
  }

  /** Opens a revision's transaction, where DDL is transactional. */
  beginRevision(): void {
    if (!this.transactional) return;
    this.statement(this.#ddl.beginTransaction());
    this.#open = true;
  }

  /** Commits the revision's transaction (its version-table row included). */
  commitRevision(): void {
    if (!this.#open) return;
    this.statement(this.#ddl.commitTransaction());
    this.#open = false;
  }

  /** Writes statements that cannot run inside a transaction (CREATE INDEX CONCURRENTLY) between a COMMIT and a new BEGIN. */
  async outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#open) return fn();
    this.commitRevision();
    try {
      return await fn();
    } finally {
      this.beginRevision();
    }
  }
}

/**
 * A statement with its terminator: a `;` the statement already ends with is not doubled
 * (an empty statement is an error to the mysql client), and a statement whose last line is
 * a `--` comment gets it on a line of its own, where the comment cannot swallow it.
 */
export function terminated(statement: string): string {
  const text = statement.replace(/[\s;]+$/u, '');
  const lastLine = text.slice(text.lastIndexOf('\n') + 1);
  return lastLine.includes('--') ? `${text}\n;` : `${text};`;
}

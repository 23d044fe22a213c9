/*
 * The migration target of `strata upgrade --sql` and `downgrade --sql`: runs nothing and
 * writes each statement into an offline script (migration-script.ts) instead, values as
 * literals. It reads what the database has applied when the database can be reached, and
 * takes no lock: the script is run later, by the database's own client.
 */
import {
  MigrationError,
  type Connection,
  type Engine,
  type SchemaTable,
  type SqlFragment,
} from '@strata/core';
import {
  queryOn,
  SqlCompiler,
  type DdlCompiler,
  type SqlBuffer,
} from '@strata/core/dialect';
import { MigrationScript, type ScriptSink } from './migration-script';
import type { Direction, MigrationTarget } from './migration-target';
import type { Reporter } from './reporter';
import type { Revision } from './revisions';
import type { AppliedRevision, VersionTable } from './version-table';

/**
 * A migration run written as a script.
 * @example
 * const target = await ScriptTarget.open(engine, (text) => lines.push(text), { versions, report });
 */
export class ScriptTarget implements MigrationTarget {
  readonly timed = false;
  readonly ddl: DdlCompiler;
  readonly #script: MigrationScript;
  readonly #conn: Connection | undefined;
  readonly #versions: VersionTable;

  private constructor(script: MigrationScript, conn: Connection | undefined, ddl: DdlCompiler, versions: VersionTable) {
    this.#script = script;
    this.#conn = conn;
    this.ddl = ddl;
    this.#versions = versions;
  }

  /**
   * Starts a script whose schema model begins with the database's tables. A database that
   * cannot be reached is not an error: the script then starts from an empty database, and
   * says so.
   */
  static async open(engine: Engine, sink: ScriptSink, options: { versions: VersionTable; report: Reporter }): Promise<ScriptTarget> {
    const conn = await engine.connect().catch(() => undefined);
    let tables: readonly SchemaTable[] = [];
    try {
      if (conn) tables = (await conn.dialect.introspect(queryOn(conn))).tables;
    } catch (error) {
      await conn?.close();
      throw error;
    }
    const { ddl, migrations: hooks } = engine.dialect;
    const script = new MigrationScript(sink, { ddl, hooks, tables });
    if (!conn) {
      script.comment('The database could not be reached: this script starts from an empty database.');
      options.report.warn('The database could not be reached: the script starts from an empty database.');
    }
    return new ScriptTarget(script, conn, ddl, options.versions);
  }

  async begin(): Promise<void> {
    this.#script.start();
  }

  async end(): Promise<void> {
    this.#script.end();
  }

  /** A script that stopped is never printed, so there is nothing to close in it. */
  async abort(): Promise<void> {}

  async close(): Promise<void> {
    await this.#conn?.close();
  }

  async hasVersionTable(): Promise<boolean> {
    return this.#conn ? this.#versions.exists(this.#conn) : false;
  }

  async readApplied(): Promise<AppliedRevision[]> {
    return this.#conn ? this.#versions.read(this.#conn) : [];
  }

  /**
   * Writes the revision's row; its step count is written as 0, as scripts always have:
   * the count matters only in a partial row, which a script never writes.
   */
  async recordApplied(revision: Revision): Promise<void> {
    this.#script.statement(this.#inline(this.#versions.insert(revision, 'applied', 0)));
  }

  /** A script's revision is recorded only once all its statements ran, by the client that runs them: no partial row. */
  async recordPartial(): Promise<void> {}

  async recordReverted(revision: Revision): Promise<void> {
    this.#script.statement(this.#inline(this.#versions.delete(revision)));
  }

  async run(statement: string): Promise<void> {
    this.#script.statement(statement);
  }

  async runWithValues(statement: SqlFragment | string): Promise<void> {
    this.#script.statement(typeof statement === 'string' ? statement : this.#inline(statement));
  }

  /** Tables are read from the script's schema model, which each step updates: the database has not run the script. */
  async table(name: string): Promise<SchemaTable | undefined> {
    return this.#script.tables.get(name);
  }

  reshape(effect: (tables: Map<string, SchemaTable>) => void): void {
    effect(this.#script.tables);
  }

  outsideTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#script.outsideTransaction(fn);
  }

  note(text: string): void {
    this.#script.comment(text);
  }

  async beginRevision(revision: Revision, direction: Direction): Promise<void> {
    this.#script.comment(`${direction === 'up' ? 'Apply' : 'Undo'} ${revision.id}: ${revision.message}`);
    this.#script.beginRevision();
  }

  /** The dialect's check runs against a database; a script's client reports what fails as it runs it. */
  async checkRevision(): Promise<void> {}

  async commitRevision(): Promise<void> {
    this.#script.commitRevision();
  }

  /** The script of a failed run is dropped whole, so nothing of it needs undoing. */
  async rollbackRevision(): Promise<void> {}

  failure(revision: Revision, _direction: Direction, steps: readonly string[], error: unknown): MigrationError {
    const failed = steps[steps.length - 1] ?? '(before the first step)';
    return new MigrationError(
      `Revision ${revision.id} (${revision.message}) could not be written as SQL at ${failed}: ${(error as Error).message}\n` +
        "Nothing was run and no script was printed. Run the migration against the database instead ('strata upgrade' without --sql).",
      { cause: error },
    );
  }

  doneVerb(): string {
    return 'Wrote';
  }

  /** A fragment with its values written as literals: an offline script has no driver to bind them. */
  #inline(fragment: SqlFragment): string {
    return new LiteralCompiler(this.ddl).compile(fragment).sql;
  }
}

/** Compiles a fragment with its values written as the dialect's literals instead of bound. */
class LiteralCompiler extends SqlCompiler {
  readonly #ddl: DdlCompiler;

  constructor(ddl: DdlCompiler) {
    super();
    this.#ddl = ddl;
  }

  override quoteIdentifier(name: string): string {
    return this.#ddl.quote(name);
  }

  override bind(value: unknown, buffer: SqlBuffer): void {
    const ddl = this.#ddl;
    if (value === null || value === undefined) buffer.text += 'NULL';
    else if (typeof value === 'number' || typeof value === 'bigint') buffer.text += String(value);
    else if (typeof value === 'boolean') buffer.text += ddl.booleanLiteral(value);
    else if (value instanceof Date) buffer.text += ddl.stringLiteral(value.toISOString());
    else if (Buffer.isBuffer(value)) buffer.text += `X'${value.toString('hex')}'`;
    else buffer.text += ddl.stringLiteral(typeof value === 'string' ? value : JSON.stringify(value));
  }
}

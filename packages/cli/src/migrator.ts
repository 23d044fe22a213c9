/*
 * Applies and undoes revisions against a database. One process migrates at a time (the
 * dialect's migration hooks: PostgreSQL's advisory lock, MySQL's GET_LOCK, SQLite's write
 * transaction), and a waiting process re-reads what was applied once it gets the lock.
 * Where DDL is transactional each revision is one transaction (or a savepoint in the run's);
 * elsewhere (MySQL) every step is recorded, so a failure says exactly which steps were applied.
 * Each step's warnings are worked out for the database being migrated as the step starts.
 * With a sink, nothing runs: the statements go into an offline script (migration-script.ts).
 */
import {
  introspect,
  MigrationError,
  queryOn,
  sql,
  SqlCompiler,
  type SqlBuffer,
  type Connection,
  type DdlCompiler,
  type Engine,
  type MigrationHooks,
  type SchemaTable,
  type SchemaChange,
  type SqlFragment,
} from '@strata/core';
import { warningsFor } from './change-notes';
import { MigrationScript, type ScriptSink } from './migration-script';
import { Operations, type OperationContext } from './operations';
import type { Revision, RevisionGraph } from './revisions';

/** Where the migrator reports progress. */
export interface Reporter {
  info(line: string): void;
  warn(line: string): void;
  /** A revision applied or undone, with its time. */
  done(line: string, ms: number): void;
  /** One operation of a revision, with its time. */
  step?(line: string, ms: number): void;
}

/** What the version table says about one revision. */
export interface AppliedRevision {
  readonly id: string;
  readonly state: 'applied' | 'partial';
  readonly steps: number;
}

/** Options of the migrator. */
export interface MigratorOptions {
  readonly engine: Engine;
  readonly graph: RevisionGraph;
  readonly versionTable: string;
  readonly reporter: Reporter;
  /** How long to wait for another process's migration lock, in ms. Default 120 000. */
  readonly lockTimeout?: number;
  /** Take the migration lock (advisory lock / GET_LOCK). Default true; false for servers without advisory locks. */
  readonly lock?: boolean;
}


/** Runs revisions. */
export class Migrator {
  readonly #engine: Engine;
  readonly #graph: RevisionGraph;
  readonly #table: string;
  readonly #report: Reporter;
  readonly #lockTimeout: number;
  readonly #lock: boolean;

  constructor(options: MigratorOptions) {
    this.#engine = options.engine;
    this.#graph = options.graph;
    this.#table = options.versionTable;
    this.#report = options.reporter;
    this.#lockTimeout = options.lockTimeout ?? 120_000;
    this.#lock = options.lock ?? true;
  }

  get #ddl(): DdlCompiler {
    return this.#engine.dialect.ddl;
  }

  get #hooks(): MigrationHooks {
    return this.#engine.dialect.migrations;
  }

  /** The revisions the database has, from its version table (none when it has no table yet). */
  async applied(): Promise<AppliedRevision[]> {
    const conn = await this.#engine.connect();
    try {
      return (await this.#hasVersionTable(conn)) ? await this.#readApplied(conn) : [];
    } finally {
      await conn.close();
    }
  }

  /**
   * Applies revisions up to `target`: 'head', 'heads', '+N', or a revision id (prefix).
   * With `sink`, runs nothing and hands it the script instead, a statement (terminated) or
   * a comment line at a time. Returns the revisions applied (or written).
   */
  async upgrade(target: string, sink?: ScriptSink): Promise<Revision[]> {
    return this.#locked(async (conn, script) => {
      const applied = await this.#appliedChecked(conn, script);
      const done = new Set(applied.map((a) => a.id));
      let plan: Revision[];
      if (target === 'head') plan = this.#graph.upgradePlan(done, this.#graph.head() === undefined ? [] : [this.#graph.head()!]);
      else if (target === 'heads') plan = this.#graph.upgradePlan(done, this.#graph.heads());
      else if (/^\+\d+$/.test(target)) plan = this.#graph.upgradePlan(done, this.#graph.heads()).slice(0, Number(target.slice(1)));
      else plan = this.#graph.upgradePlan(done, [this.#graph.resolve(target)]);
      if (plan.length === 0) {
        this.#report.info('Nothing to apply: the database is at the requested revision.');
        return [];
      }
      for (const revision of plan) await (script ? this.#write(script, revision, 'up') : this.#apply(conn!, revision, 'up'));
      return plan;
    }, sink);
  }

  /** Undoes revisions: '-N', 'base', or down to a revision id (kept). Returns the revisions undone. */
  async downgrade(target: string, sink?: ScriptSink): Promise<Revision[]> {
    return this.#locked(async (conn, script) => {
      const applied = await this.#appliedChecked(conn, script);
      const done = new Set(applied.map((a) => a.id));
      let plan: Revision[];
      if (target === 'base') plan = this.#graph.downgradePlan(done, []);
      else if (/^-\d+$/.test(target)) plan = this.#graph.downgradePlan(done, []).slice(0, Number(target.slice(1)));
      else {
        const keep = this.#graph.resolve(target);
        if (!done.has(keep)) throw new MigrationError(`Revision ${keep} is not applied, so the database cannot go down to it; 'strata current' shows where it is.`);
        plan = this.#graph.downgradePlan(done, [keep]);
      }
      if (plan.length === 0) {
        this.#report.info('Nothing to undo.');
        return [];
      }
      for (const revision of plan) await (script ? this.#write(script, revision, 'down') : this.#apply(conn!, revision, 'down'));
      return plan;
    }, sink);
  }

  /** Records the database as being at `target` ('head', 'base' or an id) without running anything. */
  async stamp(target: string): Promise<void> {
    await this.#locked(async (maybe) => {
      const conn = maybe!;
      await this.#ensureVersionTable(conn);
      const ids = target === 'base' ? [] : target === 'head' ? [this.#graph.head()!].filter(Boolean) : target === 'heads' ? this.#graph.heads() : [this.#graph.resolve(target)];
      const wanted = this.#graph.lineage(ids);
      await conn.execute(sql`DELETE FROM ${sql.id(this.#table)}`);
      for (const revision of this.#graph.order()) if (wanted.has(revision.id)) await this.#record(conn, revision, 'applied', 0);
      this.#report.info(ids.length === 0 ? 'Stamped: no revision applied.' : `Stamped at ${ids.join(', ')}.`);
    });
  }

  /** The schema of the database now (for autogenerate and check), without the version table. */
  async liveSchema(): Promise<ReturnType<typeof introspect> extends Promise<infer S> ? S : never> {
    const schema = await introspect(this.#engine);
    return { ...schema, tables: schema.tables.filter((t) => t.name !== this.#table) };
  }

  async #appliedChecked(conn: Connection | undefined, script: MigrationScript | undefined): Promise<AppliedRevision[]> {
    let applied: AppliedRevision[] = [];
    if (script) {
      // A script: read what the database has when it can be reached; create nothing.
      if (conn && (await this.#hasVersionTable(conn))) applied = await this.#readApplied(conn);
      else for (const statement of this.#ddl.createTable(this.#versionTableModel(), { foreignKeys: false })) script.statement(statement);
    } else {
      await this.#ensureVersionTable(conn!);
      applied = await this.#readApplied(conn!);
    }
    const unknown = applied.filter((a) => !this.#graph.revisions.has(a.id));
    if (unknown.length > 0) {
      throw new MigrationError(
        `The database has revision(s) ${unknown.map((a) => a.id).join(', ')} that no migration file here has: it is ahead of these files ` +
          '(another branch, or files not pulled yet). Get the missing files, or stamp the database if you know what it holds.',
      );
    }
    const partial = applied.find((a) => a.state === 'partial');
    if (partial) {
      throw new MigrationError(
        `Revision ${partial.id} is partially applied (${partial.steps} step(s) ran before it failed; MySQL cannot roll DDL back). ` +
          `Undo or finish those steps by hand, then record the result with 'strata stamp <revision>'.`,
      );
    }
    return applied;
  }

  /** Runs one revision's up() or down() against the database. */
  async #apply(conn: Connection, revision: Revision, direction: 'up' | 'down'): Promise<void> {
    const started = performance.now();
    const transactional = this.#ddl.features.transactionalDdl;
    const steps: string[] = [];
    let stepStarted = 0;
    let reported = 0;
    const finishStep = () => {
      if (steps.length === reported) return;
      this.#report.step?.(steps[steps.length - 1]!, performance.now() - stepStarted);
      reported = steps.length;
    };
    let savepoint: Awaited<ReturnType<Connection['savepoint']>> | undefined;
    if (transactional) {
      // Inside the run's own transaction (where that is the lock) a revision is a savepoint.
      if (conn.inTransaction) savepoint = await conn.savepoint();
      else await conn.begin();
    }
    if (!transactional && direction === 'up') await this.#record(conn, revision, 'partial', 0);
    const context: OperationContext = {
      ddl: this.#ddl,
      run: async (statement) => void (await conn.execute(statement)),
      runWithValues: async (statement) => void (await conn.execute(statement as SqlFragment)),
      table: async (name) => (await conn.dialect.introspect(queryOn(conn), { tables: [name] })).tables.find((t: SchemaTable) => t.name === name),
      outsideTransaction: async (fn) => {
        // The run's own transaction cannot be left: the statement runs inside it.
        if (!transactional || savepoint || !conn.inTransaction) return fn();
        await conn.commit();
        try {
          return await fn();
        } finally {
          await conn.begin();
        }
      },
      step: async (description) => {
        finishStep();
        stepStarted = performance.now();
        steps.push(description);
        if (!transactional && direction === 'up' && steps.length > 1) await this.#record(conn, revision, 'partial', steps.length - 1);
      },
      announce: (change) => {
        if (direction === 'up') for (const warning of this.#warnings(change)) this.#report.warn(`${revision.id} ${revision.message}: ${warning}`);
      },
    };
    try {
      await (direction === 'up' ? revision.up(new Operations(context)) : revision.down(new Operations(context)));
      finishStep();
      await this.#hooks.checkRevision?.(conn, revision.id);
      if (direction === 'up') await this.#record(conn, revision, 'applied', steps.length);
      else await conn.execute(sql`DELETE FROM ${sql.id(this.#table)} WHERE ${sql.id('revision')} = ${revision.id}`);
      if (savepoint) await savepoint.release();
      else if (transactional) await conn.commit();
    } catch (error) {
      if (savepoint) await savepoint.rollback().catch(() => undefined);
      else if (transactional && conn.inTransaction) await conn.rollback().catch(() => undefined);
      const failed = steps[steps.length - 1] ?? '(before the first step)';
      const message = (error as Error).message;
      if (!transactional && direction === 'up') {
        const applied = steps.slice(0, -1);
        throw new MigrationError(
          `Revision ${revision.id} (${revision.message}) failed at step ${steps.length}, ${failed}: ${message}\n` +
            (applied.length > 0 ? `Steps already applied (MySQL commits DDL as it goes):\n${applied.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n` : 'No step of it was applied.\n') +
            `The version table marks ${revision.id} as partially applied.`,
          { cause: error },
        );
      }
      throw new MigrationError(
        `Revision ${revision.id} (${revision.message}) ${direction === 'up' ? 'failed' : 'could not be undone'} at ${failed}: ${message}\n` +
          (transactional ? 'Its transaction was rolled back: nothing of it was applied.' : ''),
        { cause: error },
      );
    }
    this.#report.done(`${direction === 'up' ? 'Applied' : 'Undid'} ${revision.id} ${revision.message}`.trimEnd(), performance.now() - started);
  }

  /**
   * Writes one revision's up() or down() into the script, running nothing: its statements,
   * its version-table row, in one transaction where DDL is transactional. Tables are read
   * from the script's schema model, which each step updates.
   */
  async #write(script: MigrationScript, revision: Revision, direction: 'up' | 'down'): Promise<void> {
    const started = performance.now();
    const steps: string[] = [];
    const context: OperationContext = {
      ddl: this.#ddl,
      run: async (statement) => script.statement(statement),
      runWithValues: async (statement) => script.statement(typeof statement === 'string' ? statement : inlineValues(statement, this.#ddl)),
      table: async (name) => script.tables.get(name),
      outsideTransaction: (fn) => script.outsideTransaction(fn),
      step: async (description) => void steps.push(description),
      announce: (change) => {
        if (direction !== 'up') return;
        for (const warning of this.#warnings(change)) {
          this.#report.warn(`${revision.id} ${revision.message}: ${warning}`);
          script.comment(`WARNING: ${warning}`);
        }
      },
      reshape: (effect) => effect(script.tables),
    };
    script.comment(`${direction === 'up' ? 'Apply' : 'Undo'} ${revision.id}: ${revision.message}`);
    script.beginRevision();
    try {
      await (direction === 'up' ? revision.up(new Operations(context)) : revision.down(new Operations(context)));
    } catch (error) {
      const failed = steps[steps.length - 1] ?? '(before the first step)';
      throw new MigrationError(
        `Revision ${revision.id} (${revision.message}) could not be written as SQL at ${failed}: ${(error as Error).message}\n` +
          "Nothing was run and no script was printed. Run the migration against the database instead ('strata upgrade' without --sql).",
        { cause: error },
      );
    }
    const d = this.#ddl;
    if (direction === 'up') script.statement(this.#recordSql(revision));
    else script.statement(`DELETE FROM ${d.quote(this.#table)} WHERE ${d.quote('revision')} = ${d.stringLiteral(revision.id)}`);
    script.commitRevision();
    this.#report.done(`Wrote ${revision.id} ${revision.message}`.trimEnd(), performance.now() - started);
  }

  /** The warnings of a step for the database being migrated: data lost, a table rewritten, copied, rebuilt or locked. */
  #warnings(change: SchemaChange): string[] {
    return warningsFor(change, this.#hooks)
      .filter((note) => note.startsWith('!'))
      .map((note) => note.slice(1));
  }

  /**
   * Runs `fn` holding the migration lock, on one connection. Writing a script (`sink`)
   * takes no lock and works offline; its schema model starts from the database's tables.
   */
  async #locked<T>(fn: (conn: Connection | undefined, script?: MigrationScript) => Promise<T>, sink?: ScriptSink): Promise<T> {
    if (sink) {
      const conn = await this.#engine.connect().catch(() => undefined);
      try {
        const tables = conn ? (await conn.dialect.introspect(queryOn(conn))).tables : [];
        const script = new MigrationScript(sink, { ddl: this.#ddl, hooks: this.#hooks, tables });
        if (!conn) {
          script.comment('The database could not be reached: this script starts from an empty database.');
          this.#report.warn('The database could not be reached: the script starts from an empty database.');
        }
        script.start();
        const result = await fn(conn, script);
        script.end();
        return result;
      } finally {
        await conn?.close();
      }
    }
    const conn = await this.#engine.connect();
    const hooks = this.#hooks;
    let locked = false;
    let ended = false;
    try {
      await hooks.beginRun?.(conn);
      if (this.#lock) {
        await this.#acquire(conn);
        locked = true;
      }
      const result = await fn(conn);
      await hooks.endRun?.(conn, false);
      ended = true;
      return result;
    } catch (error) {
      if (!ended) await hooks.endRun?.(conn, true).catch(() => undefined);
      throw error;
    } finally {
      if (locked) await hooks.unlock(conn).catch(() => undefined);
      await conn.close();
    }
  }

  /** Takes the migration lock, asking again every 250 ms until the lock timeout passes. */
  async #acquire(conn: Connection): Promise<void> {
    const deadline = Date.now() + this.#lockTimeout;
    let told = false;
    while (!(await this.#hooks.tryLock(conn))) {
      if (Date.now() >= deadline) {
        throw new MigrationError(`Another strata process has held the migration lock for ${Math.round(this.#lockTimeout / 1000)} s; giving up. Try again when it has finished.`);
      }
      if (!told) {
        this.#report.info('Waiting for another strata process to finish migrating...');
        told = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async #hasVersionTable(conn: Connection): Promise<boolean> {
    const schema = await conn.dialect.introspect(queryOn(conn), { tables: [this.#table] });
    return schema.tables.some((t) => t.name === this.#table);
  }

  async #ensureVersionTable(conn: Connection): Promise<void> {
    if (await this.#hasVersionTable(conn)) return;
    for (const statement of this.#ddl.createTable(this.#versionTableModel(), { foreignKeys: false })) await conn.execute(statement);
  }

  #versionTableModel(): SchemaTable {
    const text = (name: string, length: number, nullable = false) => ({ name, type: { name: 'varchar' as const, length }, nullable, default: undefined, autoIncrement: false, comment: undefined });
    return {
      name: this.#table,
      comment: undefined,
      columns: [
        text('revision', 64),
        text('parents', 500),
        text('message', 500, true),
        text('state', 16),
        { name: 'steps_done', type: { name: 'integer' }, nullable: false, default: { kind: 'literal', value: 0 }, autoIncrement: false, comment: undefined },
        text('applied_at', 40),
      ],
      primaryKey: { name: `pk_${this.#table}`, columns: ['revision'] },
      foreignKeys: [],
      indexes: [],
      uniques: [],
      checks: [],
    };
  }

  async #readApplied(conn: Connection): Promise<AppliedRevision[]> {
    const rows = (await conn.execute(sql`SELECT ${sql.id('revision')} AS id, ${sql.id('state')} AS state, ${sql.id('steps_done')} AS steps FROM ${sql.id(this.#table)}`)).rows as Record<string, unknown>[];
    return rows.map((r) => ({ id: String(r.id), state: r.state === 'partial' ? 'partial' : 'applied', steps: Number(r.steps) }));
  }

  async #record(conn: Connection, revision: Revision, state: 'applied' | 'partial', steps: number): Promise<void> {
    const table = sql.id(this.#table);
    await conn.execute(sql`DELETE FROM ${table} WHERE ${sql.id('revision')} = ${revision.id}`);
    await conn.execute(
      sql`INSERT INTO ${table} (${sql.id('revision')}, ${sql.id('parents')}, ${sql.id('message')}, ${sql.id('state')}, ${sql.id('steps_done')}, ${sql.id('applied_at')}) VALUES (${revision.id}, ${revision.parents.join(' ')}, ${revision.message.slice(0, 500)}, ${state}, ${steps}, ${new Date().toISOString()})`,
    );
  }

  #recordSql(revision: Revision): string {
    const d = this.#ddl;
    return (
      `INSERT INTO ${d.quote(this.#table)} (${d.quoteList(['revision', 'parents', 'message', 'state', 'steps_done', 'applied_at'])}) VALUES (` +
      `${d.stringLiteral(revision.id)}, ${d.stringLiteral(revision.parents.join(' '))}, ${d.stringLiteral(revision.message.slice(0, 500))}, 'applied', 0, ${d.stringLiteral(new Date().toISOString())})`
    );
  }
}

/** Writes values as literals: an offline script has no driver to bind them. */
class ScriptCompiler extends SqlCompiler {
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

/** An `sql` fragment with its values written as literals, for a script file. */
function inlineValues(fragment: SqlFragment, ddl: DdlCompiler): string {
  return new ScriptCompiler(ddl).compile(fragment).sql;
}

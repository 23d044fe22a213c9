/*
 * Applies and undoes revisions, on the database (LiveTarget) or into an offline script
 * (ScriptTarget, `--sql`): the plan, the checks of what the database has applied and each
 * revision's run (revision-runner.ts) are the same for both, only the target differs.
 * One process migrates at a time (the live target's lock), and a waiting process re-reads
 * what was applied once it gets the lock.
 */
import { introspect, MigrationError, type Engine } from '@strata/core';
import { type MigrationHooks } from '@strata/core/dialect';
import { LiveTarget } from './live-target';
import type { ScriptSink } from './migration-script';
import type { Direction, MigrationTarget } from './migration-target';
import type { Reporter } from './reporter';
import { runRevision } from './revision-runner';
import type { Revision, RevisionGraph } from './revisions';
import { ScriptTarget } from './script-target';
import { VersionTable, type AppliedRevision } from './version-table';

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

/**
 * Runs revisions.
 * @example
 * const migrator = new Migrator({ engine, graph, versionTable: 'strata_version', reporter });
 * await migrator.upgrade('head');
 */
export class Migrator {
  readonly #engine: Engine;
  readonly #graph: RevisionGraph;
  readonly #versions: VersionTable;
  readonly #report: Reporter;
  readonly #lockTimeout: number;
  readonly #lock: boolean;

  constructor(options: MigratorOptions) {
    this.#engine = options.engine;
    this.#graph = options.graph;
    this.#versions = new VersionTable(options.versionTable);
    this.#report = options.reporter;
    this.#lockTimeout = options.lockTimeout ?? 120_000;
    this.#lock = options.lock ?? true;
  }

  get #hooks(): MigrationHooks {
    return this.#engine.dialect.migrations;
  }

  /** The revisions the database has, from its version table (none when it has no table yet). */
  async applied(): Promise<AppliedRevision[]> {
    const target = await this.#live();
    try {
      return (await target.hasVersionTable()) ? await target.readApplied() : [];
    } finally {
      await target.close();
    }
  }

  /**
   * Applies revisions up to `target`: 'head', 'heads', '+N', or a revision id (prefix).
   * With `sink`, runs nothing and hands it the script instead, a statement (terminated) or
   * a comment line at a time. Returns the revisions applied (or written).
   */
  async upgrade(target: string, sink?: ScriptSink): Promise<Revision[]> {
    return this.#migrate(sink, 'up', (done) => {
      const graph = this.#graph;
      const head = graph.head();
      if (target === 'head') return graph.upgradePlan(done, head === undefined ? [] : [head]);
      if (target === 'heads') return graph.upgradePlan(done, graph.heads());
      if (/^\+\d+$/.test(target)) return graph.upgradePlan(done, graph.heads()).slice(0, Number(target.slice(1)));
      return graph.upgradePlan(done, [graph.resolve(target)]);
    });
  }

  /** Undoes revisions: '-N', 'base', or down to a revision id (kept). Returns the revisions undone. */
  async downgrade(target: string, sink?: ScriptSink): Promise<Revision[]> {
    return this.#migrate(sink, 'down', (done) => {
      const graph = this.#graph;
      if (target === 'base') return graph.downgradePlan(done, []);
      if (/^-\d+$/.test(target)) return graph.downgradePlan(done, []).slice(0, Number(target.slice(1)));
      const keep = graph.resolve(target);
      if (!done.has(keep)) throw new MigrationError(`Revision ${keep} is not applied, so the database cannot go down to it; 'strata current' shows where it is.`);
      return graph.downgradePlan(done, [keep]);
    });
  }

  /** Records the database as being at `target` ('head', 'base' or an id) without running anything. */
  async stamp(target: string): Promise<void> {
    await this.#during(await this.#live(), async (live) => {
      await this.#ensureVersionTable(live);
      const ids = target === 'base' ? [] : target === 'head' ? [this.#graph.head()!].filter(Boolean) : target === 'heads' ? this.#graph.heads() : [this.#graph.resolve(target)];
      const wanted = this.#graph.lineage(ids);
      await live.forgetAll();
      for (const revision of this.#graph.order()) if (wanted.has(revision.id)) await live.recordApplied(revision, 0);
      this.#report.info(ids.length === 0 ? 'Stamped: no revision applied.' : `Stamped at ${ids.join(', ')}.`);
    });
  }

  /** The schema of the database now (for autogenerate and check), without the version table. */
  async liveSchema(): Promise<ReturnType<typeof introspect> extends Promise<infer S> ? S : never> {
    const schema = await introspect(this.#engine);
    return { ...schema, tables: schema.tables.filter((t) => t.name !== this.#versions.name) };
  }

  /**
   * Runs the revisions `plan` picks from those applied, in `direction`, on the database or,
   * with `sink`, into a script.
   */
  async #migrate(sink: ScriptSink | undefined, direction: Direction, plan: (done: ReadonlySet<string>) => Revision[]): Promise<Revision[]> {
    const target = sink ? await ScriptTarget.open(this.#engine, sink, { versions: this.#versions, report: this.#report }) : await this.#live();
    return this.#during(target, async () => {
      const applied = await this.#appliedChecked(target);
      const revisions = plan(new Set(applied.map((a) => a.id)));
      if (revisions.length === 0) {
        this.#report.info(direction === 'up' ? 'Nothing to apply: the database is at the requested revision.' : 'Nothing to undo.');
        return [];
      }
      for (const revision of revisions) await runRevision(target, revision, direction, { report: this.#report, hooks: this.#hooks });
      return revisions;
    });
  }

  /** A live target on the engine's database, not yet locked. */
  #live(): Promise<LiveTarget> {
    return LiveTarget.open(this.#engine, { versions: this.#versions, report: this.#report, lock: this.#lock, lockTimeoutMs: this.#lockTimeout });
  }

  /** Runs `fn` between the target's begin and end (abort on an error), closing the target after. */
  async #during<T, M extends MigrationTarget>(target: M, fn: (target: M) => Promise<T>): Promise<T> {
    try {
      await target.begin();
      const result = await fn(target);
      await target.end();
      return result;
    } catch (error) {
      await target.abort();
      throw error;
    } finally {
      await target.close();
    }
  }

  /** What the database has applied, once the version table exists; refuses revisions unknown here or left partial. */
  async #appliedChecked(target: MigrationTarget): Promise<AppliedRevision[]> {
    const applied = (await this.#ensureVersionTable(target)) ? await target.readApplied() : [];
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

  /** Creates the version table where the database has none (in a script: writes its CREATE TABLE); false when it was just created, so empty. */
  async #ensureVersionTable(target: MigrationTarget): Promise<boolean> {
    if (await target.hasVersionTable()) return true;
    for (const statement of target.ddl.createTable(this.#versions.model(), { foreignKeys: false })) await target.run(statement);
    return false;
  }
}

/*
 * Runs one revision's up() or down() on a migration target, live or script alike: opens the
 * revision, gives the operations the target to run their statements on, reports each step,
 * warns of what a step costs on this database, records the revision in the version table and
 * commits, or rolls back and raises the target's account of the failure.
 */
import type { MigrationHooks, SchemaChange } from '@strata/core/dialect';
import { warningsFor } from './change-notes';
import type { Direction, MigrationTarget } from './migration-target';
import { Operations, type OperationContext } from './operations';
import type { Reporter } from './reporter';
import type { Revision } from './revisions';

/** What a revision run reports to and reads its warnings from. */
export interface RevisionRunOptions {
  readonly report: Reporter;
  /** The dialect's migration hooks, which say what a change costs on this server. */
  readonly hooks: MigrationHooks;
}

/**
 * Runs `revision` in `direction` on `target`.
 * @example
 * for (const revision of plan) await runRevision(target, revision, 'up', { report, hooks });
 */
export async function runRevision(target: MigrationTarget, revision: Revision, direction: Direction, options: RevisionRunOptions): Promise<void> {
  const { report } = options;
  const started = performance.now();
  const steps = new StepLog(target.timed ? report : undefined);
  // Where DDL commits as it goes, the version table says how far an upgrade got, so a failure leaves a record of what was applied.
  const tracksSteps = direction === 'up' && !target.ddl.features.transactionalDdl;
  await target.beginRevision(revision, direction);
  if (tracksSteps) await target.recordPartial(revision, 0);
  const context: OperationContext = {
    ddl: target.ddl,
    run: (statement) => target.run(statement),
    runWithValues: (statement) => target.runWithValues(statement),
    table: (name) => target.table(name),
    outsideTransaction: (fn) => target.outsideTransaction(fn),
    step: async (description) => {
      steps.start(description);
      if (tracksSteps && steps.count > 1) await target.recordPartial(revision, steps.count - 1);
    },
    announce: (change) => {
      if (direction !== 'up') return;
      for (const warning of warnings(change, options.hooks)) {
        report.warn(`${revision.id} ${revision.message}: ${warning}`);
        target.note(`WARNING: ${warning}`);
      }
    },
    reshape: target.reshape && ((effect) => target.reshape!(effect)),
  };
  try {
    const op = new Operations(context);
    await (direction === 'up' ? revision.up(op) : revision.down(op));
    steps.finish();
    await target.checkRevision(revision);
    if (direction === 'up') await target.recordApplied(revision, steps.count);
    else await target.recordReverted(revision);
    await target.commitRevision();
  } catch (error) {
    await target.rollbackRevision();
    throw target.failure(revision, direction, steps.descriptions, error);
  }
  report.done(`${target.doneVerb(direction)} ${revision.id} ${revision.message}`.trimEnd(), performance.now() - started);
}

/** The warnings of a step for the database being migrated: data lost, a table rewritten, copied, rebuilt or locked. */
function warnings(change: SchemaChange, hooks: MigrationHooks): string[] {
  return warningsFor(change, hooks)
    .filter((note) => note.startsWith('!'))
    .map((note) => note.slice(1));
}

/** The steps of a revision so far; with a reporter, each is reported with its time once the next one starts. */
class StepLog {
  readonly descriptions: string[] = [];
  readonly #report: Reporter | undefined;
  #started = 0;
  #reported = 0;

  constructor(report: Reporter | undefined) {
    this.#report = report;
  }

  get count(): number {
    return this.descriptions.length;
  }

  start(description: string): void {
    this.finish();
    this.#started = performance.now();
    this.descriptions.push(description);
  }

  /** Reports the step under way, if any and not reported yet. */
  finish(): void {
    if (!this.#report || this.descriptions.length === this.#reported) return;
    this.#report.step?.(this.descriptions[this.descriptions.length - 1]!, performance.now() - this.#started);
    this.#reported = this.descriptions.length;
  }
}

/*
 * `session.pendingChanges()`: the next flush's plan, for reading and for tests ("this
 * endpoint writes exactly these rows"). Each change names its command kind, entity, table,
 * columns, keys and row count; `toSQL()` renders the statements the flush would send, with
 * each key the database has yet to generate shown as a placeholder such as `<Author#1.id>`.
 */
import { inspect } from 'node:util';
import type { Dialect } from '../../engine/dialect';
import { inspectView, type InspectStyling } from '../../engine/inspect-view';
import { describeCommand, GeneratedValue, type FlushPlan, type PendingChange } from './flush-plan';
import { statementsOf } from './flush-statements';

/** One statement of a preview: its SQL in the dialect's syntax and its parameters (placeholders where a generated key goes). */
export interface PendingStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** What the next flush would write, in order. Iterable over its changes. */
export class PendingChanges implements Iterable<PendingChange> {
  /** The write commands in the order the flush runs them. */
  readonly changes: readonly PendingChange[];
  readonly #plan: FlushPlan;
  readonly #dialect: Dialect;
  readonly #returning: boolean;

  /** @param returning Whether the flush reads generated values back with RETURNING (else by insert id, a row at a time). */
  constructor(plan: FlushPlan, dialect: Dialect, returning: boolean) {
    this.#plan = plan;
    this.#dialect = dialect;
    this.#returning = returning;
    this.changes = Object.freeze(plan.commands.map((command) => Object.freeze(describeCommand(command, plan.placeholders))));
  }

  /** Number of write commands. */
  get length(): number {
    return this.changes.length;
  }

  /** True when the next flush would write nothing. */
  get empty(): boolean {
    return this.changes.length === 0;
  }

  [Symbol.iterator](): Iterator<PendingChange> {
    return this.changes[Symbol.iterator]();
  }

  /**
   * The statements the flush would send, in order, in the syntax of the session's dialect
   * (or of `dialect`). Parameters are the values as bound; a key the database generates
   * during the flush shows as a placeholder naming the new row (`<Author#1.id>`).
   */
  toSQL(dialect: Dialect = this.#dialect): PendingStatement[] {
    const options = { capabilities: dialect.capabilities, types: dialect.types };
    const target = { capabilities: dialect.capabilities, returning: this.#returning && dialect.capabilities.returning };
    const out: PendingStatement[] = [];
    for (const command of this.#plan.commands) {
      for (const { statement, slots } of statementsOf(command, target)) {
        const compiled = dialect.compiler.compileStatement(statement, options);
        const params = compiled.params.slice();
        for (const slot of compiled.slots ?? []) {
          const value = slots?.[slot.slot];
          params[slot.at] = value instanceof GeneratedValue || value === null || value === undefined || !slot.codec || slot.list ? value : slot.codec.toDriver(value);
        }
        out.push(Object.freeze({ sql: compiled.sql, params: Object.freeze(params) }));
      }
    }
    return out;
  }

  toJSON(): readonly PendingChange[] {
    return this.changes;
  }

  [inspect.custom](depth: number | null, options: InspectStyling): string {
    return inspectView('PendingChanges', { changes: this.changes }, depth, options);
  }
}

/*
 * The handle `session.beginNested()` returns: it commits or rolls back one savepoint by
 * calling back into the session, which releases or undoes the matching TransactionLevel.
 */

/** A savepoint begun with `session.beginNested()`. */
export class NestedTransaction {
  readonly #commit: () => Promise<void>;
  readonly #rollback: () => Promise<void>;

  constructor(commit: () => Promise<void>, rollback: () => Promise<void>) {
    this.#commit = commit;
    this.#rollback = rollback;
  }

  /** Keeps the work since the savepoint (flushes, then RELEASE SAVEPOINT). */
  commit(): Promise<void> {
    return this.#commit();
  }

  /** Undoes the work since the savepoint, in the database and in the session's objects. */
  rollback(): Promise<void> {
    return this.#rollback();
  }
}

/*
 * A session's hold on the database for one transaction: by default a pooled connection of
 * its own with BEGIN ... COMMIT; in test-fixture mode (`joinTransaction`) a savepoint inside
 * a transaction that a test owns on one connection. The Session sees only this handle, so
 * both modes share every other code path.
 */
import type { Connection, Savepoint } from '../../engine/connection';
import type { BeginOptions, IsolationLevel } from '../../engine/dialect';
import type { Engine } from '../../engine/engine';
import { InvalidStateError } from '../../errors/errors';

/** One open session transaction: its connection and how to end it. */
export interface SessionTransaction {
  /** The connection the session's statements run on. */
  readonly connection: Connection;
  /** The isolation level asked for when it began; undefined for the server's default. */
  readonly isolationLevel: IsolationLevel | undefined;
  /** True for a savepoint inside a transaction the session does not own (test-fixture mode). */
  readonly joined: boolean;
  /** COMMIT, or RELEASE SAVEPOINT when joined. */
  commit(): Promise<void>;
  /** ROLLBACK, or ROLLBACK TO SAVEPOINT when joined; does nothing once ended. */
  rollback(): Promise<void>;
  /** Gives the connection back to the pool (rolling back what is still open); a joined connection stays open. */
  close(): Promise<void>;
}

/**
 * Opens a session transaction: a new pooled connection with BEGIN, or a savepoint on `join`
 * (whose transaction the caller owns) when given.
 */
export async function openSessionTransaction(engine: Engine, join: Connection | undefined, options: BeginOptions): Promise<SessionTransaction> {
  if (join) return JoinedTransaction.open(join, options.isolationLevel);
  return beginOn(await engine.connect(), options);
}

/** Begins a session transaction on a connection the session already holds (it read before writing). */
export async function beginOn(connection: Connection, options: BeginOptions): Promise<SessionTransaction> {
  try {
    await connection.begin(options);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return {
    connection,
    isolationLevel: options.isolationLevel,
    joined: false,
    commit: () => connection.commit(),
    rollback: () => connection.rollback(),
    close: () => connection.close(),
  };
}

/** Savepoints that joined sessions hold on each shared connection, oldest first. */
const openOnConnection = new WeakMap<Connection, JoinedTransaction[]>();

/** A session's transaction as a savepoint in someone else's; sessions on one connection must nest, not interleave. */
class JoinedTransaction implements SessionTransaction {
  readonly connection: Connection;
  readonly isolationLevel: IsolationLevel | undefined;
  readonly joined = true;
  readonly #savepoint: Savepoint;
  #ended = false;

  private constructor(connection: Connection, savepoint: Savepoint, isolationLevel: IsolationLevel | undefined) {
    this.connection = connection;
    this.#savepoint = savepoint;
    this.isolationLevel = isolationLevel;
  }

  static async open(connection: Connection, isolationLevel: IsolationLevel | undefined): Promise<JoinedTransaction> {
    if (connection.closed || !connection.inTransaction) {
      throw new InvalidStateError(
        'joinTransaction: the connection has no open transaction for the session to join. Call connection.begin() first ' +
          '(testTransaction(engine) does this), and keep the connection open until the test rolls it back.',
      );
    }
    // A savepoint cannot change the isolation level: the test's transaction decides it.
    const joined = new JoinedTransaction(connection, await connection.savepoint(), isolationLevel);
    const open = openOnConnection.get(connection) ?? [];
    open.push(joined);
    openOnConnection.set(connection, open);
    return joined;
  }

  async commit(): Promise<void> {
    this.#mustBeInnermost('commit');
    await this.#savepoint.release();
    this.#end();
  }

  async rollback(): Promise<void> {
    if (this.#ended) return;
    this.#mustBeInnermost('roll back');
    try {
      await this.#savepoint.rollback();
      await this.#savepoint.release();
    } finally {
      // Tried once is enough: a savepoint that cannot be rolled back leaves the test's transaction to its owner.
      this.#end();
    }
  }

  async close(): Promise<void> {
    if (this.#ended || this.connection.closed) return this.#end();
    await this.rollback();
  }

  #mustBeInnermost(what: string): void {
    if (this.#ended) throw new InvalidStateError(`Cannot ${what}: this session's savepoint in the test transaction has already ended.`);
    const open = openOnConnection.get(this.connection) ?? [];
    if (open[open.length - 1] !== this) {
      throw new InvalidStateError(
        `Cannot ${what} this session's work: another session joined to the same test transaction began after it and is still open. ` +
          'Sessions sharing a joinTransaction connection must nest (the inner one finishes first); commit or close the later session first.',
      );
    }
  }

  #end(): void {
    this.#ended = true;
    const open = openOnConnection.get(this.connection);
    const at = open?.indexOf(this) ?? -1;
    if (open && at >= 0) open.splice(at, 1);
  }
}

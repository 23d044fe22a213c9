/*
 * A session's open transaction and its stack of levels: the root, then one per savepoint.
 * It begins the transaction on first use, pushes, releases and rolls back savepoints, and
 * hands the whole stack back, merged into the root, when the transaction ends.
 */
import type { Connection } from '../../engine/connection';
import type { IsolationLevel } from '../../engine/dialect';
import type { Engine } from '../../engine/engine';
import { InvalidStateError } from '../../errors/errors';
import { beginOn, openSessionTransaction, type SessionTransaction } from './session-transaction';
import { TransactionLevel } from './transaction-level';

/** An ended transaction and its root level, holding everything every level recorded. */
export interface EndedTransaction {
  readonly transaction: SessionTransaction;
  readonly root: TransactionLevel;
}

/** The transaction a session has open, if any, and its levels. */
export class TransactionStack {
  #transaction: SessionTransaction | undefined;
  #levels: TransactionLevel[] = [];
  /** A pooled connection held for reads before any transaction began (they run in autocommit). */
  #reader: Connection | undefined;
  #opening: Promise<Connection> | undefined;
  /** Whether the connection being opened is the primary's (else a replica's). */
  #openingPrimary = false;

  /** The connection of the open transaction; undefined when none is open. */
  get connection(): Connection | undefined {
    return this.#transaction?.connection;
  }

  /** The isolation level the open transaction began at. */
  get isolationLevel(): IsolationLevel | undefined {
    return this.#transaction?.isolationLevel;
  }

  /** Every open level, the root first. */
  get levels(): readonly TransactionLevel[] {
    return this.#levels;
  }

  /** The innermost level: the open savepoint, else the root; undefined when no transaction is open. */
  top(): TransactionLevel | undefined {
    return this.#levels[this.#levels.length - 1];
  }

  /** True while the session holds a connection for reads outside a transaction. */
  get reading(): boolean {
    return this.#reader !== undefined;
  }

  /**
   * The connection a plain read runs on: the open transaction's, else one held for reads
   * in autocommit (so a session that only reads sends no BEGIN / COMMIT).
   */
  readConnection(engine: Engine, options: { readonly primary?: boolean } = {}): Promise<Connection> | Connection {
    const primary = options.primary ?? false;
    if (this.#transaction) return this.#transaction.connection;
    if (this.#reader) {
      if (!primary || !this.#reader.replica) return this.#reader;
      // Reads moved to the primary: the replica connection goes back.
      const replica = this.#reader;
      this.#reader = undefined;
      if (!replica.releaseNow()) void replica.close();
    }
    if (this.#opening && primary && !this.#openingPrimary) {
      // A replica connection is being opened for an earlier read: once it is there (or has
      // failed, which that read reports), this read moves the session to the primary.
      return this.#opening.catch(() => undefined).then(() => this.readConnection(engine, { primary: true }));
    }
    if (!this.#opening) {
      const now = primary ? engine.connectNow() : engine.connectForReadNow();
      if (now) return (this.#reader = now);
    }
    return this.#openReader(engine, primary);
  }

  async #openReader(engine: Engine, primary: boolean): Promise<Connection> {
    // Two reads started together share the one connection being opened.
    if (!this.#opening) {
      this.#openingPrimary = primary;
      this.#opening = (primary ? engine.connect() : engine.connectForRead()).finally(() => (this.#opening = undefined));
    }
    const connection = await this.#opening;
    // A transaction may have begun meanwhile (it takes the reader when there is one).
    const begun = this.#transaction;
    if (begun) {
      if (begun.connection !== connection) await connection.close();
      return begun.connection;
    }
    const held = this.#reader;
    if (held && held !== connection) {
      // Another read took a connection while this one was opening: the session keeps one,
      // the primary's when reads have moved there.
      const keep = primary && held.replica ? connection : held;
      const spare = keep === held ? connection : held;
      this.#reader = keep;
      if (!spare.releaseNow()) await spare.close();
      return keep;
    }
    this.#reader = connection;
    return connection;
  }

  /** The open transaction's connection, beginning the transaction (and its root level) first when none is open. */
  async begin(engine: Engine, join: Connection | undefined, isolationLevel: IsolationLevel | undefined): Promise<Connection> {
    if (this.#transaction) return this.#transaction.connection;
    // Sessions that only read must not queue behind each other on SQLite: writes take the lock when they come.
    const options = { isolationLevel, deferLock: true };
    let reader = join ? undefined : this.#reader;
    this.#reader = undefined;
    if (reader?.replica) {
      // A transaction runs on the primary: the connection that read from a replica goes back.
      if (!reader.releaseNow()) await reader.close();
      reader = undefined;
    }
    const transaction = reader ? await beginOn(reader, options) : await openSessionTransaction(engine, join, options);
    this.#transaction = transaction;
    this.#levels = [new TransactionLevel()];
    return transaction.connection;
  }

  /** Gives back the connection held for reads, if any; true when there was one. */
  async releaseReader(): Promise<boolean> {
    const reader = this.#reader;
    if (!reader) return false;
    this.#reader = undefined;
    if (!reader.releaseNow()) await reader.close();
    return true;
  }

  /** Opens a savepoint on `connection` and makes it the innermost level. */
  async pushSavepoint(connection: Connection): Promise<TransactionLevel> {
    const level = new TransactionLevel(await connection.savepoint());
    this.#levels.push(level);
    return level;
  }

  /** Releases a savepoint and those inside it, handing their records outwards. */
  async release(level: TransactionLevel): Promise<void> {
    const index = this.#levelIndex(level);
    for (const inner of this.#levels.slice(index).reverse()) {
      await inner.savepoint!.release();
      inner.mergeInto(this.#levels[this.#levels.indexOf(inner) - 1]!);
    }
    this.#levels = this.#levels.slice(0, index);
  }

  /** Rolls the database back to a savepoint; the level, holding what the levels inside it recorded, is for the caller to undo. */
  async rollbackTo(level: TransactionLevel): Promise<void> {
    const index = this.#levelIndex(level);
    this.#foldFrom(index);
    this.#levels = this.#levels.slice(0, index);
    await level.savepoint!.rollback();
  }

  /**
   * After a failed flush: rolls the transaction back, unless a savepoint is open. Inside one
   * only the savepoint is lost: rolling back to it lets the outer transaction go on.
   */
  async abortAfterFailedFlush(): Promise<void> {
    if (this.#transaction && this.#levels.length <= 1) await this.#transaction.rollback().catch(() => undefined);
  }

  /** Forgets the open transaction, merging every level into the root; undefined when none is open. The caller commits or rolls it back. */
  end(): EndedTransaction | undefined {
    const transaction = this.#transaction;
    const root = this.#levels[0];
    if (!transaction || !root) return undefined;
    this.#foldFrom(0);
    this.#transaction = undefined;
    this.#levels = [];
    return { transaction, root };
  }

  /**
   * Folds the levels above `index` into it, innermost first, each into its own parent: the
   * oldest snapshot of an object wins and hooks keep the order they were registered in.
   */
  #foldFrom(index: number): void {
    for (let i = this.#levels.length - 1; i > index; i--) this.#levels[i]!.mergeInto(this.#levels[i - 1]!);
  }

  #levelIndex(level: TransactionLevel): number {
    const index = this.#levels.indexOf(level);
    if (index <= 0) throw new InvalidStateError('This savepoint is no longer open.');
    return index;
  }
}

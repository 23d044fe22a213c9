/*
 * The options a Session is made with (through sessionMaker).
 */
import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import type { IsolationLevel } from '../../engine/dialect';
import type { EntityRegistry } from '../../metadata/entity-registry';

/** Options of `sessionMaker` and of each Session. */
export interface SessionOptions {
  /** The engine sessions take connections from. */
  bind: Engine;
  /** Expire every loaded object at commit, so the next query, get or load refreshes it. Default true. */
  expireOnCommit?: boolean;
  /** Flush pending changes before each query. Default true. */
  autoflush?: boolean;
  /** Throw on a synchronous read of an expired attribute instead of returning the committed value. Default false. */
  strict?: boolean;
  /** The entities sessions know. Default: `metadata`, every `@Entity` class. */
  registry?: EntityRegistry;
  /** Isolation level of the transactions sessions begin. Default: the server's. */
  isolationLevel?: IsolationLevel;
  /**
   * Read generated keys back with RETURNING where the server has it. Default true; false uses
   * row-by-row inserts and the driver's insert id where the driver reports one (MySQL, SQLite).
   */
  returning?: boolean;
  /**
   * With read replicas (engine option `replicas`): once the session has begun a transaction
   * (a flush, a statement through `session.execute`, `begin()`), its later reads go to the
   * primary, so after its commit it reloads what it wrote, not a lagging replica's older copy
   * (which would also make a version column look stale). Reads inside a transaction always
   * run on the primary. Default true; false sends reads outside transactions to replicas
   * even after writing. `session.usePrimary()` pins one session at any time.
   */
  readYourWrites?: boolean;
  /**
   * Test-fixture mode: instead of a pooled connection with a transaction of its own, each
   * session runs in a savepoint inside the transaction already open on this connection.
   * The session's commit releases its savepoint (onCommit hooks then run), its rollback
   * rolls back to it, and nothing is durable until the connection's owner commits; a test
   * rolls it back and leaves the database as it found it. Sessions on one connection must
   * nest, never interleave. Isolation levels are the outer transaction's. Default: off.
   * `testTransaction(engine)` sets this up. See `testTransaction`.
   */
  joinTransaction?: Connection;
}

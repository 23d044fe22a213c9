/*
 * The options a Session is made with (through sessionMaker).
 */
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
}

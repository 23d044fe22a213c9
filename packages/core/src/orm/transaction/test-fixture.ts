/*
 * Test-fixture mode: one connection and one transaction per test, with the sessions the
 * application makes joined to it through savepoints (SessionOptions.joinTransaction), and a
 * final rollback that leaves the database as the test found it.
 */
import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import { sessionMaker, type SessionFactory } from '../session/session-maker';
import type { SessionOptions } from '../session/session-options';

/** A test's own transaction and the session factory joined to it. */
export interface TestTransaction {
  /** Makes sessions that run inside the test's transaction; hand it to the code under test. */
  readonly Session: SessionFactory;
  /** The connection holding the test's transaction; statements run on it see the sessions' uncommitted work. */
  readonly connection: Connection;
  /** Rolls back everything the test did, sessions' "commits" included, and returns the connection to the pool. Safe to call twice. */
  rollback(): Promise<void>;
}

/**
 * Begins a transaction on a connection of its own and returns a session factory whose
 * sessions join it: a session's `commit()` releases a savepoint (and runs its `onCommit`
 * hooks at that moment, as the application would see them), `rollback()` rolls back to
 * it, and `rollback()` of the fixture undoes it all. Work stays invisible to other
 * connections, so code that reads on another connection (a worker started by `onCommit`,
 * a second engine) sees none of it; sessions made from the fixture must nest rather than
 * interleave, and `propagation: 'requiresNew'` joins as one more savepoint. Isolation
 * levels asked by sessions are ignored: the fixture's transaction has the server's
 * default unless `options.isolationLevel` says otherwise.
 * @example
 * let tx: TestTransaction;
 * beforeEach(async () => { tx = await testTransaction(engine, { registry: md }); });
 * afterEach(() => tx.rollback());
 * test('signup', async () => {
 *   await signup(tx.Session, 'ann@example.com');          // commits, as in production
 *   expect(await tx.Session().scalar(select(User).where({ email: 'ann@example.com' }))).toBeDefined();
 * });
 */
export async function testTransaction(engine: Engine, options: Omit<SessionOptions, 'bind' | 'joinTransaction'> = {}): Promise<TestTransaction> {
  const connection = await engine.connect();
  try {
    await connection.begin({ isolationLevel: options.isolationLevel });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const Session = sessionMaker({ ...options, bind: engine, joinTransaction: connection });
  return {
    Session,
    connection,
    async rollback() {
      if (connection.closed) return;
      try {
        await connection.rollback();
      } finally {
        await connection.close();
      }
    },
  };
}

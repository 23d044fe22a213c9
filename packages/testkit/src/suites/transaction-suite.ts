/*
 * The transaction conformance suite: session.transaction() propagation modes, retry of real
 * serialization failures and deadlocks with onCommit hooks fired once per committed attempt,
 * and the test-fixture mode that leaves the database as it found it, on every dialect.
 */
import {
  ArgumentError,
  Column,
  createEngine,
  Entity,
  inspect,
  IntegrityError,
  InvalidStateError,
  MetaData,
  PrimaryGeneratedColumn,
  select,
  SerializationError,
  sessionMaker,
  sql,
  TransactionAbortedError,
  type Connection,
  type Engine,
  type Session,
  type SessionFactory,
} from '@strata/core';
import {
  testTransaction,
} from '@strata/core/testing';
import { testUrl, type DialectName } from '../targets';

@Entity('tx_counter')
class TxCounter {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 50 }) name!: string;
  @Column({ type: 'integer', default: 0 }) value!: number;
}

@Entity('tx_note')
class TxNote {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100, unique: true }) body!: string;
}

function note(body: string): TxNote {
  const n = new TxNote();
  n.body = body;
  return n;
}

/** A promise that resolves once `count` callers have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

/** Registers the transaction suite for one dialect. */
export function transactionSuite(dialect: DialectName): void {
  describe(`${dialect}: transactions`, () => {
    const md = new MetaData([TxCounter, TxNote]);
    const CONCURRENT = 10;
    let engine: Engine;
    let Session: SessionFactory;
    const notes = async (on: Engine | Connection = engine) =>
      (await on.execute(sql`SELECT body FROM ${sql.id('tx_note')} ORDER BY body`)).rows.map((r) => r.body);

    beforeAll(async () => {
      engine = createEngine(testUrl(dialect), { poolSize: CONCURRENT + 2 });
      await md.dropAll(engine, { checkFirst: true });
      await md.createAll(engine);
      Session = sessionMaker({ bind: engine, registry: md });
    });

    beforeEach(async () => {
      for (const table of ['tx_note', 'tx_counter']) await engine.execute(sql`DELETE FROM ${sql.id(table)}`);
    });

    afterAll(async () => {
      await md.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    /** Runs fn with a new session and closes it. */
    async function withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
      const session = Session();
      try {
        return await fn(session);
      } finally {
        await session.close();
      }
    }

    describe('propagation', () => {
      test("'required' begins, commits and returns fn's result; on a throw it rolls back and rethrows", async () => {
        await withSession(async (session) => {
          const kept = note('kept');
          const result = await session.transaction(async (s) => {
            s.add(kept);
            return 'done';
          });
          expect(result).toBe('done');
          expect(session.inTransaction).toBe(false);
          const lost = note('lost');
          const error = await session.transaction(async (s) => {
            s.add(lost);
            await s.flush();
            throw new Error('boom');
          }).catch((e: unknown) => e);
          expect((error as Error).message).toBe('boom');
          expect(inspect(lost).status).toBe('transient');
          expect(session.inTransaction).toBe(false);
        });
        expect(await notes()).toEqual(['kept']);
      });

      test("'required' inside an open transaction joins it: its work commits or rolls back with the outer one", async () => {
        const error = await Session.transaction(async (outer) => {
          outer.add(note('outer'));
          const same = await outer.transaction(async (inner) => {
            inner.add(note('joined'));
            await inner.flush();
            return inner;
          });
          expect(same).toBe(outer);
          throw new Error('outer fails');
        }).catch((e: unknown) => e);
        expect((error as Error).message).toBe('outer fails');
        expect(await notes()).toEqual([]);
      });

      test('joining a transaction at another isolation level, or asking a joined call to retry, is refused with the fix', async () => {
        await withSession(async (session) => {
          await session.transaction(async (s) => {
            await expect(s.transaction(async () => undefined, { isolationLevel: 'serializable' })).rejects.toThrow(
              /isolation level 'serializable' but joins the transaction already open.*server's default level.*'requiresNew'/,
            );
            await expect(s.begin()).rejects.toThrow(/a transaction is already open on this session/);
            await expect(s.transaction(async () => undefined, { retry: 3 })).rejects.toThrow(InvalidStateError);
            await expect(s.transaction(async () => undefined, { retry: 3 })).rejects.toThrow(/cannot retry here.*outermost session\.transaction\(\)/);
            await expect(s.transaction(async () => undefined, { retry: 3, propagation: 'nested' })).rejects.toThrow(/cannot retry here: propagation 'nested'/);
          });
          await session.transaction(async (s) => {
            expect(s.transactionIsolationLevel).toBe('serializable');
            expect(await s.transaction(async () => 'joined', { isolationLevel: 'serializable' })).toBe('joined');
          }, { isolationLevel: 'serializable' });
        });
      });

      test("'mandatory' needs an open transaction and joins it; 'never' refuses one", async () => {
        await withSession(async (session) => {
          const mandatory = await session.transaction(async () => 1, { propagation: 'mandatory' }).catch((e: unknown) => e);
          expect(mandatory).toBeInstanceOf(InvalidStateError);
          expect((mandatory as Error).message).toMatch(/'mandatory'.*needs a transaction already open.*use propagation 'required'/);
          expect(await session.transaction(async () => 'ran', { propagation: 'never' })).toBe('ran');
          await session.transaction(async (s) => {
            expect(await s.transaction(async (inner) => inner === s, { propagation: 'mandatory' })).toBe(true);
            const never = await s.transaction(async () => 1, { propagation: 'never' }).catch((e: unknown) => e);
            expect(never).toBeInstanceOf(InvalidStateError);
            expect((never as Error).message).toMatch(/'never'.*found a transaction open.*Commit or roll it back first/);
          });
        });
      });

      test("'requiresNew' runs fn in a new session whose commit stands when the outer transaction rolls back", async () => {
        const outsider = note('outer-object');
        const error = await Session.transaction(async (outer) => {
          outer.add(outsider);
          await outer.transaction(async (inner) => {
            expect(inner).not.toBe(outer);
            expect(inner.inTransaction).toBe(true);
            // Objects belong to one session: the outer one's cannot be added to the new one.
            expect(() => inner.add(outsider)).toThrow(/already belongs to another session/);
            inner.add(note('independent'));
          }, { propagation: 'requiresNew' });
          throw new Error('outer fails');
        }).catch((e: unknown) => e);
        expect((error as Error).message).toBe('outer fails');
        expect(await notes()).toEqual(['independent']);
        await Session.transaction(async (outer) => {
          outer.add(note('o2'));
          await outer.transaction(async (inner) => inner.add(note('i2')), { propagation: 'requiresNew' });
        });
        expect(await notes()).toEqual(['i2', 'independent', 'o2']);
      });

      test("'nested' runs in a savepoint: a failed flush inside rolls back to it and the outer transaction goes on", async () => {
        await Session.run((s) => s.add(note('taken')));
        const duplicate = note('taken');
        const result = await Session.transaction(async (s) => {
          s.add(note('before'));
          await s.flush();
          const inner = await s.transaction(async (n) => {
            n.add(duplicate);
            await n.flush();
          }, { propagation: 'nested' }).catch((e: unknown) => e);
          expect(inner).toBeInstanceOf(IntegrityError);
          expect(inspect(duplicate).status).toBe('transient');
          await s.transaction(async (n) => n.add(note('nested-ok')), { propagation: 'nested' });
          s.add(note('after'));
          return (await s.scalars(select(TxNote))).length;
        });
        expect(result).toBe(4);
        expect(await notes()).toEqual(['after', 'before', 'nested-ok', 'taken']);
      });

      test("'nested' with no transaction open begins and commits one", async () => {
        await withSession((session) => session.transaction(async (s) => s.add(note('alone')), { propagation: 'nested' }));
        expect(await notes()).toEqual(['alone']);
      });

      test('a callback that commits or rolls back the transaction itself is told to return or throw instead', async () => {
        await withSession(async (session) => {
          const error = await session.transaction(async (s) => {
            s.add(note('self-committed'));
            await s.commit();
          }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidStateError);
          expect((error as Error).message).toMatch(/callback committed or rolled back the transaction.*Return normally/);
        });
      });

      test('bad options are ArgumentErrors that name the choices', async () => {
        await withSession(async (session) => {
          await expect(session.transaction(async () => 1, { propagation: 'sometimes' as never })).rejects.toThrow(ArgumentError);
          await expect(session.transaction(async () => 1, { propagation: 'sometimes' as never })).rejects.toThrow(/required, requiresNew, nested, mandatory, never/);
          await expect(session.transaction(async () => 1, { retry: 0 })).rejects.toThrow(/attempts must be a whole number of at least 1/);
          await expect(session.transaction(async () => 1, { retry: { attempts: 2, baseDelayMs: -1 } })).rejects.toThrow(/baseDelayMs/);
          await expect(session.transaction(async () => 1, { propagation: 'never', retry: 2 })).rejects.toThrow(/'never' begins no transaction/);
        });
      });
    });

    describe('retry', () => {
      test(`${CONCURRENT} concurrent serializable read-modify-write increments all land, each onCommit hook firing once`, async () => {
        const counter = new TxCounter();
        counter.name = 'hits';
        await Session.run((s) => s.add(counter));
        const allRead = barrier(CONCURRENT);
        let attempts = 0;
        let hooks = 0;
        const increment = (worker: number) => {
          let tries = 0;
          return Session.transaction(
            async (s) => {
              attempts++;
              tries++;
              const c = (await s.get(TxCounter, counter.id))!;
              // Every first attempt reads the same value before anyone writes: all but one must conflict.
              if (tries === 1) await allRead();
              c.value += 1;
              s.onCommit(() => hooks++);
              return worker;
            },
            { isolationLevel: 'serializable', retry: { attempts: 40, baseDelayMs: 5, maxDelayMs: 100 } },
          );
        };
        const workers = Array.from({ length: CONCURRENT }, (_, i) => increment(i));
        expect((await Promise.all(workers)).sort((a, b) => a - b)).toEqual(Array.from({ length: CONCURRENT }, (_, i) => i));
        const value = Number((await engine.execute(sql`SELECT value FROM tx_counter WHERE id = ${counter.id}`)).scalar());
        expect(value).toBe(CONCURRENT);
        expect(hooks).toBe(CONCURRENT);
        expect(attempts).toBeGreaterThanOrEqual(2 * CONCURRENT - 1);
        expect(engine.pool.status().checkedOut).toBe(0);
      });

      test('without retry the serialization failure reaches the caller as a SerializationError', async () => {
        const counter = new TxCounter();
        counter.name = 'once';
        await Session.run((s) => s.add(counter));
        const allRead = barrier(2);
        const bump = () =>
          Session.transaction(
            async (s) => {
              const c = (await s.get(TxCounter, counter.id))!;
              await allRead();
              c.value += 1;
            },
            { isolationLevel: 'serializable' },
          );
        const outcomes = await Promise.allSettled([bump(), bump()]);
        const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(failures).toHaveLength(1);
        expect(failures[0]!.reason).toBeInstanceOf(SerializationError);
        expect((failures[0]!.reason as SerializationError).retryable).toBe(true);
      });

      test('each retry re-runs the whole callback after undoing the failed attempt: rows, objects and hooks', async () => {
        await withSession(async (session) => {
          const made: TxNote[] = [];
          const committedHooks: number[] = [];
          let rollbacks = 0;
          await session.transaction(
            async (s) => {
              const attempt = made.length + 1;
              const n = note(`attempt-${attempt}`);
              made.push(n);
              s.add(n);
              await s.flush();
              s.onCommit(() => committedHooks.push(attempt));
              s.onRollback(() => rollbacks++);
              if (attempt < 3) throw new SerializationError(`simulated conflict ${attempt}`);
            },
            { retry: { attempts: 3, baseDelayMs: 1 } },
          );
          expect(committedHooks).toEqual([3]);
          expect(rollbacks).toBe(2);
          expect(made.map((n) => inspect(n).status)).toEqual(['transient', 'transient', 'persistent']);
        });
        expect(await notes()).toEqual(['attempt-3']);
      });

      test('a TransactionAbortedError caused by a serialization failure is retried; other errors are not', async () => {
        let calls = 0;
        await Session.transaction(
          async () => {
            if (++calls === 1) throw new TransactionAbortedError('aborted', { cause: new SerializationError('deadlock') });
          },
          { retry: 2 },
        );
        expect(calls).toBe(2);
        calls = 0;
        const error = await Session.transaction(async () => {
          calls++;
          throw new TransactionAbortedError('aborted for another reason');
        }, { retry: 5 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TransactionAbortedError);
        expect(calls).toBe(1);
      });

      test('after the last attempt the error says how many were made and what to do', async () => {
        let calls = 0;
        const error = await Session.transaction(async () => {
          calls++;
          throw new SerializationError('could not serialize access');
        }, { retry: { attempts: 3, baseDelayMs: 1 } }).catch((e: unknown) => e);
        expect(calls).toBe(3);
        expect(error).toBeInstanceOf(SerializationError);
        expect((error as Error).message).toMatch(/gave up after 3 attempts.*could not serialize access.*retry: \{ attempts \}/);
        expect((error as Error).cause).toBeInstanceOf(SerializationError);
      });

      test('a hook failing after COMMIT is never retried: the work is saved once', async () => {
        let calls = 0;
        const error = await Session.transaction(async (s) => {
          calls++;
          s.add(note(`saved-${calls}`));
          s.onCommit(() => {
            throw new SerializationError('from a hook');
          });
        }, { retry: 3 }).catch((e: unknown) => e);
        expect((error as Error).message).toBe('from a hook');
        expect(calls).toBe(1);
        expect(await notes()).toEqual(['saved-1']);
      });

      test('retry refuses a session holding unflushed changes made outside any transaction', async () => {
        await withSession(async (session) => {
          session.add(note('outside'));
          const error = await session.transaction(async () => undefined, { retry: 3 }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidStateError);
          expect((error as Error).message).toMatch(/unflushed changes.*make them inside the callback, or commit them first/);
        });
      });
    });

    describe('test-fixture mode', () => {
      test("sessions' commits become savepoint releases, onCommit runs at them, and the fixture's rollback leaves no rows", async () => {
        const fixture = await testTransaction(engine, { registry: md });
        const hooks: string[] = [];
        try {
          await fixture.Session.run(async (s) => {
            s.add(note('fixture-1'));
            s.onCommit(() => hooks.push('committed'));
          });
          expect(hooks).toEqual(['committed']);
          await fixture.Session.transaction(async (s) => {
            s.add(note('fixture-2'));
            await s.transaction(async (inner) => inner.add(note('fixture-new')), { propagation: 'requiresNew' });
          }, { retry: 3, isolationLevel: 'serializable' });
          const failed = await fixture.Session.transaction(async (s) => {
            s.add(note('fixture-undone'));
            await s.flush();
            throw new Error('app rolls back');
          }).catch((e: unknown) => e);
          expect((failed as Error).message).toBe('app rolls back');
          expect(await notes(fixture.connection)).toEqual(['fixture-1', 'fixture-2', 'fixture-new']);
          const seen = await fixture.Session().scalars(select(TxNote));
          expect(seen).toHaveLength(3);
          // Nothing is committed: another connection sees none of it.
          expect(await notes()).toEqual([]);
        } finally {
          await fixture.rollback();
        }
        expect(await notes()).toEqual([]);
        expect(engine.pool.status().checkedOut).toBe(0);
      });

      test('a failed flush in a fixture session rolls back only that session; the test goes on', async () => {
        const fixture = await testTransaction(engine, { registry: md });
        try {
          await fixture.Session.run((s) => s.add(note('dup')));
          const error = await fixture.Session.run((s) => s.add(note('dup'))).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(IntegrityError);
          await fixture.Session.run((s) => s.add(note('after-failure')));
          expect(await notes(fixture.connection)).toEqual(['after-failure', 'dup']);
        } finally {
          await fixture.rollback();
        }
        expect(await notes()).toEqual([]);
      });

      test('fixture sessions must nest: committing one while a later one is open is refused', async () => {
        const fixture = await testTransaction(engine, { registry: md });
        const first = fixture.Session();
        const second = fixture.Session();
        try {
          await first.scalars(select(TxNote));
          await second.scalars(select(TxNote));
          const error = await first.commit().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidStateError);
          expect((error as Error).message).toMatch(/another session joined to the same test transaction.*must nest/);
          await second.commit();
          first.add(note('in-order'));
          await first.commit();
          expect(await notes(fixture.connection)).toEqual(['in-order']);
        } finally {
          await second.close();
          await first.close();
          await fixture.rollback();
        }
        expect(await notes()).toEqual([]);
      });

      test('joinTransaction on a connection with no open transaction says how to open one', async () => {
        const connection = await engine.connect();
        try {
          const Joined = sessionMaker({ bind: engine, registry: md, joinTransaction: connection });
          await expect(Joined.run((s) => s.scalars(select(TxNote)))).rejects.toThrow(/no open transaction for the session to join.*connection\.begin\(\)/);
        } finally {
          await connection.close();
        }
      });
    });
  });
}

/*
 * The fault suite's workload: bank transfers between accounts, each one transaction that
 * locks both accounts, moves an amount and writes a ledger row, run by many request-scoped
 * sessions at once. The ledger makes the invariant checkable: every account's balance is
 * its opening balance plus what the ledger says, money in total never changes, and every
 * transfer a client saw commit is in the ledger.
 */
import { randomUUID } from 'node:crypto';
import { Column, Entity, MetaData, PrimaryColumn, scopedSession, select, sql, StrataError, type Engine, type SessionFactory } from '@strata/core';
import { Tally } from './fault-report';

@Entity('fault_account')
export class FaultAccount {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) balance!: number;
}

@Entity('fault_transfer')
export class FaultTransfer {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'integer' }) fromId!: number;
  @Column({ type: 'integer' }) toId!: number;
  @Column({ type: 'integer' }) amount!: number;
}

/** The workload's tables. */
export const bankMetadata = new MetaData([FaultAccount, FaultTransfer]);

/** Accounts and their opening balance. */
export const ACCOUNTS = 20;
export const OPENING = 10_000;

/** Drops and creates the tables, and opens the accounts. */
export async function openBank(engine: Engine): Promise<void> {
  await bankMetadata.dropAll(engine, { checkFirst: true });
  await bankMetadata.createAll(engine);
  for (let id = 1; id <= ACCOUNTS; id++) await engine.execute(sql`INSERT INTO fault_account (id, balance) VALUES (${id}, ${OPENING})`);
}

/** What a run of the workload saw from the client side. */
export interface BankRun {
  /** Transfers the client saw commit. */
  readonly committed: Set<string>;
  readonly attempts: number;
  /** Failed attempts by error class. */
  readonly errors: Tally;
  /** Errors that are not StrataErrors with a message: each one is a defect. */
  readonly unexpected: unknown[];
  /** When each commit returned (performance.now()). */
  readonly commitTimes: number[];
}

/** A workload running in the background. */
export interface BankLoad {
  /** What it has seen so far (live). */
  readonly run: BankRun;
  /** Asks the workers to finish their current transfer and resolves with the run. */
  stop(): Promise<BankRun>;
}

/** Starts `workers` concurrent request scopes doing transfers, until `stop()`. */
export function startBank(Session: SessionFactory, workers: number): BankLoad {
  const db = scopedSession(Session);
  const run: BankRun = { committed: new Set(), attempts: 0, errors: new Tally(), unexpected: [], commitTimes: [] };
  let stopping = false;
  const worker = async (): Promise<void> => {
    while (!stopping) {
      const from = 1 + Math.floor(Math.random() * ACCOUNTS);
      const to = 1 + ((from + Math.floor(Math.random() * (ACCOUNTS - 1))) % ACCOUNTS);
      const amount = 1 + Math.floor(Math.random() * 50);
      const id = randomUUID();
      (run as { attempts: number }).attempts++;
      try {
        await db.run(() =>
          db.current().transaction(
            async (s) => {
              // Both rows locked in key order, so two transfers never wait on each other crosswise.
              const rows = await s.scalars(select(FaultAccount).where((a) => a.id.in([Math.min(from, to), Math.max(from, to)])).orderBy((a) => a.id).forUpdate());
              const source = rows.find((a) => a.id === from)!;
              const target = rows.find((a) => a.id === to)!;
              source.balance -= amount;
              target.balance += amount;
              const transfer = new FaultTransfer();
              transfer.id = id;
              transfer.fromId = from;
              transfer.toId = to;
              transfer.amount = amount;
              s.add(transfer);
            },
            { retry: 3 },
          ),
        );
        run.committed.add(id);
        run.commitTimes.push(performance.now());
      } catch (error) {
        if (error instanceof StrataError && error.message.length > 0) run.errors.add(error.constructor.name);
        else run.unexpected.push(error);
        // A client answered with an error tries again a moment later, as a user or a retrying caller would.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    run,
    async stop() {
      stopping = true;
      await done;
      return run;
    },
  };
}

/** What the database holds after a run, checked against what the clients saw. */
export interface BankCheck {
  readonly total: number;
  /** Accounts whose balance is not opening + ledger. */
  readonly inconsistent: number;
  /** Transfers a client saw commit that are not in the ledger: rows lost. */
  readonly lost: number;
  /** Transfers in the ledger the client saw fail (their COMMIT's answer was lost with the connection). */
  readonly committedUnseen: number;
  readonly ledger: number;
}

/** Reads balances and ledger and checks the invariant. */
export async function checkBank(engine: Engine, run: BankRun): Promise<BankCheck> {
  const balances = (await engine.execute<{ id: number; balance: number }>('SELECT id, balance FROM fault_account')).rows;
  const ledger = (await engine.execute<{ id: string; from_id: number; to_id: number; amount: number }>('SELECT id, from_id, to_id, amount FROM fault_transfer')).rows;
  const expected = new Map<number, number>();
  for (let id = 1; id <= ACCOUNTS; id++) expected.set(id, OPENING);
  const ids = new Set<string>();
  for (const row of ledger) {
    ids.add(String(row.id).toLowerCase());
    expected.set(Number(row.from_id), expected.get(Number(row.from_id))! - Number(row.amount));
    expected.set(Number(row.to_id), expected.get(Number(row.to_id))! + Number(row.amount));
  }
  let total = 0;
  let inconsistent = 0;
  for (const row of balances) {
    total += Number(row.balance);
    if (expected.get(Number(row.id)) !== Number(row.balance)) inconsistent++;
  }
  let lost = 0;
  for (const id of run.committed) if (!ids.has(id)) lost++;
  return { total, inconsistent, lost, committedUnseen: ids.size - (run.committed.size - lost), ledger: ids.size };
}

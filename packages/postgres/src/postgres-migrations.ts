/*
 * How `strata` migrates PostgreSQL: one process at a time through a session-level
 * advisory lock, and the notes autogenerate writes for changes that rewrite a table or
 * hold an ACCESS EXCLUSIVE lock on it.
 */
import { MigrationError, sql, type Connection } from '@strata/core';
import { narrowsType, type ChangeNote, type MigrationHooks, type SchemaChange } from '@strata/core/dialect';

/** A fixed advisory-lock key for "strata migrations" (other tools choose other keys); advisory locks belong to one database, so each database has its own. */
const LOCK_KEY = 727_146_522;

/** PostgreSQL's migration hooks. */
export class PostgresMigrations implements MigrationHooks {
  readonly #pgbouncer: boolean;

  /** `pgbouncer`: the URL goes through PgBouncer in transaction pooling, where the lock cannot be held. */
  constructor(options: { pgbouncer: boolean }) {
    this.#pgbouncer = options.pgbouncer;
  }

  async tryLock(conn: Connection): Promise<boolean> {
    if (this.#pgbouncer) {
      // A session-level advisory lock through transaction pooling lands on whichever server
      // connection PgBouncer picks, and may never be released.
      throw new MigrationError(
        'The URL goes through PgBouncer (pgbouncer=true): the migration lock is a session-level advisory lock, which transaction pooling cannot hold. ' +
          'Migrate against PostgreSQL directly (DATABASE_URL=postgresql://...@server:5432/db), or pass --no-lock when deploys never migrate at once.',
      );
    }
    return (await conn.execute(sql`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`)).scalar() === true;
  }

  async unlock(conn: Connection): Promise<void> {
    await conn.execute(sql`SELECT pg_advisory_unlock(${LOCK_KEY})`);
  }

  changeNotes(change: SchemaChange): readonly ChangeNote[] {
    switch (change.kind) {
      case 'dropEnum':
        return [{ warning: true, text: `drops enum type ${change.enum.name}` }];
      case 'alterColumn': {
        const { from, to, table } = change;
        const notes: ChangeNote[] = [];
        if (from.type.name !== to.type.name || narrowsType(from.type, to.type)) {
          notes.push({ warning: true, text: `rewrites table ${table} under an ACCESS EXCLUSIVE lock (ALTER COLUMN TYPE); for a big table add a new column, backfill it and swap` });
        }
        if (from.nullable && !to.nullable) notes.push({ warning: true, text: `scans ${table} under an ACCESS EXCLUSIVE lock to check NOT NULL; fails if ${to.name} holds NULLs` });
        return notes;
      }
      case 'createIndex':
        return [{ warning: false, text: `Blocks writes to ${change.table} while it builds; { concurrently: true } avoids that (it then runs outside the transaction).` }];
      default:
        return [];
    }
  }
}

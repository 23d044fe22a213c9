/*
 * How `strata` migrates MySQL and MariaDB: one process at a time through a named
 * GET_LOCK, and the notes autogenerate writes for column changes that copy the table.
 */
import { sql, type ChangeNote, type Connection, type MigrationHooks, type SchemaChange } from '@strata/core';

/** The name of the lock every strata process takes on the server while it migrates. */
const LOCK_NAME = 'strata_migrations';

/** MySQL's and MariaDB's migration hooks. */
export class MysqlMigrations implements MigrationHooks {
  async tryLock(conn: Connection): Promise<boolean> {
    return Number((await conn.execute(sql`SELECT GET_LOCK(${LOCK_NAME}, 0) AS ok`)).scalar()) === 1;
  }

  async unlock(conn: Connection): Promise<void> {
    await conn.execute(sql`SELECT RELEASE_LOCK(${LOCK_NAME})`);
  }

  changeNotes(change: SchemaChange): readonly ChangeNote[] {
    if (change.kind !== 'alterColumn') return [];
    const { from, to, table } = change;
    const notes: ChangeNote[] = [];
    if (from.type.name !== to.type.name) {
      notes.push({ warning: true, text: `copies table ${table} (a type change cannot use ALGORITHM=INSTANT or INPLACE); for a big table use an online schema-change tool` });
    } else if (JSON.stringify(from.type) !== JSON.stringify(to.type)) {
      notes.push({ warning: true, text: `may copy table ${table} (MODIFY COLUMN); pass { algorithm: 'INPLACE', lock: 'NONE' } where the server allows it` });
    }
    if (from.nullable && !to.nullable) notes.push({ warning: true, text: `copies table ${table} to make ${to.name} NOT NULL; fails if it holds NULLs` });
    return notes;
  }
}

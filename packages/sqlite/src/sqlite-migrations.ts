/*
 * How `strata` migrates SQLite: the whole run is one write transaction, which is also the
 * lock (a second process waits at BEGIN for as long as busy_timeout allows), each revision a
 * savepoint in it. Foreign keys are off while a rebuild drops and re-creates tables, and
 * checked before each revision commits. Most ALTERs rebuild the table, which the notes say.
 */
import { MigrationError, type Connection } from '@strata/core';
import { type ChangeNote, type MigrationHooks, type SchemaChange } from '@strata/core/dialect';

/** SQLite's migration hooks. */
export class SqliteMigrations implements MigrationHooks {
  async beginRun(conn: Connection): Promise<void> {
    // PRAGMA foreign_keys does nothing inside a transaction, so it goes first.
    await conn.execute('PRAGMA foreign_keys = OFF');
    await conn.begin();
  }

  async endRun(conn: Connection, failed: boolean): Promise<void> {
    try {
      if (!failed) await conn.commit();
      // Earlier revisions stay applied; the failed one was rolled back to its savepoint.
      else if (conn.inTransaction) await conn.commit().catch(() => conn.rollback().catch(() => undefined));
    } finally {
      await conn.execute('PRAGMA foreign_keys = ON').catch(() => undefined);
    }
  }

  /** The run's write transaction is the lock: nothing else to take. */
  async tryLock(): Promise<boolean> {
    return true;
  }

  async unlock(): Promise<void> {}

  /** A script switches foreign keys off as a run does: a rebuild drops tables others reference. */
  scriptPrologue(): readonly string[] {
    return ['PRAGMA foreign_keys = OFF'];
  }

  scriptEpilogue(): readonly string[] {
    return ['PRAGMA foreign_keys = ON'];
  }

  async checkRevision(conn: Connection, revision: string): Promise<void> {
    const rows = (await conn.execute('PRAGMA foreign_key_check')).rows;
    if (rows.length > 0) {
      const first = rows[0] as Record<string, unknown>;
      throw new MigrationError(`Revision ${revision} leaves ${rows.length} row(s) breaking foreign keys (first: table ${String(first.table)}, rowid ${String(first.rowid)}).`);
    }
  }

  changeNotes(change: SchemaChange): readonly ChangeNote[] {
    switch (change.kind) {
      case 'dropColumn':
        return [{ warning: false, text: `rebuilds table ${change.table}, copying its rows` }];
      case 'addColumn': {
        const { column } = change;
        // As the addColumn operation decides: ALTER TABLE ADD COLUMN takes a nullable column or one with a literal default.
        const inPlace = column.nullable || column.default?.kind === 'literal';
        return inPlace ? [] : [{ warning: true, text: `rebuilds table ${change.table} (SQLite cannot add this column in place), copying its rows` }];
      }
      case 'alterColumn':
        return [{ warning: true, text: `rebuilds table ${change.table} (SQLite cannot ALTER a column), copying its rows` }];
      case 'addForeignKey':
      case 'dropForeignKey':
      case 'addUnique':
      case 'dropUnique':
      case 'addCheck':
      case 'dropCheck':
        return [{ warning: false, text: `rebuilds table ${change.table} (SQLite cannot ALTER constraints), copying its rows` }];
      default:
        return [];
    }
  }
}

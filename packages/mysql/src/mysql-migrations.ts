/*
 * How `strata` migrates MySQL and MariaDB: one process at a time per database through a
 * named GET_LOCK, and the notes autogenerate writes for column changes that copy the table.
 */
import { createHash } from 'node:crypto';
import { type Connection, sql } from '@strata/core';
import { catalogText, type ChangeNote, type MigrationHooks, type SchemaChange } from '@strata/core/dialect';

/** What every strata migration lock's name starts with. */
const LOCK_PREFIX = 'strata_migrations:';
/** GET_LOCK refuses longer names (MySQL 5.7 and later). */
const LOCK_NAME_LIMIT = 64;

/**
 * The GET_LOCK name strata takes while it migrates `database`. GET_LOCK names are
 * server-wide, so the name carries the database's: migrations of other databases on the
 * server do not wait for it. A name past 64 characters becomes a hash of the database
 * name, the same in every process.
 * @example
 * migrationLockName('shop') // 'strata_migrations:shop'
 */
export function migrationLockName(database: string): string {
  const name = `${LOCK_PREFIX}${database}`;
  if (name.length <= LOCK_NAME_LIMIT) return name;
  return `${LOCK_PREFIX}${createHash('sha256').update(database, 'utf8').digest('hex').slice(0, LOCK_NAME_LIMIT - LOCK_PREFIX.length)}`;
}

/** MySQL's and MariaDB's migration hooks. */
export class MysqlMigrations implements MigrationHooks {
  /** The name each connection locked, released as it was taken even if a revision switched databases (USE). */
  readonly #held = new WeakMap<Connection, string>();

  async tryLock(conn: Connection): Promise<boolean> {
    const name = this.#held.get(conn) ?? (await lockNameOf(conn));
    const taken = Number((await conn.execute(sql`SELECT GET_LOCK(${name}, 0) AS ok`)).scalar()) === 1;
    if (taken) this.#held.set(conn, name);
    return taken;
  }

  async unlock(conn: Connection): Promise<void> {
    const name = this.#held.get(conn) ?? (await lockNameOf(conn));
    this.#held.delete(conn);
    await conn.execute(sql`SELECT RELEASE_LOCK(${name})`);
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

/** The lock name for the connection's database (the one in the URL). */
async function lockNameOf(conn: Connection): Promise<string> {
  const database = (await conn.execute(sql`SELECT DATABASE() AS db`)).scalar();
  return migrationLockName(catalogText(database));
}

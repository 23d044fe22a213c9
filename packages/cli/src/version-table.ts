/*
 * The table in which a database records the revisions it has: its model (created by the
 * first run) and the statements that read and write its rows. Both migration targets use
 * these statements, a live run binding their values and a script writing them as literals,
 * so a script records revisions exactly as a live run does.
 */
import { sql, type Connection, type SchemaTable, type SqlFragment } from '@strata/core';
import { queryOn } from '@strata/core/dialect';
import type { Revision } from './revisions';

/** What the version table says about one revision. */
export interface AppliedRevision {
  readonly id: string;
  readonly state: 'applied' | 'partial';
  readonly steps: number;
}

/** The columns of a row, in the order INSERT lists them. */
const COLUMNS = ['revision', 'parents', 'message', 'state', 'steps_done', 'applied_at'] as const;

/**
 * One database's version table, by name.
 * @example
 * const versions = new VersionTable('strata_version');
 * if (await versions.exists(conn)) console.log(await versions.read(conn));
 */
export class VersionTable {
  /** The table's name, from strata.config.ts (`versionTable`). */
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  /** True when the connection's database has the table. */
  async exists(conn: Connection): Promise<boolean> {
    const schema = await conn.dialect.introspect(queryOn(conn), { tables: [this.name] });
    return schema.tables.some((t) => t.name === this.name);
  }

  /** The revisions the table lists. */
  async read(conn: Connection): Promise<AppliedRevision[]> {
    const rows = (await conn.execute(sql`SELECT ${sql.id('revision')} AS id, ${sql.id('state')} AS state, ${sql.id('steps_done')} AS steps FROM ${sql.id(this.name)}`)).rows as Record<string, unknown>[];
    return rows.map((r) => ({ id: String(r.id), state: r.state === 'partial' ? 'partial' : 'applied', steps: Number(r.steps) }));
  }

  /** The row that records `revision` in `state`, `steps` of its steps done, stamped now. */
  insert(revision: Revision, state: AppliedRevision['state'], steps: number): SqlFragment {
    const values = [revision.id, revision.parents.join(' '), revision.message.slice(0, 500), state, steps, new Date().toISOString()];
    return sql`INSERT INTO ${sql.id(this.name)} (${sql.join(COLUMNS.map((c) => sql.id(c)))}) VALUES (${sql.join(values)})`;
  }

  /** Deletes the row of `revision`. */
  delete(revision: Revision): SqlFragment {
    return sql`DELETE FROM ${sql.id(this.name)} WHERE ${sql.id('revision')} = ${revision.id}`;
  }

  /** Deletes every row (stamp rewrites the table whole). */
  clear(): SqlFragment {
    return sql`DELETE FROM ${sql.id(this.name)}`;
  }

  /** The table's model, from which the dialect's DDL compiler writes its CREATE TABLE. */
  model(): SchemaTable {
    const text = (name: string, length: number, nullable = false) => ({ name, type: { name: 'varchar' as const, length }, nullable, default: undefined, autoIncrement: false, comment: undefined });
    return {
      name: this.name,
      comment: undefined,
      columns: [
        text('revision', 64),
        text('parents', 500),
        text('message', 500, true),
        text('state', 16),
        { name: 'steps_done', type: { name: 'integer' }, nullable: false, default: { kind: 'literal', value: 0 }, autoIncrement: false, comment: undefined },
        text('applied_at', 40),
      ],
      primaryKey: { name: `pk_${this.name}`, columns: ['revision'] },
      foreignKeys: [],
      indexes: [],
      uniques: [],
      checks: [],
    };
  }
}

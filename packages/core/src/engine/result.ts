/*
 * The result of one statement on a Connection: rows for queries, a row count for writes,
 * and the generated id where the driver reports one.
 */
import type { DriverResult } from './dialect';

/** A row as the driver returns it: column name to value. */
export type Row = Record<string, unknown>;

/** What a statement returned. */
export class Result<R = Row> {
  /** Rows of a query (or of RETURNING). */
  readonly rows: R[];
  /** Rows returned by a query, or rows matched by INSERT / UPDATE / DELETE. */
  readonly rowCount: number;
  /** The generated id of the (first) inserted row, where the driver reports one (MySQL, SQLite). */
  readonly insertId: number | bigint | undefined;
  /** The server's command tag, where the driver reports one (PostgreSQL). */
  readonly command: string | undefined;

  constructor(raw: DriverResult) {
    this.rows = raw.rows as R[];
    this.rowCount = raw.rowCount;
    this.insertId = raw.insertId;
    this.command = raw.command;
  }

  /** The first row, or undefined. */
  first(): R | undefined {
    return this.rows[0];
  }

  /** The first column of the first row, or undefined when there is no row. */
  scalar(): unknown {
    const row = this.rows[0];
    if (row === undefined) return undefined;
    for (const key in row) return (row as Row)[key];
    return undefined;
  }
}

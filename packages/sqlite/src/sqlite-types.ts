/*
 * SQLite value conversions. better-sqlite3 binds bigints exactly and reads BIGINT columns
 * as bigints (SqliteConnection turns safe integers on for them); booleans are 1 / 0;
 * numeric, json, uuid, dates and times are TEXT, timestamptz as ISO-8601 UTC.
 */
import { BaseDialectTypes } from '@strata/core/dialect';

/** The SQLite dialect's codecs. */
export class SqliteTypes extends BaseDialectTypes {
  protected override booleanToDriver(value: boolean): unknown {
    return value ? 1 : 0;
  }

  /** A JavaScript bigint binds as a 64-bit integer, exactly. */
  protected override bigintToDriver(value: bigint): unknown {
    return value;
  }
}

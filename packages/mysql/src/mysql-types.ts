/*
 * MySQL and MariaDB value conversions. The dialect's session runs in UTC with dates as
 * strings, BIGINT / DECIMAL as strings and JSON as text (jsonStrings), so MySQL 8's JSON
 * type and MariaDB's LONGTEXT alias read the same way; booleans are tinyint(1) 1 / 0.
 */
import { BaseDialectTypes, formatUtcDateTime, shortestFloat32, type ColumnMetadata } from '@strata/core';

/** The MySQL / MariaDB dialect's codecs. */
export class MysqlTypes extends BaseDialectTypes {
  protected override booleanToDriver(value: boolean): unknown {
    return value ? 1 : 0;
  }

  /** DATETIME has no zone: the UTC wall time 'YYYY-MM-DD HH:MM:SS.fff', read back as UTC. */
  protected override timestamptzToDriver(value: Date): unknown {
    return formatUtcDateTime(value, ' ');
  }

  /** The binary protocol widens FLOAT to a double (1.1 arrives as 1.100000023841858); take the float's shortest decimal. */
  protected override floatFromDriver(column: ColumnMetadata, raw: unknown, single: boolean): number {
    const value = super.floatFromDriver(column, raw, single);
    return single ? shortestFloat32(value) : value;
  }
}

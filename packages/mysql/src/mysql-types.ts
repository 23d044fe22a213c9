/*
 * MySQL and MariaDB value conversions. The dialect's session runs in UTC with dates as
 * strings, BIGINT / DECIMAL as strings and JSON as text (jsonStrings), so MySQL 8's JSON
 * type and MariaDB's LONGTEXT alias read the same way; booleans are tinyint(1) 1 / 0.
 */
import { BaseDialectTypes, formatUtcDateTime, type NumericLimits } from '@strata/core';
import { WIDEST_DECIMAL } from './mysql-ddl';

/** The MySQL / MariaDB dialect's codecs. */
export class MysqlTypes extends BaseDialectTypes {
  protected override booleanToDriver(value: boolean): unknown {
    return value ? 1 : 0;
  }

  /** DATETIME has no zone: the UTC wall time 'YYYY-MM-DD HH:MM:SS.fff', read back as UTC. */
  protected override timestamptzToDriver(value: Date): unknown {
    return formatUtcDateTime(value, ' ');
  }

  /** A numeric without precision is DECIMAL(65,30) (MysqlDdl), which would round or refuse anything wider. */
  protected override unconstrainedNumeric(): NumericLimits {
    return WIDEST_DECIMAL;
  }
}

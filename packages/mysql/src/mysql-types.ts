/*
 * MySQL and MariaDB value conversions. The dialect's session runs in UTC with dates as
 * strings, BIGINT / DECIMAL as strings and JSON as text (jsonStrings), so MySQL 8's JSON
 * type and MariaDB's LONGTEXT alias read the same way; booleans are tinyint(1) 1 / 0.
 */
import { type ColumnMetadata } from '@strata/core';
import { BaseDialectTypes, formatUtcDateTime, invalidValue, type NumericLimits } from '@strata/core/dialect';
import { WIDEST_DECIMAL } from './mysql-ddl';

/** The deepest JSON each server stores (JSON_DEPTH: a scalar is 1): MySQL's JSON type and MariaDB's JSON_VALID check. */
const JSON_DEPTH = { MySQL: 100, MariaDB: 32 } as const;

/** The MySQL / MariaDB dialect's codecs. */
export class MysqlTypes extends BaseDialectTypes {
  #server: keyof typeof JSON_DEPTH = 'MariaDB';

  /** Tells the codecs which server they write for (the dialect calls it once it knows); until then the stricter limits hold. */
  useServer(product: string): void {
    this.#server = product === 'MySQL' ? 'MySQL' : 'MariaDB';
  }

  /** JSON nested deeper than the server stores is refused here, naming the column, rather than left to a CHECK or a server error. */
  protected override jsonToDriver(column: ColumnMetadata, text: string): unknown {
    const limit = JSON_DEPTH[this.#server];
    if (jsonDepth(text, limit) > limit) {
      throw invalidValue(column, text, `${this.#server} stores JSON nested at most ${limit} levels deep (JSON_DEPTH, a scalar counting 1); flatten the value or store it in a text column`);
    }
    return text;
  }

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

/**
 * The JSON_DEPTH of a JSON text (a scalar or an empty container is 1, a container one more
 * than its deepest member), read without parsing; it stops counting past `limit`.
 */
function jsonDepth(text: string, limit: number): number {
  let level = 0;
  let deepest = 0;
  let empty = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string (a key or a value): skip it, escapes included.
      if (level + 1 > deepest) deepest = level + 1;
      empty = false;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 91 || c === 123) {
      level++;
      empty = true;
      if (level > limit) return level;
    } else if (c === 93 || c === 125) {
      if (empty && level > deepest) deepest = level;
      empty = false;
      level--;
    } else if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 44 && c !== 58) {
      if (level + 1 > deepest) deepest = level + 1;
      empty = false;
    }
  }
  return deepest;
}

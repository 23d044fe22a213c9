/*
 * PostgreSQL value conversions: pg binds booleans, Buffers and texts natively, returns
 * json / jsonb parsed, int8, numeric and (set up by the dialect) date/time values as text.
 * Strings and JSON holding NUL, which PostgreSQL text cannot store, are refused here.
 */
import { type ColumnMetadata } from '@strata/core';
import { BaseDialectTypes, invalidValue } from '@strata/core/dialect';

/** A `\u0000` escape in JSON text (not an escaped backslash before 'u'): how JSON.stringify writes NUL. */
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/;
const NO_NUL = 'PostgreSQL text cannot hold the NUL character (U+0000); remove it, or keep such data in a bytes column';

/** The PostgreSQL dialect's codecs. */
export class PostgresTypes extends BaseDialectTypes {
  /** A varchar, text or enum string with NUL is refused, naming the column, rather than left for the server's DataError. */
  protected override stringToDriver(column: ColumnMetadata, value: string): unknown {
    if (value.includes('\u0000')) throw invalidValue(column, value, NO_NUL);
    return value;
  }

  /** json and jsonb refuse "\u0000" in a string or key: refused here, naming the column. */
  protected override jsonToDriver(column: ColumnMetadata, text: string): unknown {
    if (text.includes('\\u0000') && JSON_NUL.test(text)) throw invalidValue(column, text, `the JSON holds "\\u0000": ${NO_NUL}`);
    return text;
  }

  /** pg has parsed json and jsonb already; parsing again would misread a JSON string value. */
  protected override jsonFromDriver(_column: ColumnMetadata, raw: unknown): unknown {
    return raw;
  }
}

/*
 * PostgreSQL value conversions: pg binds booleans, Buffers and texts natively, returns
 * json / jsonb already parsed, int8 and numeric as text, and (set up by the dialect)
 * date/time values as the server's text. Only json reading differs from the base.
 */
import { BaseDialectTypes, type ColumnMetadata } from '@strata/core';

/** The PostgreSQL dialect's codecs. */
export class PostgresTypes extends BaseDialectTypes {
  /** pg has parsed json and jsonb already; parsing again would misread a JSON string value. */
  protected override jsonFromDriver(_column: ColumnMetadata, raw: unknown): unknown {
    return raw;
  }
}

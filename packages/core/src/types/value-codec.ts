/*
 * The unit of value conversion: one codec per column turns an application value into
 * what the driver binds, and a raw driver value back. Dialects build them through
 * DialectTypes (dialect-types.ts); the session and loaders run them per row.
 */

/**
 * Converts one column's values between the application and the database driver.
 *
 * `null` passes through both ways. `toDriver(undefined)` returns `undefined`: what a
 * missing value means (skip the column, apply a default, refuse) is the caller's decision.
 * @example
 * const codec = engine.dialect.types.codec(registry.entity(User).column('createdAt')!);
 * await engine.execute(sql`UPDATE users SET created_at = ${codec.toDriver(new Date())} WHERE id = ${1}`);
 * const createdAt = codec.fromDriver(row.created_at) as Date;
 */
export interface ValueCodec {
  /** Validates an application value and converts it to what the driver binds; throws `ValidationError`. */
  toDriver(value: unknown): unknown;
  /** Converts a value the driver returned into the application value. */
  fromDriver(value: unknown): unknown;
  /**
   * The JavaScript type (`typeof`) of driver values that `fromDriver` returns unchanged, when
   * there is one: row mappers skip the call for them. Undefined: always call `fromDriver`.
   */
  readonly passes?: 'string' | 'number' | 'boolean';
}

/*
 * PostgreSQL's overrides of the compiler base: numbered placeholders. Quoting with
 * double quotes is the base default.
 */
import { SqlCompiler } from '@strata/core';

/** Compiles SQL for PostgreSQL: `$1, $2, ...` placeholders. */
export class PostgresCompiler extends SqlCompiler {
  override placeholder(index: number): string {
    return `$${index}`;
  }
}

/*
 * MySQL's and MariaDB's overrides of the compiler base: backtick-quoted identifiers.
 * `?` placeholders are the base default.
 */
import { SqlCompiler, checkIdentifier } from '@strata/core';

/** Compiles SQL for MySQL and MariaDB: backtick quoting, `?` placeholders. */
export class MysqlCompiler extends SqlCompiler {
  override quoteIdentifier(name: string): string {
    return `\`${checkIdentifier(name).replace(/`/g, '``')}\``;
  }
}

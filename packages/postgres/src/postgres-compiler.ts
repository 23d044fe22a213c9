/*
 * PostgreSQL's overrides of the compiler base: numbered placeholders and native ILIKE.
 * Double-quoted identifiers, NULLS FIRST / LAST, ON CONFLICT, RETURNING and FOR UPDATE
 * in all its forms are the base defaults.
 */
import { QueryCompiler, type QueryBuffer } from '@strata/core';

/** Compiles SQL for PostgreSQL: `$1, $2, ...` placeholders, ILIKE. */
export class PostgresCompiler extends QueryCompiler {
  override get dialectLabel(): string {
    return 'PostgreSQL';
  }

  override placeholder(index: number): string {
    return `$${index}`;
  }

  override appendCaseInsensitiveLike(b: QueryBuffer, item: () => void, pattern: () => void, negated: boolean): void {
    item();
    b.text += negated ? ' NOT ILIKE ' : ' ILIKE ';
    pattern();
  }
}

/*
 * PostgreSQL's overrides of the compiler base: numbered placeholders, native ILIKE, typed
 * first rows in a VALUES list and first CASE results, and typed arrays for IN lists (`= ANY($1::integer[])`).
 * Double-quoted identifiers, NULLS FIRST / LAST, ON CONFLICT, RETURNING and FOR UPDATE in
 * all its forms are the base defaults.
 */
import { type ColumnMetadata } from '@strata/core';
import { QueryCompiler, type ExprNode, type QueryBuffer } from '@strata/core/dialect';
import { postgresBaseTypeName, postgresTypeName } from './postgres-type-name';

/** Compiles SQL for PostgreSQL: `$1, $2, ...` placeholders, ILIKE, IN lists as one typed array. */
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

  /**
   * An IN list's array is typed by its column (`$1::integer[]`, `$1::"mood"[]` for an enum);
   * without a column the server infers it from the other side of `= ANY`.
   */
  override arrayCast(column: ColumnMetadata | undefined): string {
    return column ? `::${postgresBaseTypeName(column.type, (name) => this.quoteIdentifier(name))}[]` : '';
  }

  /** PostgreSQL types a VALUES column by its first row: untyped parameters there would make it text. */
  override appendValuesCell(b: QueryBuffer, cell: ExprNode, column: ColumnMetadata, row: number): void {
    if (row > 0) return super.appendValuesCell(b, cell, column, row);
    this.appendTypedValue(b, cell, column);
  }

  /** PostgreSQL reads an untyped parameter whose context names no type (a CASE result) as text: cast it to the column's type. */
  override appendTypedValue(b: QueryBuffer, value: ExprNode, column: ColumnMetadata): void {
    b.text += 'CAST(';
    super.appendTypedValue(b, value, column);
    b.text += ` AS ${postgresTypeName(column.type, (name) => this.quoteIdentifier(name))})`;
  }
}

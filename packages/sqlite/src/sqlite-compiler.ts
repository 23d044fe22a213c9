/*
 * SQLite's overrides of the compiler base: `LIMIT -1` before a lone OFFSET, no DEFAULT in
 * multi-row VALUES, UNION members wrapped as subqueries, and FOR UPDATE as a no-op (a
 * write transaction holds the whole database's lock).
 */
import { ArgumentError, ValidationError, type ColumnMetadata } from '@strata/core';
import { QueryCompiler, columnLabel, type ExprNode, type LockNode, type QueryBuffer, type QueryNode, type ValuesSource } from '@strata/core/dialect';

/** Compiles SQL for SQLite: `?` placeholders, double-quoted identifiers. */
export class SqliteCompiler extends QueryCompiler {
  override get dialectLabel(): string {
    return 'SQLite';
  }

  override unboundedLimit(): string {
    return '-1';
  }

  /**
   * Adds nothing. SQLite locks the database, not rows: a transaction begun for writing
   * (BEGIN IMMEDIATE, the dialect's default) already excludes every other writer, which is
   * what FOR UPDATE asks for; SKIP LOCKED and NOWAIT have no rows to apply to.
   */
  override appendLock(_b: QueryBuffer, _lock: LockNode): void {}

  /**
   * SQLite's LIKE reads a pattern only up to its first NUL character, so `'\u0000x%'` would
   * match every value starting with NUL: such a pattern is refused instead of answering
   * wrongly.
   */
  override checkLikePattern(item: ExprNode, pattern: ExprNode): void {
    if (pattern.kind !== 'param' || typeof pattern.value !== 'string' || !pattern.value.includes('\u0000')) return;
    const column = item.kind === 'column' || item.kind === 'func' ? item.column : undefined;
    const subject = column ? `The LIKE pattern for ${columnLabel(column)}` : 'A LIKE pattern';
    throw new ValidationError(
      `${subject} contains a NUL character, and SQLite stops reading a LIKE pattern at NUL, so it would match other rows than asked for. ` +
        'Remove the NUL, or compare with eq() or a sql`instr(...)` fragment.',
      column ? { entity: column.entityName, column: column.propertyName ?? column.columnName } : {},
    );
  }

  override defaultKeyword(column: ColumnMetadata): string {
    throw new ArgumentError(
      `SQLite has no DEFAULT in a multi-row VALUES list, and a row leaves ${column.entityName}.${column.propertyName ?? column.columnName} out; give every row the same properties, or insert that row on its own.`,
    );
  }

  /** SQLite refuses parentheses around UNION members; a member with its own ORDER BY / LIMIT becomes a subquery. */
  override appendCompoundMember(b: QueryBuffer, member: QueryNode, needsOwnClauses: boolean): void {
    if (!needsOwnClauses) return this.appendQuery(b, member);
    b.text += 'SELECT * FROM (';
    this.appendQuery(b, member);
    b.text += ')';
  }

  /** SQLite names the columns of a VALUES list column1, column2, ...: a SELECT gives them the source's names. */
  override appendValuesSource(b: QueryBuffer, source: ValuesSource): void {
    b.text += `(SELECT ${source.names.map((name, i) => `column${i + 1} AS ${this.quoteIdentifier(name)}`).join(', ')} FROM (`;
    this.appendValuesRows(b, source);
    b.text += `)) AS ${this.quoteIdentifier(source.alias)}`;
  }
}

/*
 * MySQL's and MariaDB's overrides of the compiler base: backtick-quoted identifiers, a
 * LIMIT before every OFFSET, ON DUPLICATE KEY UPDATE for upserts, and LENGTH counted in
 * characters. `?` placeholders are the base default.
 */
import { type EntityMetadata } from '@strata/core';
import { QueryCompiler, checkIdentifier, type ConflictNode, type InsertNode, type QueryBuffer } from '@strata/core/dialect';

/** The largest LIMIT MySQL accepts: its documented way to say "all rows" before an OFFSET. */
const ALL_ROWS = '18446744073709551615';

/** Compiles SQL for MySQL and MariaDB. */
export class MysqlCompiler extends QueryCompiler {
  override get dialectLabel(): string {
    return 'MySQL / MariaDB';
  }

  override quoteIdentifier(name: string): string {
    return `\`${checkIdentifier(name).replace(/`/g, '``')}\``;
  }

  override functionName(name: string): string {
    // LENGTH counts bytes here; CHAR_LENGTH counts characters, as LENGTH does elsewhere.
    return name.toLowerCase() === 'length' ? 'CHAR_LENGTH' : name;
  }

  override unboundedLimit(): string {
    return ALL_ROWS;
  }

  /** The conflicting key is whichever unique key the row hit; `target` is not part of the syntax. */
  override appendUpsert(b: QueryBuffer, insert: InsertNode, conflict: ConflictNode): void {
    b.text += ' ON DUPLICATE KEY UPDATE ';
    if (conflict.set) return this.appendAssignments(b, conflict.set);
    // DO NOTHING: assign a key column to itself, so the existing row stays as it is.
    const key = this.quoteIdentifier(insert.source.entity.primaryKey[0]!.columnName);
    b.text += `${key} = ${key}`;
  }

  override excludedColumn(name: string): string {
    return `VALUES(${this.quoteIdentifier(name)})`;
  }

  /** A backslash is itself an escape in MySQL string literals. */
  override likeEscapeLiteral(escape: string): string {
    return escape === '\\' ? "'\\\\'" : `'${escape}'`;
  }

  override defaultValuesClause(): string {
    return ' () VALUES ()';
  }

  override defaultRowsClause(_entity: EntityMetadata, count: number): string {
    return ` () VALUES ${Array.from({ length: count }, () => '()').join(', ')}`;
  }
}

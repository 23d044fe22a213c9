/*
 * Compiles INSERT, UPDATE and DELETE nodes. The structure is shared; the dialect's hooks
 * decide DEFAULT cells, empty inserts, the upsert clause and RETURNING (refused where the
 * server lacks it).
 */
import { ArgumentError, NotSupportedError } from '../errors/errors';
import { appendExpr } from './expression-compiler';
import type { QueryBuffer } from './query-buffer';
import type { QueryCompiler } from './query-compiler';
import { sourceName, type Assignment, type DeleteNode, type InsertNode, type UpdateNode } from './query-nodes';

/** Appends an INSERT. */
export function appendInsert(c: QueryCompiler, b: QueryBuffer, s: InsertNode): void {
  const entity = s.source.entity;
  if (s.rows.length === 0) throw new ArgumentError(`insert(${entity.name}) has no rows: add them with .values({ ... }).`);
  if (s.rows.length > 1 && !b.capabilities.multiRowInsert) {
    throw new NotSupportedError(`A multi-row INSERT is not available on ${c.targetName(b)}; insert the ${s.rows.length} rows one by one.`);
  }
  b.text += `INSERT INTO ${c.quoteIdentifier(entity.tableName)}`;
  if (s.columns.length === 0) {
    if (s.rows.length > 1 && !b.capabilities.multiRowDefaultInsert) {
      throw new NotSupportedError(
        `insert(${entity.name}): ${c.targetName(b)} cannot put ${s.rows.length} rows that give no value at all into one INSERT; insert them one by one (each is INSERT ... DEFAULT VALUES).`,
      );
    }
    b.text += s.rows.length === 1 ? c.defaultValuesClause() : c.defaultRowsClause(entity, s.rows.length);
  } else {
    b.text += ` (${s.columns.map((col) => c.quoteIdentifier(col.columnName)).join(', ')}) VALUES `;
    s.rows.forEach((row, i) => {
      b.text += i === 0 ? '(' : ', (';
      row.forEach((cell, j) => {
        if (j > 0) b.text += ', ';
        if (cell === undefined) b.text += c.defaultKeyword(s.columns[j]!);
        else appendExpr(c, b, cell);
      });
      b.text += ')';
    });
  }
  if (s.conflict) withScope(b, sourceName(s.source), () => c.appendUpsert(b, s, s.conflict!));
  if (s.returning) c.appendReturning(b, s.returning, 'insert');
}

/** Appends an UPDATE. */
export function appendUpdate(c: QueryCompiler, b: QueryBuffer, s: UpdateNode): void {
  const entity = s.source.entity;
  if (s.assignments.length === 0) throw new ArgumentError(`update(${entity.name}) sets nothing: add .set({ ... }).`);
  if (s.where === undefined && s.everyRow !== true) {
    throw new ArgumentError(`update(${entity.name}) has no WHERE, so it would update every row: add .where(...), or .all() to update every row on purpose.`);
  }
  b.text += `UPDATE ${c.quoteIdentifier(entity.tableName)} SET `;
  withScope(b, sourceName(s.source), () => {
    appendAssignments(c, b, s.assignments);
    if (s.from) {
      if (!b.capabilities.updateFromValues) throw new NotSupportedError(`UPDATE ... FROM (VALUES ...) is not available on ${c.targetName(b)}.`);
      b.text += ' FROM ';
      c.appendValuesSource(b, s.from);
    }
    if (s.where) {
      b.text += ' WHERE ';
      appendExpr(c, b, s.where);
    }
  });
  if (s.returning) c.appendReturning(b, s.returning, 'update');
}

/** Appends a DELETE. */
export function appendDelete(c: QueryCompiler, b: QueryBuffer, s: DeleteNode): void {
  if (s.where === undefined && s.everyRow !== true) {
    throw new ArgumentError(`deleteFrom(${s.source.entity.name}) has no WHERE, so it would delete every row: add .where(...), or .all() to delete every row on purpose.`);
  }
  b.text += `DELETE FROM ${c.quoteIdentifier(s.source.entity.tableName)}`;
  withScope(b, sourceName(s.source), () => {
    if (s.where) {
      b.text += ' WHERE ';
      appendExpr(c, b, s.where);
    }
  });
  if (s.returning) c.appendReturning(b, s.returning, 'delete');
}

/** Appends `col = value, ...` (SET targets are never qualified). */
export function appendAssignments(c: QueryCompiler, b: QueryBuffer, assignments: readonly Assignment[]): void {
  assignments.forEach((a, i) => {
    if (i > 0) b.text += ', ';
    b.text += `${c.quoteIdentifier(a.column.columnName)} = `;
    appendExpr(c, b, a.value);
  });
}

/** Runs `fn` with the statement's table visible to subqueries, which then correlate to it. */
function withScope(b: QueryBuffer, name: string, fn: () => void): void {
  b.scopes.push(new Set([name]));
  try {
    fn();
  } finally {
    b.scopes.pop();
  }
}

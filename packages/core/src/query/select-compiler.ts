/*
 * Compiles SELECT and UNION nodes: WITH, the labelled select list, FROM (explicit sources
 * plus those the expressions use, minus those an enclosing query provides), joins, WHERE,
 * GROUP BY, HAVING, ORDER BY, and the dialect hooks for LIMIT / OFFSET and FOR UPDATE.
 */
import { appendExpr, appendList, sqlColumnName, visitSources } from './expression-compiler';
import type { QueryBuffer } from './query-buffer';
import type { QueryCompiler } from './query-compiler';
import { sourceName, type CompoundNode, type CteSource, type FromSource, type SelectionNode, type SelectNode, type SourceNode } from './query-nodes';
import { resultColumns } from './result-columns';

/** Appends a SELECT statement. */
export function appendSelect(c: QueryCompiler, b: QueryBuffer, s: SelectNode): void {
  const { from, ctes } = fromAndCtes(s, b);
  appendWith(c, b, ctes);
  const names = new Set([...from, ...s.joins.map((j) => j.source)].map(sourceName));
  b.scopes.push(names);
  try {
    b.text += s.distinct ? 'SELECT DISTINCT ' : 'SELECT ';
    appendSelection(c, b, s);
    from.forEach((source, i) => {
      b.text += i === 0 ? ' FROM ' : ', ';
      appendSource(c, b, source);
      // Joins attach to the first FROM item, where their ON conditions can see it.
      if (i === 0) appendJoins(c, b, s);
    });
    if (from.length === 0) appendJoins(c, b, s);
    if (s.where) {
      b.text += ' WHERE ';
      appendExpr(c, b, s.where);
    }
    if (s.groupBy.length > 0) {
      b.text += ' GROUP BY ';
      appendList(c, b, s.groupBy);
    }
    if (s.having) {
      b.text += ' HAVING ';
      appendExpr(c, b, s.having);
    }
    appendOrderBy(c, b, s.orderBy);
    if (s.limit !== undefined || s.offset !== undefined) c.appendLimitOffset(b, s.limit, s.offset);
    if (s.lock) c.appendLock(b, s.lock);
  } finally {
    b.scopes.pop();
  }
}

/** Appends UNION / UNION ALL with its ORDER BY and LIMIT. */
export function appendCompound(c: QueryCompiler, b: QueryBuffer, q: CompoundNode): void {
  q.members.forEach((member, i) => {
    if (i > 0) b.text += q.op === 'union' ? ' UNION ' : ' UNION ALL ';
    const needsOwnClauses = member.kind === 'compound' || member.orderBy.length > 0 || member.limit !== undefined || member.offset !== undefined;
    c.appendCompoundMember(b, member, needsOwnClauses || (member.kind === 'select' && (member.ctes.length > 0 || member.lock !== undefined)));
  });
  appendOrderBy(c, b, q.orderBy);
  if (q.limit !== undefined || q.offset !== undefined) c.appendLimitOffset(b, q.limit, q.offset);
}

/** Appends the labelled output columns of a selection (SELECT list or RETURNING). */
export function appendSelection(c: QueryCompiler, b: QueryBuffer, selection: SelectionNode): void {
  resultColumns(selection).forEach((column, i) => {
    if (i > 0) b.text += ', ';
    appendExpr(c, b, column.expr);
    const label = c.resultLabel(b, column.label);
    // A plain column already comes back under its own name.
    if (column.expr.kind !== 'column' || sqlColumnName(c, b, column.expr.source, column.expr.name) !== label) b.text += ` AS ${c.quoteIdentifier(label)}`;
  });
}

/** Appends one FROM or JOIN source. */
export function appendSource(c: QueryCompiler, b: QueryBuffer, source: FromSource): void {
  switch (source.kind) {
    case 'entity':
    case 'table': {
      const table = source.kind === 'entity' ? source.entity.tableName : source.table;
      b.text += c.quoteIdentifier(table);
      if (source.alias !== undefined) b.text += ` AS ${c.quoteIdentifier(source.alias)}`;
      return;
    }
    case 'subquery':
      b.text += '(';
      b.isolated(() => c.appendQuery(b, source.query));
      b.text += `) AS ${c.quoteIdentifier(source.alias)}`;
      return;
    case 'cte':
      b.text += c.quoteIdentifier(source.name);
      return;
  }
}

function appendJoins(c: QueryCompiler, b: QueryBuffer, s: SelectNode): void {
  for (const join of s.joins) {
    b.text += join.type === 'inner' ? ' INNER JOIN ' : ' LEFT OUTER JOIN ';
    appendSource(c, b, join.source);
    b.text += ' ON ';
    appendExpr(c, b, join.on);
  }
}

function appendWith(c: QueryCompiler, b: QueryBuffer, ctes: readonly CteSource[]): void {
  if (ctes.length === 0) return;
  b.text += 'WITH ';
  ctes.forEach((cte, i) => {
    if (i > 0) b.text += ', ';
    b.text += `${c.quoteIdentifier(cte.name)} AS (`;
    b.isolated(() => c.appendQuery(b, cte.query));
    b.text += ')';
  });
  b.text += ' ';
}

function appendOrderBy(c: QueryCompiler, b: QueryBuffer, orderBy: SelectNode['orderBy']): void {
  if (orderBy.length === 0) return;
  b.text += ' ORDER BY ';
  orderBy.forEach((order, i) => {
    if (i > 0) b.text += ', ';
    c.appendOrderItem(b, order);
  });
}

/**
 * The FROM list: explicit sources, then the sources the statement's expressions use that
 * are neither joined nor provided by an enclosing query (which correlates instead); and
 * the CTEs to define: the declared ones plus any used.
 */
function fromAndCtes(s: SelectNode, b: QueryBuffer): { from: FromSource[]; ctes: CteSource[] } {
  const from = [...s.from];
  const ctes = [...s.ctes];
  const taken = new Set([...s.from, ...s.joins.map((j) => j.source)].map(sourceName));
  const use = (source: SourceNode) => {
    if (source.kind === 'excluded' || source.kind === 'result') return;
    const name = sourceName(source);
    if (taken.has(name) || b.inOuterScope(name)) return;
    taken.add(name);
    from.push(source);
    if (source.kind === 'cte' && !ctes.some((cte) => cte.name === source.name)) ctes.push(source);
  };
  for (const item of s.items) {
    if (item.kind === 'entity') use(item.source);
    else visitSources(item.expr, use);
  }
  visitSources(s.where, use);
  s.groupBy.forEach((e) => visitSources(e, use));
  visitSources(s.having, use);
  s.orderBy.forEach((o) => visitSources(o.expr, use));
  return { from, ctes };
}

/*
 * Compiles expression nodes into a QueryBuffer through the compiler's hooks: quoting,
 * placeholders, LIKE / ILIKE, boolean literals and function names are the dialect's; the
 * structure and parenthesisation are shared here.
 */
import { Expr } from './expression';
import type { CaseNode, ExprNode, ParamNode, SourceNode } from './query-nodes';
import { ListSlot, ParamSlot } from './param-slots';
import { sourceName } from './query-nodes';
import type { QueryBuffer } from './query-buffer';
import type { QueryCompiler } from './query-compiler';

const OPERATORS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=', add: '+', sub: '-', mul: '*', div: '/' } as const;

/** Node kinds that need parentheses when they are an operand of another operator. */
const COMPOUND = new Set<ExprNode['kind']>(['binary', 'logical', 'not', 'null-check', 'like', 'in', 'between', 'fragment']);

/** Appends an expression at the top of a clause (no enclosing operator). */
export function appendExpr(c: QueryCompiler, b: QueryBuffer, e: ExprNode): void {
  switch (e.kind) {
    case 'column':
      appendColumn(c, b, e.source, e.name);
      return;
    case 'param':
      c.bindParam(b, e.value, e.column);
      return;
    case 'binary':
      appendOperand(c, b, e.left);
      b.text += ` ${OPERATORS[e.op]} `;
      appendOperand(c, b, e.right);
      return;
    case 'logical':
      e.items.forEach((item, i) => {
        if (i > 0) b.text += e.op === 'and' ? ' AND ' : ' OR ';
        // Comparisons bind tighter than AND / OR; nested groups and fragments get parentheses.
        if (item.kind === 'logical' || item.kind === 'fragment') appendOperand(c, b, item);
        else appendExpr(c, b, item);
      });
      return;
    case 'not':
      b.text += 'NOT ';
      appendOperand(c, b, e.item);
      return;
    case 'null-check':
      appendOperand(c, b, e.item);
      b.text += e.negated ? ' IS NOT NULL' : ' IS NULL';
      return;
    case 'like':
      c.checkLikePattern(e.item, e.pattern);
      if (e.caseInsensitive) c.appendCaseInsensitiveLike(b, () => appendOperand(c, b, e.item), () => appendOperand(c, b, e.pattern), e.negated);
      else {
        appendOperand(c, b, e.item);
        b.text += e.negated ? ' NOT LIKE ' : ' LIKE ';
        appendOperand(c, b, e.pattern);
      }
      if (e.escape !== undefined) b.text += ` ESCAPE ${c.likeEscapeLiteral(e.escape)}`;
      return;
    case 'in':
      if (Array.isArray(e.list) && e.list.length === 0) {
        // IN () is a syntax error; an empty list matches nothing (NOT IN: everything).
        b.text += c.booleanLiteral(e.negated);
        return;
      }
      if (Array.isArray(e.list)) {
        const values = arrayElements(e.list);
        // One array parameter: one statement text for every list length, and no parameter limit.
        if (values && b.options?.capabilities.arrayParameters) return c.appendArrayIn(b, e.item, values, e.negated);
      }
      appendOperand(c, b, e.item);
      b.text += e.negated ? ' NOT IN (' : ' IN (';
      if (Array.isArray(e.list)) appendList(c, b, e.list);
      else c.appendQuery(b, e.list as Exclude<typeof e.list, readonly ExprNode[]>);
      b.text += ')';
      return;
    case 'between':
      appendOperand(c, b, e.item);
      b.text += e.negated ? ' NOT BETWEEN ' : ' BETWEEN ';
      appendOperand(c, b, e.low);
      b.text += ' AND ';
      appendOperand(c, b, e.high);
      return;
    case 'func':
      b.text += `${c.functionName(e.name)}(`;
      if (e.star) b.text += '*';
      else {
        if (e.distinct) b.text += 'DISTINCT ';
        appendList(c, b, e.args);
      }
      b.text += ')';
      return;
    case 'exists':
      b.text += 'EXISTS (';
      c.appendQuery(b, e.query);
      b.text += ')';
      return;
    case 'scalar':
      b.text += '(';
      c.appendQuery(b, e.query);
      b.text += ')';
      return;
    case 'fragment':
      c.appendFragment(e.fragment, b);
      return;
    case 'boolean':
      b.text += c.booleanLiteral(e.value);
      return;
    case 'case':
      appendCase(c, b, e);
      return;
  }
}

/**
 * `CASE [subject] WHEN ... THEN ... [ELSE ...] END`. CASE ... END delimits itself, so its
 * parts need no parentheses but the subject's. An untyped parameter as the first result
 * goes through the typing hook: the server may otherwise infer text for the whole CASE.
 */
function appendCase(c: QueryCompiler, b: QueryBuffer, e: CaseNode): void {
  b.text += 'CASE';
  if (e.subject) {
    b.text += ' ';
    appendOperand(c, b, e.subject);
  }
  e.arms.forEach((arm, i) => {
    b.text += ' WHEN ';
    appendExpr(c, b, arm.when);
    b.text += ' THEN ';
    if (i === 0 && e.column && arm.then.kind === 'param') c.appendTypedValue(b, arm.then, e.column);
    else appendExpr(c, b, arm.then);
  });
  if (e.otherwise) {
    b.text += ' ELSE ';
    appendExpr(c, b, e.otherwise);
  }
  b.text += ' END';
}

/**
 * The items of an IN list when they can be one array parameter: every one a bound value
 * (not a slot of its own) compared with the same column, or a single ListSlot. Undefined
 * for lists holding expressions, fragments or per-value slots, which stay `IN (...)`.
 */
function arrayElements(list: readonly ExprNode[]): readonly ParamNode[] | undefined {
  const first = list[0]!;
  if (first.kind !== 'param') return undefined;
  if (list.length === 1 && first.value instanceof ListSlot) return [first];
  for (const item of list) {
    if (item.kind !== 'param' || item.value instanceof ParamSlot || item.column !== first.column) return undefined;
  }
  return list as readonly ParamNode[];
}

/** Appends an expression as an operand: compound expressions get parentheses. */
export function appendOperand(c: QueryCompiler, b: QueryBuffer, e: ExprNode): void {
  if (!COMPOUND.has(e.kind)) return appendExpr(c, b, e);
  b.text += '(';
  appendExpr(c, b, e);
  b.text += ')';
}

/** Appends expressions separated by commas. */
export function appendList(c: QueryCompiler, b: QueryBuffer, items: readonly ExprNode[]): void {
  items.forEach((item, i) => {
    if (i > 0) b.text += ', ';
    appendExpr(c, b, item);
  });
}

/** Appends a column reference, qualified by its source unless the clause says otherwise. */
export function appendColumn(c: QueryCompiler, b: QueryBuffer, source: SourceNode, name: string): void {
  if (source.kind === 'excluded') {
    b.text += c.excludedColumn(name);
    return;
  }
  if (source.kind !== 'result' && b.qualify) b.text += `${c.quoteIdentifier(sourceName(source))}.`;
  b.text += c.quoteIdentifier(sqlColumnName(c, b, source, name));
}

/** The name a column has in the SQL: the columns of a subquery, a CTE or a compound are result labels, written as the compiler writes labels. */
export function sqlColumnName(c: QueryCompiler, b: QueryBuffer, source: SourceNode, name: string): string {
  return source.kind === 'subquery' || source.kind === 'cte' || source.kind === 'result' ? c.resultLabel(b, name) : name;
}

/** Calls `visit` on every column source an expression uses, not descending into subqueries. */
export function visitSources(e: ExprNode | undefined, visit: (source: SourceNode) => void): void {
  if (!e) return;
  switch (e.kind) {
    case 'column':
      visit(e.source);
      return;
    case 'binary':
      visitSources(e.left, visit);
      visitSources(e.right, visit);
      return;
    case 'logical':
      e.items.forEach((item) => visitSources(item, visit));
      return;
    case 'not':
    case 'null-check':
      visitSources(e.item, visit);
      return;
    case 'like':
      visitSources(e.item, visit);
      visitSources(e.pattern, visit);
      return;
    case 'in':
      visitSources(e.item, visit);
      if (Array.isArray(e.list)) e.list.forEach((item: ExprNode) => visitSources(item, visit));
      return;
    case 'between':
      visitSources(e.item, visit);
      visitSources(e.low, visit);
      visitSources(e.high, visit);
      return;
    case 'func':
      e.args.forEach((arg) => visitSources(arg, visit));
      return;
    case 'fragment':
      for (const value of e.fragment.values) if (value instanceof Expr) visitSources(value.node, visit);
      return;
    case 'case':
      visitSources(e.subject, visit);
      for (const arm of e.arms) {
        visitSources(arm.when, visit);
        visitSources(arm.then, visit);
      }
      visitSources(e.otherwise, visit);
      return;
    default:
      return;
  }
}

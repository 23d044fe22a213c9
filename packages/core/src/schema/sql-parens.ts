/*
 * Bracket pairs and redundant parentheses in SQL tokens, for canonicalSql (sql-text.ts).
 * Expressions come from catalogs, so their length is the database's to choose: pairs are
 * found in one pass, and removing parentheses re-examines only the pairs a removal
 * touches (a heap of positions), never the whole expression again.
 */
import type { SqlToken } from './sql-text';

/** Words that are operators, not function names: a parenthesis after them is grouping. */
const OPERATOR_WORDS = new Map(Object.entries({ or: 1, and: 2, not: 3, like: 4, ilike: 4, is: 4, between: 4, when: 0, then: 0, else: 0, case: 0 }));
const PUNCT_PRECEDENCE = new Map(Object.entries({
  '=': 4, '<>': 4, '!=': 4, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '||': 5, '*': 6, '/': 6, '%': 6, ',': 0, '(': 0, ')': 0,
}));

function isPunct(token: SqlToken | undefined, value: string): boolean {
  return token?.kind === 'punct' && token.value === value;
}

/** True when a parenthesis after `token` opens an argument list, not a group. */
export function isCallee(token: SqlToken | undefined): boolean {
  if (!token) return false;
  if (token.kind === 'quoted') return true;
  return token.kind === 'word' && !OPERATOR_WORDS.has(token.value.toLowerCase());
}

/** Precedence of a token as an operator; 0 for separators; undefined for operands. */
function precedence(token: SqlToken | undefined): number | undefined {
  if (!token) return 0;
  if (token.kind === 'word') {
    const word = token.value.toLowerCase();
    return OPERATOR_WORDS.get(word) ?? (word === 'in' ? 4 : undefined);
  }
  if (token.kind === 'punct') return PUNCT_PRECEDENCE.get(token.value) ?? 9;
  return undefined;
}

/**
 * For each `(` and `[`, the index of the bracket closing it, counting brackets of its own
 * kind only (the last index when it is never closed); for each closer, its opener; -1
 * elsewhere. The same answers as `matching`, for every bracket at once.
 */
export function bracketPartners(tokens: readonly SqlToken[]): Int32Array {
  const partner = new Int32Array(tokens.length).fill(-1);
  const open: Record<string, number[]> = { '(': [], '[': [] };
  tokens.forEach((t, i) => {
    if (t.kind !== 'punct') return;
    if (t.value === '(' || t.value === '[') open[t.value]!.push(i);
    else if (t.value === ')' || t.value === ']') {
      const opener = open[t.value === ')' ? '(' : '[']!.pop();
      if (opener === undefined) return;
      partner[opener] = i;
      partner[i] = opener;
    }
  });
  for (const i of [...open['(']!, ...open['[']!]) partner[i] = tokens.length - 1;
  return partner;
}

/** True when every bracket is closed, by its own kind, in nesting order. */
function wellNested(tokens: readonly SqlToken[]): boolean {
  const stack: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.value === '(' || t.value === '[') stack.push(t.value);
    else if (t.value === ')' && stack.pop() !== '(') return false;
    else if (t.value === ']' && stack.pop() !== '[') return false;
  }
  return stack.length === 0;
}

/**
 * The tokens without the parentheses that change nothing: a group goes when it is no
 * argument list or row value and its operators bind at least as tightly as those on either
 * side. Leftmost group first, as often as one goes; text with unbalanced brackets keeps
 * its parentheses.
 * @example
 * removeRedundantParens(tokenizeSql('((a + b)) * c')) // tokens of '(a + b) * c'
 */
export function removeRedundantParens(tokens: readonly SqlToken[]): SqlToken[] {
  const n = tokens.length;
  if (!wellNested(tokens)) return [...tokens];
  const partner = bracketPartners(tokens);
  const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
  const next = Int32Array.from({ length: n }, (_, i) => i + 1);
  const removed = new Uint8Array(n);
  // For each '(': the bracket enclosing it, and the loosest operator directly inside it.
  const parent = new Int32Array(n).fill(-1);
  const inner = new Float64Array(n).fill(Infinity);
  const groups = new MinHeap();
  const stack: number[] = [];
  tokens.forEach((t, i) => {
    const top = stack[stack.length - 1] ?? -1;
    if (isPunct(t, '(') || isPunct(t, '[')) {
      parent[i] = top;
      stack.push(i);
      if (t.value === '(') groups.push(i);
    } else if (isPunct(t, ')') || isPunct(t, ']')) {
      stack.pop();
    } else if (top >= 0 && isPunct(tokens[top], '(')) {
      const p = precedence(t);
      if (p !== undefined) inner[top] = Math.min(inner[top]!, p);
    }
  });
  /** The nearest enclosing bracket still in place; the removed ones on the way are skipped from now on. */
  const enclosing = (i: number): number => {
    let p = parent[i]!;
    while (p >= 0 && removed[p]) p = parent[p]!;
    for (let j = i; parent[j] !== p; ) {
      const up = parent[j]!;
      parent[j] = p;
      j = up;
    }
    return p;
  };
  const revisit = (i: number): void => {
    if (i < 0 || i >= n || removed[i]) return;
    if (isPunct(tokens[i], '(')) groups.push(i);
    else if (isPunct(tokens[i], ')')) groups.push(partner[i]!);
  };
  const unlink = (i: number): void => {
    removed[i] = 1;
    if (prev[i]! >= 0) next[prev[i]!] = next[i]!;
    if (next[i]! < n) prev[next[i]!] = prev[i]!;
  };
  for (let open = groups.pop(); open !== undefined; open = groups.pop()) {
    if (removed[open]) continue;
    const close = partner[open]!;
    const before = tokens[prev[open]!];
    if (isCallee(before) || next[open] === close || inner[open] === 0) continue;
    const left = precedence(before);
    const right = precedence(tokens[next[close]!]);
    if (left === undefined || right === undefined) continue;
    const within = inner[open]!;
    if (!((within > left || (within === left && (left === 1 || left === 2))) && within >= right)) continue;
    const outer = enclosing(open);
    const neighbours = [prev[open]!, next[open]!, prev[close]!, next[close]!];
    unlink(open);
    unlink(close);
    // What the group held now sits in the enclosing one; its neighbours have new neighbours.
    if (outer >= 0 && isPunct(tokens[outer], '(')) {
      inner[outer] = Math.min(inner[outer]!, within);
      groups.push(outer);
    }
    for (const i of neighbours) revisit(i);
  }
  return tokens.filter((_, i) => !removed[i]);
}

/** A binary min-heap of token positions. */
class MinHeap {
  readonly #items: number[] = [];

  push(value: number): void {
    const items = this.#items;
    items.push(value);
    for (let i = items.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (items[up]! <= value) break;
      items[i] = items[up]!;
      items[up] = value;
      i = up;
    }
  }

  pop(): number | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < items.length && items[l]! < items[least]!) least = l;
      if (r < items.length && items[r]! < items[least]!) least = r;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }
}

/*
 * canonicalSql and its helpers on expressions a catalog could hold: long, deeply nested,
 * or with thousands of redundant parentheses. The work stays linear (or n log n), and the
 * one-pass parenthesis removal gives what the rescanning algorithm it replaced gave.
 */
import { canonicalSql, matching, tokenizeSql, type SqlToken } from '../src/schema/sql-text';
import { bracketPartners, removeRedundantParens } from '../src/schema/sql-parens';
import { expectLinearTime } from '@strata/testkit';

const OPERATOR_WORDS = new Map(Object.entries({ or: 1, and: 2, not: 3, like: 4, ilike: 4, is: 4, between: 4, when: 0, then: 0, else: 0, case: 0 }));
const PUNCT_PRECEDENCE = new Map(Object.entries({ '=': 4, '<>': 4, '!=': 4, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '||': 5, '*': 6, '/': 6, '%': 6, ',': 0, '(': 0, ')': 0 }));

function referenceCallee(token: SqlToken | undefined): boolean {
  if (!token) return false;
  return token.kind === 'quoted' || (token.kind === 'word' && !OPERATOR_WORDS.has(token.value.toLowerCase()));
}

function referencePrecedence(token: SqlToken | undefined): number | undefined {
  if (!token) return 0;
  if (token.kind === 'word') return OPERATOR_WORDS.get(token.value.toLowerCase()) ?? (token.value.toLowerCase() === 'in' ? 4 : undefined);
  if (token.kind === 'punct') return PUNCT_PRECEDENCE.get(token.value) ?? 9;
  return undefined;
}

/** The algorithm removeRedundantParens replaced: remove the leftmost removable group, then look again from the start. */
function referenceRemoveParens(input: SqlToken[]): SqlToken[] {
  let tokens = input;
  for (let changed = true; changed; ) {
    changed = false;
    for (let open = 0; open < tokens.length; open++) {
      if (tokens[open]!.kind !== 'punct' || tokens[open]!.value !== '(' || referenceCallee(tokens[open - 1])) continue;
      const close = matching(tokens, open);
      if (close === open + 1) continue;
      let inner = Infinity;
      for (let i = open + 1; i < close; i++) {
        const t = tokens[i]!;
        if (t.kind === 'punct' && (t.value === '(' || t.value === '[')) {
          i = matching(tokens, i);
          continue;
        }
        const p = referencePrecedence(t);
        if (p !== undefined) inner = Math.min(inner, p);
      }
      if (inner === 0) continue;
      const left = referencePrecedence(tokens[open - 1]);
      const right = referencePrecedence(tokens[close + 1]);
      if (left === undefined || right === undefined) continue;
      if (!((inner > left || (inner === left && (left === 1 || left === 2))) && inner >= right)) continue;
      tokens = [...tokens.slice(0, open), ...tokens.slice(open + 1, close), ...tokens.slice(close + 1)];
      changed = true;
      break;
    }
  }
  return tokens;
}

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const ATOMS = ['a', 'b', 'f', "'s'", '1', 'x.y', 'null'];
const OPERATORS = ['+', '-', '*', '/', '=', '<', 'and', 'or', 'not', 'in', 'is', 'like', '||', '::', ','];

/** A random balanced expression text of roughly `size` tokens. */
function expression(next: () => number, size: number): string {
  if (size <= 1) return ATOMS[Math.floor(next() * ATOMS.length)]!;
  const shape = next();
  if (shape < 0.3) return `(${expression(next, size - 1)})`;
  if (shape < 0.4) return `f(${expression(next, size - 1)})`;
  if (shape < 0.45) return `a[${expression(next, size - 1)}]`;
  const left = Math.floor(next() * (size - 1));
  return `${expression(next, left)} ${OPERATORS[Math.floor(next() * OPERATORS.length)]} ${expression(next, size - 1 - left)}`;
}

describe('removing redundant parentheses', () => {
  test('gives what the rescanning algorithm gave, on 3,000 random expressions', () => {
    const next = random(7);
    for (let n = 0; n < 3000; n++) {
      const tokens = tokenizeSql(expression(next, 1 + Math.floor(next() * 14)));
      expect(removeRedundantParens(tokens)).toEqual(referenceRemoveParens(tokens));
    }
  });

  test('keeps every parenthesis of text with unbalanced brackets', () => {
    const tokens = tokenizeSql('((a + b) * (c');
    expect(removeRedundantParens(tokens)).toEqual(tokens);
  });

  test('bracketPartners answers as matching() does for every bracket, unbalanced text included', () => {
    const next = random(11);
    const pieces = ['(', ')', '[', ']', 'a', ','];
    for (let n = 0; n < 2000; n++) {
      const tokens = tokenizeSql(Array.from({ length: 1 + Math.floor(next() * 12) }, () => pieces[Math.floor(next() * pieces.length)]).join(' '));
      const partner = bracketPartners(tokens);
      tokens.forEach((t, i) => {
        if (t.kind === 'punct' && (t.value === '(' || t.value === '[')) expect(partner[i]).toBe(matching(tokens, i));
      });
    }
  });
});

describe('canonicalSql on long expressions from a catalog', () => {
  test('thousands of redundant groups, (a) + (a) + ..., take linear time', () => {
    expectLinearTime((n) => `${'(a) + '.repeat(n / 6)}b`, (text) => canonicalSql(text));
  });

  test('deep nesting, ((((a)))), takes linear time', () => {
    expectLinearTime((n) => `${'('.repeat(n / 2)}a${')'.repeat(n / 2)}`, (text) => canonicalSql(text));
  });

  test('a deeply nested row value, ((((a, b)))), takes linear time', () => {
    expectLinearTime((n) => `${'('.repeat(n / 2)}a, b${')'.repeat(n / 2)}`, (text) => canonicalSql(text));
  });

  test('many x = ANY (ARRAY[...]) comparisons and casts take linear time', () => {
    expectLinearTime((n) => `${"x = any (array['a'::text, 'b']) and ".repeat(n / 36)}true`, (text) => canonicalSql(text, { escapeStrings: true }));
    expectLinearTime((n) => 'a::f('.repeat(n / 5), (text) => canonicalSql(text));
  });

  test('still removes what it removed before', () => {
    expect(canonicalSql("((kind)::text = ANY ((ARRAY['a'::character varying])::text[]))")).toBe("kind in ('a')");
    expect(canonicalSql('((a + b)) * c')).toBe('(a + b) * c');
    expect(canonicalSql('(a = 1) and ((b = 2) or (c = 3))')).toBe('a = 1 and (b = 2 or c = 3)');
  });
});

/*
 * A small SQL tokenizer and the canonical form of an expression (a default, a CHECK, a
 * partial-index condition), so that what metadata declares and what a catalog reports
 * compare equal: casts, quoting, case, spacing and redundant parentheses do not count.
 * Each step is one pass over the text or its tokens: catalogs choose the length.
 */
import { bracketPartners, isCallee, removeRedundantParens } from './sql-parens';

/** One token of SQL text. `value` is unescaped for strings and quoted identifiers. */
export interface SqlToken {
  readonly kind: 'string' | 'word' | 'quoted' | 'number' | 'punct';
  readonly value: string;
}

/** How a dialect spells strings and identifiers. */
export interface TokenizeOptions {
  /** Backslash escapes inside '...' strings (MySQL). */
  readonly backslashEscapes?: boolean;
  /** [name] quoted identifiers (SQLite); otherwise `[` is punctuation (PostgreSQL arrays). */
  readonly bracketIdentifiers?: boolean;
  /** E'...' strings with backslash escapes (PostgreSQL). */
  readonly escapeStrings?: boolean;
  /** The quote identifiers are written with, so rendered text stays valid on the dialect (MySQL: a backtick). Default '"'. */
  readonly identifierQuote?: '"' | '`';
}

const MULTI_PUNCT = ['::', '<=', '>=', '<>', '!=', '||', '->>', '->'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };

/** Splits SQL text into tokens; comments and whitespace are dropped. */
export function tokenizeSql(text: string, options: TokenizeOptions = {}): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const readQuoted = (close: string, escapes: { readonly backslash: boolean }): string => {
    const { backslash } = escapes;
    let out = '';
    i++;
    while (i < text.length) {
      const ch = text[i]!;
      if (backslash && ch === '\\' && i + 1 < text.length) {
        const next = text[i + 1]!;
        out += ESCAPES[next] ?? next;
        i += 2;
      } else if (ch === close) {
        if (text[i + 1] === close) {
          out += close;
          i += 2;
        } else {
          i++;
          return out;
        }
      } else {
        out += ch;
        i++;
      }
    }
    return out;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === "'") {
      tokens.push({ kind: 'string', value: readQuoted("'", { backslash: options.backslashEscapes === true }) });
    } else if ((ch === 'E' || ch === 'e') && text[i + 1] === "'" && options.escapeStrings && (i === 0 || !/[\p{L}\p{N}_$]/u.test(text[i - 1]!))) {
      i++;
      tokens.push({ kind: 'string', value: readQuoted("'", { backslash: true }) });
    } else if (ch === '"' || ch === '`') {
      tokens.push({ kind: 'quoted', value: readQuoted(ch, { backslash: false }) });
    } else if (ch === '[' && options.bracketIdentifiers) {
      const end = text.indexOf(']', i);
      tokens.push({ kind: 'quoted', value: text.slice(i + 1, end < 0 ? text.length : end) });
      i = end < 0 ? text.length : end + 1;
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(text[i + 1] ?? ''))) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', value: match[0] });
      i += match[0].length;
    } else if (/[\p{L}_]/u.test(ch)) {
      const match = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(text.slice(i))!;
      tokens.push({ kind: 'word', value: match[0] });
      i += match[0].length;
    } else {
      const multi = MULTI_PUNCT.find((p) => text.startsWith(p, i));
      tokens.push({ kind: 'punct', value: multi ?? ch });
      i += multi ? multi.length : 1;
    }
  }
  return tokens;
}

/** Options of `canonicalSql`. */
export interface CanonicalOptions extends TokenizeOptions {
  /** A dialect's own rewrites, run on the lower-cased tokens (e.g. MariaDB's octet_length -> length). */
  readonly rewrite?: (tokens: SqlToken[]) => SqlToken[];
}

/** Words that continue a multi-word type name after `::`. */
const TYPE_WORDS = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone']);

/**
 * The canonical text of an SQL expression: casts (`::type`) and charset introducers
 * dropped, identifiers unquoted and words lower-cased, redundant parentheses removed,
 * `x = ANY (ARRAY[...])` written as `x in (...)`, one spacing style.
 * @example
 * canonicalSql("((kind)::text = ANY ((ARRAY['a'::character varying])::text[]))") // "kind in ('a')"
 */
export function canonicalSql(text: string, options: CanonicalOptions = {}): string {
  let tokens = tokenizeSql(text, options);
  tokens = stripCasts(tokens);
  tokens = tokens.map((t) => (t.kind === 'word' ? { kind: 'word', value: t.value.toLowerCase() } : t));
  tokens = removeRedundantParens(tokens);
  tokens = anyArrayToIn(tokens);
  if (options.rewrite) tokens = options.rewrite(tokens);
  tokens = removeRedundantParens(tokens);
  return renderTokens(tokens, options);
}

function stripCasts(tokens: SqlToken[]): SqlToken[] {
  const partner = bracketPartners(tokens);
  const out: SqlToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // MySQL charset introducers: _utf8mb4'text'.
    if (t.kind === 'word' && /^_[a-z0-9]+$/i.test(t.value) && tokens[i + 1]?.kind === 'string') continue;
    if (!(t.kind === 'punct' && t.value === '::')) {
      out.push(t);
      continue;
    }
    i++;
    while (tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.value === '.') i += 2;
    while (tokens[i + 1]?.kind === 'word' && TYPE_WORDS.has(tokens[i + 1]!.value.toLowerCase())) i++;
    if (tokens[i + 1]?.value === '(' && tokens[i + 1]!.kind === 'punct') i = partner[i + 1]!;
    while (tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.value === '[') i = partner[i + 1]!;
  }
  return out;
}

/** Index of the bracket closing the one at `open` (the last index when it is never closed); see bracketPartners for all at once. */
export function matching(tokens: readonly SqlToken[], open: number): number {
  const opener = tokens[open]!.value;
  const closer = opener === '(' ? ')' : ']';
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.value === opener) depth++;
    else if (t.value === closer && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** `x = any(array[a, b])` -> `x in (a, b)`; `x <> all(array[...])` -> `x not in (...)`. */
function anyArrayToIn(tokens: SqlToken[]): SqlToken[] {
  const partner = bracketPartners(tokens);
  const out: SqlToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const quantifier = tokens[i + 1];
    const negated = t.value === '<>' || t.value === '!=';
    if (
      t.kind === 'punct' && (t.value === '=' || negated) && quantifier?.kind === 'word' &&
      quantifier.value === (negated ? 'all' : 'any') && tokens[i + 2]?.value === '(' &&
      tokens[i + 3]?.value === 'array' && tokens[i + 4]?.value === '['
    ) {
      const closeArray = partner[i + 4]!;
      const closeCall = partner[i + 2]!;
      if (closeCall === closeArray + 1) {
        if (negated) out.push({ kind: 'word', value: 'not' });
        out.push({ kind: 'word', value: 'in' }, { kind: 'punct', value: '(' }, ...tokens.slice(i + 5, closeArray), { kind: 'punct', value: ')' });
        i = closeCall;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** Renders tokens in the canonical spacing, quoting strings and identifiers so the dialect `options` describes reads them back. */
export function renderTokens(tokens: readonly SqlToken[], options: TokenizeOptions = {}): string {
  let out = '';
  let previous: SqlToken | undefined;
  for (const t of tokens) {
    const text = renderToken(t, options);
    const tight =
      previous === undefined ||
      (t.kind === 'punct' && [')', ']', ',', '.'].includes(t.value)) ||
      (previous.kind === 'punct' && ['(', '[', '.'].includes(previous.value)) ||
      (t.kind === 'punct' && t.value === '(' && isCallee(previous) && previous.value.toLowerCase() !== 'in') ||
      (t.kind === 'punct' && t.value === '[' && previous.kind === 'word');
    out += (tight ? '' : ' ') + text;
    previous = t;
  }
  return out;
}

function renderToken(t: SqlToken, options: TokenizeOptions): string {
  switch (t.kind) {
    case 'string': {
      // Where a backslash starts an escape (MySQL), a backslash in the value is written doubled.
      const text = options.backslashEscapes ? t.value.replace(/\\/g, '\\\\') : t.value;
      return `'${text.replace(/'/g, "''")}'`;
    }
    case 'quoted': {
      const quote = options.identifierQuote ?? '"';
      return /^[a-z_][a-z0-9_]*$/.test(t.value) ? t.value : `${quote}${t.value.replaceAll(quote, quote + quote)}${quote}`;
    }
    default:
      return t.value;
  }
}

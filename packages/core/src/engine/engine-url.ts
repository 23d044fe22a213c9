/*
 * Parses database URLs into their parts. The engine uses the scheme to find a dialect;
 * dialects read the rest. Passwords never appear in `toString()` or in error messages.
 */
import { ConfigurationError } from '../errors/errors';

/** A parsed database URL. */
export interface EngineUrl {
  /** The scheme without `:`; `postgres` is normalised to `postgresql`. */
  readonly scheme: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** The database name, or for SQLite the file path (`:memory:` for an in-memory database). */
  readonly database: string | undefined;
  /** Query-string options, e.g. `?sslmode=require`. */
  readonly query: Readonly<Record<string, string>>;
  /** The URL with the password replaced by `***`. */
  toString(): string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Parses a database URL.
 *
 * Server URLs: `postgresql://user:password@host:port/database?option=value` (also
 * `mysql://`, `mariadb://`). SQLite: `sqlite:///relative/file.db`, `sqlite:////absolute/file.db`,
 * `sqlite::memory:`.
 * @example
 * parseEngineUrl('postgresql://postgres@127.0.0.1:5432/test').database // 'test'
 */
export function parseEngineUrl(url: string): EngineUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError(
      'No database URL given. Pass one such as postgresql://user@localhost:5432/app, mysql://root@localhost:3306/app or sqlite:///app.db.',
    );
  }
  const match = SCHEME.exec(url);
  if (!match) {
    throw new ConfigurationError(
      `Malformed database URL ${JSON.stringify(redactRaw(url))}: it has no scheme. ` +
        'Expected e.g. postgresql://user@host:5432/db, mysql://root@host:3306/db or sqlite:///file.db.',
    );
  }
  let scheme = match[1]!.toLowerCase();
  if (scheme === 'postgres') scheme = 'postgresql';
  // A driver suffix such as postgresql+pg:// is accepted and ignored: there is one driver per dialect.
  scheme = scheme.split('+')[0]!;
  if (scheme === 'sqlite') return parseSqliteUrl(url);
  return parseServerUrl(url, scheme);
}

function parseSqliteUrl(url: string): EngineUrl {
  const [body, queryString] = splitQuery(url.slice('sqlite:'.length));
  let database: string;
  if (body === ':memory:' || body === '//:memory:' || body === '///:memory:' || body === '' || body === '//') {
    database = ':memory:';
  } else if (body.startsWith('///')) {
    database = decodeURIComponent(body.slice(3));
  } else {
    throw new ConfigurationError(
      `Malformed SQLite URL ${JSON.stringify(url)}: use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite::memory:.`,
    );
  }
  const query = parseQuery(queryString);
  return makeUrl({ scheme: 'sqlite', username: undefined, password: undefined, host: undefined, port: undefined, database, query }, () =>
    database === ':memory:' ? 'sqlite::memory:' : `sqlite:///${database}`,
  );
}

function parseServerUrl(url: string, scheme: string): EngineUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigurationError(
      `Malformed database URL ${JSON.stringify(redactRaw(url))}. Expected ${scheme}://user:password@host:port/database ` +
        '(percent-encode special characters in the user name and password).',
      { cause },
    );
  }
  if (!parsed.hostname) {
    throw new ConfigurationError(`Malformed database URL ${JSON.stringify(redactRaw(url))}: it names no host. Expected ${scheme}://user:password@host:port/database.`);
  }
  let port: number | undefined;
  if (parsed.port !== '') {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ConfigurationError(`Malformed database URL ${JSON.stringify(redactRaw(url))}: port ${parsed.port} is not a valid port.`);
    }
  }
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const query: Record<string, string> = {};
  parsed.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return makeUrl({ scheme, username, password, host, port, database: path === '' ? undefined : path, query }, () => {
    const auth = username === undefined ? '' : `${encodeURIComponent(username)}${password === undefined ? '' : ':***'}@`;
    const q = new URLSearchParams(query).toString();
    return `${scheme}://${auth}${parsed.host}/${path}${q ? `?${q}` : ''}`;
  });
}

type UrlParts = Omit<EngineUrl, 'toString'>;

function makeUrl(parts: UrlParts, describe: () => string): EngineUrl {
  const text = describe();
  return Object.freeze({ ...parts, query: Object.freeze(parts.query), toString: () => text });
}

function splitQuery(text: string): [string, string] {
  const at = text.indexOf('?');
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function parseQuery(text: string): Record<string, string> {
  const query: Record<string, string> = {};
  new URLSearchParams(text).forEach((value, key) => {
    query[key] = value;
  });
  return query;
}

/**
 * Hides whatever sits between `://user:` and `@` in a string that failed to parse. A scan,
 * not a pattern: `//` + `[^@]*@` retried from every `//` is quadratic on a long URL.
 */
function redactRaw(url: string): string {
  for (let start = url.indexOf('//'); start >= 0; start = url.indexOf('//', start + 1)) {
    let colon = start + 2;
    while (colon < url.length && url[colon] !== ':' && url[colon] !== '/' && url[colon] !== '@') colon++;
    if (url[colon] !== ':') continue;
    // Any later `//` has its colon further right still, so no '@' here means none anywhere.
    const at = url.indexOf('@', colon + 1);
    return at < 0 ? url : `${url.slice(0, colon + 1)}***${url.slice(at)}`;
  }
  return url;
}

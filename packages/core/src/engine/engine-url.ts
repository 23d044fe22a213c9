/*
 * Parses database URLs into their parts. The engine uses the scheme to find a dialect;
 * dialects read the rest. A password never shows: not in `toString()`, `toJSON()`,
 * `util.inspect`, a spread copy, nor in the message or cause of an error about a URL.
 */
import { inspect } from 'node:util';
import { ConfigurationError } from '../errors/errors';

/** A parsed database URL. Printed in any way, its password and secret query options read `***`. */
export interface EngineUrl {
  /** The scheme without `:`; `postgres` is normalised to `postgresql`. */
  readonly scheme: string;
  readonly username: string | undefined;
  /** The password, for the dialect's connect(); never printed (a getter, not an own property). */
  readonly password: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** The database name, or for SQLite the file path (`:memory:` for an in-memory database). */
  readonly database: string | undefined;
  /** Query-string options, e.g. `?sslmode=require`; printed with secret ones (password, key, token...) as `***`. */
  readonly query: Readonly<Record<string, string>>;
  /** The URL with the password and secret query options replaced by `***`. */
  toString(): string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Query options whose values are secrets or point at them: password, sslpassword, sslkey, passfile, token... */
const SECRET_OPTION = /pass|pwd|secret|token|key|cred/i;

/** The one implementation of EngineUrl: the password in a private field behind a getter. */
class ParsedUrl implements EngineUrl {
  readonly scheme: string;
  readonly username: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly database: string | undefined;
  readonly query: Readonly<Record<string, string>>;
  readonly #password: string | undefined;
  readonly #text: string;

  constructor(parts: Omit<EngineUrl, 'toString'>, text: string) {
    this.scheme = parts.scheme;
    this.username = parts.username;
    this.host = parts.host;
    this.port = parts.port;
    this.database = parts.database;
    this.query = printableQuery(parts.query);
    this.#password = parts.password;
    this.#text = text;
    Object.freeze(this);
  }

  get password(): string | undefined {
    return this.#password;
  }

  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }

  [inspect.custom](): string {
    return this.#text;
  }
}

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
      `Malformed database URL ${JSON.stringify(redactUrlText(url))}: it has no scheme. ` +
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

/**
 * @internal An EngineUrl that never prints its password: parsed from text, or rebuilt from
 * the parts of an object made elsewhere (whose own printing Strata cannot vouch for).
 */
export function toEngineUrl(url: string | EngineUrl): EngineUrl {
  if (typeof url === 'string') return parseEngineUrl(url);
  if (url instanceof ParsedUrl) return url;
  const parts = { ...url, query: { ...url.query }, password: url.password };
  return new ParsedUrl(parts, parts.scheme === 'sqlite' ? sqliteText(parts.database ?? ':memory:', parts.query) : serverText(parts));
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
      `Malformed SQLite URL ${JSON.stringify(redactUrlText(url))}: use sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite::memory:.`,
    );
  }
  const query = parseQuery(queryString);
  const parts = { scheme: 'sqlite', username: undefined, password: undefined, host: undefined, port: undefined, database, query };
  return new ParsedUrl(parts, sqliteText(database, query));
}

function parseServerUrl(url: string, scheme: string): EngineUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not kept as cause: the URL constructor's error carries the whole text as `input`.
    throw new ConfigurationError(
      `Malformed database URL ${JSON.stringify(redactUrlText(url))}. Expected ${scheme}://user:password@host:port/database ` +
        '(percent-encode special characters in the user name and password).',
    );
  }
  if (!parsed.hostname) {
    throw new ConfigurationError(`Malformed database URL ${JSON.stringify(redactUrlText(url))}: it names no host. Expected ${scheme}://user:password@host:port/database.`);
  }
  let port: number | undefined;
  if (parsed.port !== '') {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ConfigurationError(`Malformed database URL ${JSON.stringify(redactUrlText(url))}: port ${parsed.port} is not a valid port.`);
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
  const parts = { scheme, username, password, host, port, database: path === '' ? undefined : path, query };
  return new ParsedUrl(parts, serverText(parts));
}

/** `scheme://user:***@host:port/database?options`, secret options hidden. */
function serverText(parts: Omit<EngineUrl, 'toString'>): string {
  const { scheme, username, password, host, port, database, query } = parts;
  const auth = username === undefined ? (password === undefined ? '' : ':***@') : `${encodeURIComponent(username)}${password === undefined ? '' : ':***'}@`;
  const where = host === undefined ? '' : host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${auth}${where}${port === undefined ? '' : `:${port}`}/${database ?? ''}${queryText(query)}`;
}

function sqliteText(database: string, query: Readonly<Record<string, string>>): string {
  return (database === ':memory:' ? 'sqlite::memory:' : `sqlite:///${database}`) + queryText(query);
}

function queryText(query: Readonly<Record<string, string>>): string {
  const shown = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) shown.append(key, SECRET_OPTION.test(key) ? '***' : value);
  const text = shown.toString();
  return text ? `?${text}` : '';
}

/**
 * The options, frozen, printing (inspect, JSON) with secret values hidden. A secret value is
 * a getter rather than a stored property, so nothing that walks the object's own data
 * (a logger's serializer, a deep copy) comes upon it; reading it on purpose still works.
 */
function printableQuery(query: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (SECRET_OPTION.test(key)) Object.defineProperty(options, key, { get: () => value, enumerable: true });
    else options[key] = value;
  }
  const hidden = () => Object.fromEntries(Object.keys(options).map((key) => [key, SECRET_OPTION.test(key) ? '***' : options[key]]));
  Object.defineProperty(options, inspect.custom, { value: (_depth: number, inspectOptions: object) => inspect(hidden(), inspectOptions) });
  Object.defineProperty(options, 'toJSON', { value: hidden });
  return Object.freeze(options);
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
 * @internal A URL text that may not parse, with whatever could be a password hidden: after
 * `//user:` everything up to the last `@` (a password may hold `@`, `/`, `#`); without `//`
 * everything between the scheme and the last `@`; a non-numeric "port" where no `@` is; and
 * the values of secret query options.
 */
export function redactUrlText(text: string): string {
  const scheme = SCHEME.exec(text)?.[0] ?? '';
  let rest = text.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (rest.startsWith('//')) {
    if (at >= 0) {
      const info = rest.slice(2, at);
      const colon = info.indexOf(':');
      if (colon >= 0) rest = `//${info.slice(0, colon)}:***${rest.slice(at)}`;
    } else {
      rest = rest.replace(/^(\/\/[^/?#:]*):(?!\d*(?:[/?#]|$))[^/?#]*/, '$1:***');
    }
  } else if (at >= 0) {
    rest = `***${rest.slice(at)}`;
  }
  return scheme + rest.replace(/([?&;][^=&#?;]*=)([^&#]*)/g, (whole, name: string) => (SECRET_OPTION.test(name) ? `${name}***` : whole));
}

/*
 * Finds the dialect for a URL scheme. Dialect packages register themselves when
 * imported; for the known schemes the registry imports the package on first use, so
 * core never depends on a dialect package at build time.
 */
import { ConfigurationError } from '../errors/errors';
import type { DialectFactory } from './dialect';

const factories = new Map<string, DialectFactory>();

/** The package that provides each built-in scheme, and the driver it needs. */
const KNOWN_PACKAGES: Readonly<Record<string, { pkg: string; driver: string }>> = {
  postgresql: { pkg: '@strata/postgres', driver: 'pg' },
  mysql: { pkg: '@strata/mysql', driver: 'mysql2' },
  mariadb: { pkg: '@strata/mysql', driver: 'mysql2' },
  sqlite: { pkg: '@strata/sqlite', driver: 'better-sqlite3' },
};

/**
 * Registers a dialect factory for one or more URL schemes. Dialect packages call this on import.
 * @example
 * registerDialect(['cockroachdb'], (url, options) => new MyDialect(url, options));
 */
export function registerDialect(schemes: readonly string[], factory: DialectFactory): void {
  for (const scheme of schemes) factories.set(scheme.toLowerCase(), factory);
}

/** The factory for a scheme, importing the built-in package for it when needed. */
export function dialectFactoryFor(scheme: string): DialectFactory {
  const registered = factories.get(scheme);
  if (registered) return registered;
  const known = KNOWN_PACKAGES[scheme];
  if (!known) {
    const schemes = [...new Set([...Object.keys(KNOWN_PACKAGES), ...factories.keys()])].sort();
    throw new ConfigurationError(
      `Unknown database URL scheme '${scheme}://'. Strata knows: ${schemes.map((s) => `${s}://`).join(', ')}. ` +
        'A dialect for another scheme must be registered with registerDialect() (from @strata/core/dialect) before createEngine().',
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(known.pkg);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((cause as Error).message).includes(known.pkg)) {
      throw new ConfigurationError(
        `The URL scheme '${scheme}://' needs the ${known.pkg} package, which is not installed. Run: npm install ${known.pkg} ${known.driver}`,
        { cause },
      );
    }
    throw cause;
  }
  const loaded = factories.get(scheme);
  if (!loaded) {
    throw new ConfigurationError(`${known.pkg} was loaded but registered no dialect for '${scheme}://'; its version may not match @strata/core.`);
  }
  return loaded;
}

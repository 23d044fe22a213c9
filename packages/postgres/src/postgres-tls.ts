/*
 * The URL's `sslmode` as libpq reads it, turned into the connection attempts the dialect
 * makes in order: each one with TLS (and how the server's certificate is checked) or
 * without. `prefer` tries TLS first and then a plain connection; `allow` the other way.
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError, type EngineUrl } from '@strata/core';
import type { ConnectionOptions } from 'node:tls';

/** The sslmode values libpq knows. */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** One way to connect: TLS options for pg, or false for a plain connection. */
export type TlsAttempt = ConnectionOptions | false;

/** The connection attempts an sslmode makes, and whether the mode named one at all. */
export interface TlsPlan {
  /** The mode as given; undefined when the URL names none (pg then reads PGSSLMODE). */
  readonly mode: (typeof SSL_MODES)[number] | undefined;
  /** Built at each connect, so a root certificate file replaced on disk is read again. */
  attempts(): TlsAttempt[];
}

/**
 * Reads `sslmode` and `sslrootcert` from a PostgreSQL URL, as libpq documents them:
 * disable (no TLS), allow (plain, then TLS), prefer (TLS, then plain), require (TLS
 * without checking the certificate, unless `sslrootcert` is given: then as verify-ca),
 * verify-ca (the certificate must chain to `sslrootcert`, or to Node's trusted CAs
 * without one), verify-full (verify-ca and the host name must match the certificate).
 * @example
 * tlsPlan(parseEngineUrl('postgresql://app@db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem')).attempts()
 */
export function tlsPlan(url: EngineUrl): TlsPlan {
  const given = url.query.sslmode;
  if (given !== undefined && !(SSL_MODES as readonly string[]).includes(given)) {
    throw new ConfigurationError(`PostgreSQL URL option sslmode must be one of ${SSL_MODES.join(', ')}; got ${JSON.stringify(given)}.`);
  }
  const mode = given as TlsPlan['mode'];
  const rootCert = url.query.sslrootcert;
  const unchecked: ConnectionOptions = { rejectUnauthorized: false };
  const checked = (hostName: boolean): ConnectionOptions => {
    const options: ConnectionOptions = { rejectUnauthorized: true };
    if (rootCert !== undefined && rootCert !== 'system') options.ca = readRootCert(rootCert);
    // verify-ca: the chain is checked, the name in the certificate is not.
    if (!hostName) options.checkServerIdentity = () => undefined;
    return options;
  };
  const attempts = (): TlsAttempt[] => {
    switch (mode) {
      case undefined:
      case 'disable':
        return [false];
      case 'allow':
        return [false, unchecked];
      case 'prefer':
        return [unchecked, false];
      case 'require':
        return [rootCert === undefined ? unchecked : checked(false)];
      case 'verify-ca':
        return [checked(false)];
      case 'verify-full':
        return [checked(true)];
    }
  };
  return { mode, attempts };
}

function readRootCert(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigurationError(`PostgreSQL URL option sslrootcert names ${JSON.stringify(path)}, which cannot be read: ${(cause as Error).message}. Give the path of the CA certificate (PEM) the server's certificate is signed by.`, { cause });
  }
}

/*
 * One wording for "could not connect" across dialects: what was tried, what went wrong
 * in plain words, and what to check, with the driver's error kept as cause.
 */
import { ConnectionFailedError } from '../errors/errors';

/** Why a connection attempt failed, as far as a dialect can tell. */
export type ConnectFailure = 'refused' | 'host' | 'unreachable' | 'timeout' | 'auth' | 'database' | 'tls' | 'other';

const ADVICE: Record<ConnectFailure, string> = {
  refused: 'the connection was refused. Is the server running and listening on that host and port?',
  host: 'the host name could not be resolved. Check the host in the URL.',
  unreachable: 'the host is unreachable from here (no route to it). Check the host in the URL and the network.',
  timeout: 'the server did not answer in time (connectTimeout). Check the host, the port and any firewall.',
  auth: 'authentication failed. Check the user name and password in the URL.',
  database: 'the database does not exist. Create it, or fix the database name in the URL.',
  tls: "no TLS connection could be made as the URL's sslmode asks: the server may not accept TLS, or its certificate did not pass the checks. Check the server's ssl setting and certificate, or sslmode (and sslrootcert) in the URL.",
  other: 'the driver reported an error.',
};

/** Sorts common Node socket error codes; dialects add their server's own codes. */
export function socketFailure(code: string | undefined): ConnectFailure | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timeout';
    default:
      return undefined;
  }
}

/** Builds the error a dialect's `connect()` rejects with. */
export function connectionFailed(target: string, failure: ConnectFailure, error: unknown, driverCode?: string): ConnectionFailedError {
  // Read as a property: errors from Node's own modules fail instanceof Error inside a vm context (test runners).
  const message = (error as { message?: unknown } | undefined)?.message;
  const detail = typeof message === 'string' && message ? ` (${message})` : '';
  return new ConnectionFailedError(`Could not connect to ${target}: ${ADVICE[failure]}${detail}`, { cause: error, driverCode });
}

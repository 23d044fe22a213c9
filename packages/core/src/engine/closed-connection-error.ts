/*
 * A marker a dialect connection throws when asked to run a statement after it learned
 * its socket had closed: such a statement provably never reached the server, so the
 * engine may replay it on a new connection.
 */

/** Thrown by dialect connections for a statement refused before sending. Dialects classify it as `disconnect` with `neverSent`. */
export class ClosedConnectionError extends Error {
  constructor(what: string) {
    super(`${what}: the connection was already closed; the statement was not sent`);
    this.name = 'ClosedConnectionError';
  }
}

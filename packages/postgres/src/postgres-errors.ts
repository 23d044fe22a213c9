/*
 * Sorts pg driver errors into Strata's kinds by SQLSTATE class, and by Node socket
 * codes and pg's own messages for connections that died.
 */
import { ClosedConnectionError, type ErrorClassification } from '@strata/core';

/** SQLSTATEs after which the connection cannot be used. */
const DISCONNECT_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '25P03']);
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** pg's messages for a client that refuses to send because its connection is gone. */
const NOT_QUERYABLE = /not queryable|Client was closed/i;
const TERMINATED = /Connection terminated|terminating connection|server closed the connection/i;

/** Classifies an error thrown by the pg driver. */
export function classifyPostgresError(error: unknown): ErrorClassification {
  if (error instanceof ClosedConnectionError) return { kind: 'disconnect', neverSent: true };
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const cls = code.slice(0, 2);
    // Class 08 can also be raised by extensions on a healthy connection; a real loss closes the socket, which the engine checks.
    if (DISCONNECT_STATES.has(code)) return { kind: 'disconnect', code };
    if (cls === '23') return { kind: 'integrity', code, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
    if (cls === '22') return { kind: 'data', code };
    if (code === '40001' || code === '40P01') return { kind: 'serialization', code };
    // Class 21 (cardinality_violation): the statement's rows are wrong, e.g. a multi-row upsert that names one key twice.
    if (cls === '42' || cls === '21' || cls === '26' || cls === '34' || cls === '0A' || cls === '2B' || cls === '3F') return { kind: 'programming', code };
    if (cls === '28' || code === '3D000') return { kind: 'connect', code };
    return { kind: 'operational', code };
  }
  if (code && SOCKET_CODES.has(code)) return { kind: 'disconnect', code };
  if (NOT_QUERYABLE.test(message)) return { kind: 'disconnect', neverSent: true };
  if (TERMINATED.test(message)) return { kind: 'disconnect' };
  if (/bind message supplies|could not determine data type/i.test(message)) return { kind: 'programming', code };
  return { kind: 'operational', code };
}

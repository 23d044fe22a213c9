/*
 * JSON Web Tokens signed with HS256 (HMAC-SHA256 from node:crypto): just what Conduit
 * needs, a user id and an expiry. Verification checks the header, the signature in
 * constant time and the expiry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a Conduit token carries. */
export interface TokenClaims {
  /** The user's id. */
  readonly sub: number;
  /** Expiry, in seconds since the epoch. */
  readonly exp: number;
}

/** Tokens live this long: 7 days, in seconds. */
const LIFETIME = 7 * 24 * 60 * 60;
const HEADER = encode({ alg: 'HS256', typ: 'JWT' });

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signature(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** A signed token for a user. */
export function signToken(userId: number, secret: string, now = Date.now()): string {
  const payload = encode({ sub: userId, exp: Math.floor(now / 1000) + LIFETIME });
  return `${HEADER}.${payload}.${signature(`${HEADER}.${payload}`, secret).toString('base64url')}`;
}

/** The claims of a valid, unexpired token signed with `secret`; undefined for anything else. */
export function verifyToken(token: string, secret: string, now = Date.now()): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, given] = parts as [string, string, string];
  if (header !== HEADER) return undefined;
  const expected = signature(`${header}.${payload}`, secret);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
  } catch {
    return undefined;
  }
  if (typeof claims.sub !== 'number' || typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return undefined;
  return { sub: claims.sub, exp: claims.exp };
}

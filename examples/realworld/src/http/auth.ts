/*
 * Authentication: `Authorization: Token <jwt>` is checked once per request, without
 * touching the database; handlers then ask for the viewer's id, required or optional.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { verifyToken } from '../auth/jwt';
import { unauthorized } from './errors';

const SCHEME = /^Token\s+(\S+)$/;

/**
 * Reads the token, if any, into `res.locals.viewerId`. A request without one goes on
 * anonymously; one with a bad or expired token is refused with 401.
 */
export function authentication(secret: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (header === undefined) return next();
    const token = SCHEME.exec(header)?.[1];
    const claims = token === undefined ? undefined : verifyToken(token, secret);
    if (!claims) return next(unauthorized());
    res.locals.viewerId = claims.sub;
    next();
  };
}

/** The authenticated user's id, or undefined for an anonymous request. */
export function viewerId(res: Response): number | undefined {
  return res.locals.viewerId as number | undefined;
}

/** The authenticated user's id; 401 for an anonymous request. */
export function requireViewer(res: Response): number {
  const id = viewerId(res);
  if (id === undefined) throw unauthorized();
  return id;
}

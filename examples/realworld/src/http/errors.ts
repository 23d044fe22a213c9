/*
 * Conduit's error responses, `{ errors: { field: ["message"] } }`, and the Express
 * plumbing around them: async handlers forward their rejections, and one error handler
 * turns HttpErrors, bad JSON and unique-key races into the right status.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { IntegrityError } from '@strata/core';

/** An error with its HTTP status and Conduit error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: Readonly<Record<string, readonly string[]>>;

  constructor(status: number, errors: Record<string, readonly string[]>) {
    super(Object.entries(errors).map(([field, messages]) => `${field} ${messages.join(', ')}`).join('; '));
    this.status = status;
    this.errors = errors;
  }
}

/** 422: a field of the request is missing or invalid. */
export function invalid(field: string, message: string): HttpError {
  return new HttpError(422, { [field]: [message] });
}

/** 401: no token, or a bad one, or wrong credentials. */
export function unauthorized(message = 'missing or invalid token'): HttpError {
  return new HttpError(401, { token: [message] });
}

/** 403: authenticated, but not the owner. */
export function forbidden(what: string): HttpError {
  return new HttpError(403, { [what]: ['may only be changed by its author'] });
}

/** 404: nothing by that name. */
export function notFound(what: string): HttpError {
  return new HttpError(404, { [what]: ['not found'] });
}

/** Wraps an async route handler so that a rejection reaches the error handler (Express 4 does not). */
export function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

/** The last middleware: every failure becomes a Conduit error body. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof HttpError) {
    res.status(error.status).json({ errors: error.errors });
  } else if (isBadJson(error)) {
    res.status(422).json({ errors: { body: ['is not valid JSON'] } });
  } else if (error instanceof IntegrityError) {
    // Two requests raced for the same unique value; the checks before the insert saw neither. The field is the entity's property.
    res.status(422).json({ errors: { [error.properties?.[0] ?? error.constraint ?? 'body']: ['has already been taken'] } });
  } else {
    console.error(error);
    res.status(500).json({ errors: { server: ['internal error'] } });
  }
};

function isBadJson(error: unknown): boolean {
  return error instanceof SyntaxError && (error as { type?: string }).type === 'entity.parse.failed';
}

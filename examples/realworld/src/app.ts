/*
 * The Conduit API as an Express app: one Strata session per request (scopedSession and
 * its middleware), the token read once per request, the routers under /api, and one
 * error handler that writes Conduit's error bodies.
 */
import express, { type Express } from 'express';
import { createEngine, MetaData, scopedSession, sessionMaker, type Engine } from '@strata/core';
import '@strata/sqlite';
import '@strata/postgres';
import '@strata/mysql';
import type { AppContext } from './context';
import { entities } from './entities';
import { authentication } from './http/auth';
import { errorHandler, notFound } from './http/errors';
import { articlesRouter } from './routes/articles';
import { commentsRouter } from './routes/comments';
import { profilesRouter } from './routes/profiles';
import { tagsRouter } from './routes/tags';
import { usersRouter } from './routes/users';

/** Options of createApp. */
export interface AppOptions {
  /** The database; default `sqlite:///realworld.db`. The schema comes from the migrations (`strata upgrade head`). */
  url?: string;
  /** The secret tokens are signed with; default a development-only value. */
  secret?: string;
}

/** The app and the engine behind it (dispose it when done). */
export interface ConduitApp {
  readonly app: Express;
  readonly engine: Engine;
}

/**
 * Makes the Conduit app over a database whose schema is migrated.
 * @example
 * const { app, engine } = createApp({ url: 'sqlite:///realworld.db' });
 * const server = app.listen(3000);
 */
export function createApp(options: AppOptions = {}): ConduitApp {
  const engine = createEngine(options.url ?? 'sqlite:///realworld.db', { poolSize: 10 });
  const Session = sessionMaker({ bind: engine, registry: new MetaData(entities) });
  const context: AppContext = { db: scopedSession(Session), secret: options.secret ?? 'conduit-development-secret' };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  app.use(context.db.middleware());
  app.use(authentication(context.secret));
  const api = express.Router();
  for (const router of [usersRouter, profilesRouter, articlesRouter, commentsRouter, tagsRouter]) api.use(router(context));
  app.use('/api', api);
  app.use((_req, _res, next) => next(notFound('route')));
  app.use(errorHandler);
  return { app, engine };
}

/*
 * GET /tags: every tag in use, in name order.
 */
import { Router } from 'express';
import { select } from '@strata/core';
import type { AppContext } from '../context';
import { Tag } from '../entities';
import { handle } from '../http/errors';

/** GET /tags. */
export function tagsRouter(context: AppContext): Router {
  const router = Router();
  router.get('/tags', handle(async (_req, res) => {
    const tags = await context.db.current().scalars(
      select(Tag).join((t) => t.articles).distinct().orderBy((t) => t.name),
    );
    res.json({ tags: tags.map((tag) => tag.name) });
  }));
  return router;
}

/*
 * Comments of an article: GET and POST /articles/:slug/comments, DELETE /articles/:slug/comments/:id.
 */
import { Router } from 'express';
import { select, selectinLoad } from '@strata/core';
import { write, type AppContext } from '../context';
import { Comment } from '../entities';
import { requireViewer, viewerId } from '../http/auth';
import { forbidden, handle, notFound } from '../http/errors';
import { requiredText, section } from '../http/input';
import { articleBySlug, followedAmong, viewer } from '../queries';
import { commentView } from '../views';

/** The comment routes of an article. */
export function commentsRouter(context: AppContext): Router {
  const router = Router();

  router.get('/articles/:slug/comments', handle(async (req, res) => {
    const session = context.db.current();
    const article = await articleBySlug(session, req.params.slug!);
    const comments = await session.scalars(
      select(Comment).where((c) => c.article.eq(article)).orderBy((c) => c.id).options(selectinLoad(Comment, 'author')),
    );
    const followed = await followedAmong(session, viewerId(res), comments.map((c) => c.author.id));
    res.json({ comments: comments.map((c) => commentView(c, followed.has(c.author.id))) });
  }));

  router.post('/articles/:slug/comments', handle(async (req, res) => {
    const me = requireViewer(res);
    const body = requiredText(section(req.body, 'comment'), 'body');
    const comment = await write(context, async (session) => {
      const comment = Object.assign(new Comment(), { body, article: await articleBySlug(session, req.params.slug!), author: await viewer(session, me) });
      session.add(comment);
      return comment;
    });
    res.json({ comment: commentView(comment, false) });
  }));

  router.delete('/articles/:slug/comments/:id', handle(async (req, res) => {
    const me = requireViewer(res);
    await write(context, async (session) => {
      const article = await articleBySlug(session, req.params.slug!);
      const id = Number(req.params.id);
      const comment = Number.isSafeInteger(id) ? await session.get(Comment, id, { options: [selectinLoad(Comment, 'author'), selectinLoad(Comment, 'article')] }) : undefined;
      if (!comment || comment.article !== article) throw notFound('comment');
      if (comment.author.id !== me) throw forbidden('comment');
      session.delete(comment);
    });
    res.sendStatus(204);
  }));

  return router;
}

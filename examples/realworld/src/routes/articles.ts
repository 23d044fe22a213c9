/*
 * Articles: lists and the feed, create / read / update / delete by slug, and favorites.
 */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { insert, select, type Loaded, type Session } from '@strata/core';
import { write, type AppContext } from '../context';
import { Article, Favorite, Tag } from '../entities';
import { requireViewer, viewerId } from '../http/auth';
import { forbidden, handle } from '../http/errors';
import { optionalText, queryInteger, queryText, requiredText, section, textList } from '../http/input';
import { articleBySlug, articleViews, listArticles, viewer, type Page } from '../queries';
import type { ShownArticle } from '../views';

/** The article routes: lists, feed, CRUD by slug, favorite and unfavorite. */
export function articlesRouter(context: AppContext): Router {
  const router = Router();
  const page = (query: Record<string, unknown>): Page => ({
    limit: queryInteger(query.limit, 'limit', 20, 1, 100),
    offset: queryInteger(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  });
  const single = async (session: Session, article: ShownArticle, viewer: number | undefined) => ({ article: (await articleViews(session, [article], viewer))[0] });

  router.get('/articles', handle(async (req, res) => {
    const filter = { tag: queryText(req.query.tag, 'tag'), author: queryText(req.query.author, 'author'), favoritedBy: queryText(req.query.favorited, 'favorited') };
    res.json(await listArticles(context.db.current(), filter, page(req.query), viewerId(res)));
  }));

  router.get('/articles/feed', handle(async (req, res) => {
    const me = requireViewer(res);
    res.json(await listArticles(context.db.current(), { followedBy: me }, page(req.query), me));
  }));

  router.post('/articles', handle(async (req, res) => {
    const me = requireViewer(res);
    const fields = section(req.body, 'article');
    const title = requiredText(fields, 'title');
    const description = requiredText(fields, 'description');
    const body = requiredText(fields, 'body');
    const tagList = textList(fields, 'tagList') ?? [];
    const response = await write(context, async (session) => {
      // Typed as the view it becomes, so tags from a query (loaded Tag objects) fit its relationship.
      const article: ShownArticle = Object.assign(new Article(), { title, description, body, slug: await freeSlug(session, title) });
      article.author = await viewer(session, me);
      article.tags = await tagsNamed(session, tagList);
      session.add(article);
      await session.flush();
      return single(session, article, me);
    });
    res.status(201).json(response);
  }));

  router.get('/articles/:slug', handle(async (req, res) => {
    const session = context.db.current();
    res.json(await single(session, await articleBySlug(session, req.params.slug!), viewerId(res)));
  }));

  router.put('/articles/:slug', handle(async (req, res) => {
    const me = requireViewer(res);
    const fields = section(req.body, 'article');
    const title = optionalText(fields, 'title');
    const description = optionalText(fields, 'description');
    const body = optionalText(fields, 'body');
    const tagList = textList(fields, 'tagList');
    const response = await write(context, async (session) => {
      const article = await ownArticle(session, req.params.slug!, me);
      if (title !== undefined && title !== article.title) {
        article.title = title;
        article.slug = await freeSlug(session, title);
      }
      if (description !== undefined) article.description = description;
      if (body !== undefined) article.body = body;
      if (tagList !== undefined) article.tags = await tagsNamed(session, tagList);
      await session.flush();
      return single(session, article, me);
    });
    res.json(response);
  }));

  router.delete('/articles/:slug', handle(async (req, res) => {
    const me = requireViewer(res);
    await write(context, async (session) => {
      // Its tag links go with it (many-to-many rows); comments and favorites by ON DELETE CASCADE.
      session.delete(await ownArticle(session, req.params.slug!, me));
    });
    res.sendStatus(204);
  }));

  router.post('/articles/:slug/favorite', handle(async (req, res) => {
    const me = requireViewer(res);
    const response = await write(context, async (session) => {
      const article = await articleBySlug(session, req.params.slug!);
      // The (user, article) primary key makes a repeated or concurrent favorite a no-op, never a second row.
      await session.execute(insert(Favorite).values({ userId: me, articleId: article.id }).onConflict({ target: ['userId', 'articleId'], set: 'nothing' }));
      return single(session, article, me);
    });
    res.json(response);
  }));

  router.delete('/articles/:slug/favorite', handle(async (req, res) => {
    const me = requireViewer(res);
    const response = await write(context, async (session) => {
      const article = await articleBySlug(session, req.params.slug!);
      const favorite = await session.get(Favorite, [me, article.id]);
      if (favorite) session.delete(favorite);
      await session.flush();
      return single(session, article, me);
    });
    res.json(response);
  }));

  return router;
}

/** The article with this slug if `me` wrote it: 404 when there is none, 403 when it is someone else's. */
async function ownArticle(session: Session, slug: string, me: number): Promise<ShownArticle> {
  const article = await articleBySlug(session, slug);
  if (article.authorId !== me) throw forbidden('article');
  return article;
}

/** The tags with these names, made where missing, in name order. */
async function tagsNamed(session: Session, names: readonly string[]): Promise<Loaded<Tag>[]> {
  const wanted = [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
  if (wanted.length === 0) return [];
  // Insert-or-ignore: two articles introducing the same new tag at once both end up with the one row.
  await session.execute(insert(Tag).values(wanted.map((name) => ({ name }))).onConflict({ target: ['name'], set: 'nothing' }));
  return session.scalars(select(Tag).where((t) => t.name.in(wanted)).orderBy((t) => t.name));
}

/** A slug from the title, with a random suffix when the plain one is taken. */
async function freeSlug(session: Session, title: string): Promise<string> {
  const base = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 200) || 'article';
  const taken = await session.scalar(select(Article).where({ slug: base }));
  return taken ? `${base}-${randomBytes(4).toString('hex')}` : base;
}

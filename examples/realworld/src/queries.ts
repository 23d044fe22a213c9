/*
 * The reads the routes share. Related data comes in a fixed number of statements per
 * page, never one per article: authors and tags by selectinLoad, favorite counts, the
 * viewer's favorites and follows by one grouped or IN query each.
 */
import { and, exists, func, ref, select, selectinLoad, type EntityRef, type Loaded, type Session } from '@strata/core';
import { Article, Favorite, Follow, Tag, User } from './entities';
import { notFound } from './http/errors';
import { articleView, type ArticleFacts, type ArticleView, type ShownArticle } from './views';

/** Which articles a list shows. */
export interface ArticleFilter {
  /** Articles with this tag. */
  readonly tag?: string;
  /** Articles by the user with this username. */
  readonly author?: string;
  /** Articles favorited by the user with this username. */
  readonly favoritedBy?: string;
  /** Articles by the users this user follows (the feed). */
  readonly followedBy?: number;
}

/** A page of a list. */
export interface Page {
  readonly limit: number;
  readonly offset: number;
}

const users = ref(User);
const favorites = ref(Favorite);
const follows = ref(Follow);

/** The user with this username; 404 if there is none. */
export async function userByName(session: Session, username: string): Promise<User> {
  const user = await session.scalar(select(User).where({ username }));
  if (!user) throw notFound('profile');
  return user;
}

/** The user an authenticated request acts as; 404 if the token outlived its user. */
export async function viewer(session: Session, id: number): Promise<User> {
  const user = await session.get(User, id);
  if (!user) throw notFound('user');
  return user;
}

/** The article with this slug, with its author and tags; 404 if there is none. */
export async function articleBySlug(session: Session, slug: string): Promise<ShownArticle> {
  const article = await session.scalar(select(Article).where({ slug }).options(selectinLoad(Article, 'author'), selectinLoad(Article, 'tags')));
  if (!article) throw notFound('article');
  return article;
}

/** Of these users, the ones the viewer follows. */
export async function followedAmong(session: Session, viewerId: number | undefined, userIds: readonly number[]): Promise<Set<number>> {
  if (viewerId === undefined || userIds.length === 0) return new Set();
  const rows = await session.execute(
    select({ id: follows.followedId }).where(and(follows.followerId.eq(viewerId), follows.followedId.in([...new Set(userIds)]))),
  );
  return new Set(rows.map((row) => row.id));
}

/** Favorite counts, the viewer's favorites and follows for a page of articles: three statements. */
export async function articleFacts(session: Session, articles: readonly Loaded<Article, 'author'>[], viewerId: number | undefined): Promise<ArticleFacts> {
  const ids = articles.map((a) => a.id);
  if (ids.length === 0) return { favoritesCount: new Map(), favorited: new Set(), followedAuthors: new Set() };
  const counts = await session.execute(
    select({ articleId: favorites.articleId, n: func.count() }).where(favorites.articleId.in(ids)).groupBy(favorites.articleId),
  );
  const mine = viewerId === undefined
    ? []
    : await session.execute(select({ articleId: favorites.articleId }).where(and(favorites.userId.eq(viewerId), favorites.articleId.in(ids))));
  return {
    favoritesCount: new Map(counts.map((row) => [row.articleId, row.n])),
    favorited: new Set(mine.map((row) => row.articleId)),
    followedAuthors: await followedAmong(session, viewerId, articles.map((a) => a.author.id)),
  };
}

/** Articles (author and tags loaded) as the viewer sees them. */
export async function articleViews(session: Session, articles: readonly ShownArticle[], viewerId: number | undefined): Promise<ArticleView[]> {
  const facts = await articleFacts(session, articles, viewerId);
  return articles.map((article) => articleView(article, facts));
}

/** One page of articles, newest first, and how many match in all. */
export async function listArticles(session: Session, filter: ArticleFilter, page: Page, viewerId: number | undefined): Promise<{ articles: ArticleView[]; articlesCount: number }> {
  const articlesCount = await session.one(select({ n: func.count() }).from(Article).where((a) => articleCondition(a, filter)));
  const articles = await session.scalars(
    select(Article)
      .where((a) => articleCondition(a, filter))
      .orderBy((a) => [a.createdAt.desc(), a.id.desc()])
      .limit(page.limit)
      .offset(page.offset)
      .options(selectinLoad(Article, 'author'), selectinLoad(Article, 'tags')),
  );
  return { articles: await articleViews(session, articles, viewerId), articlesCount };
}

/**
 * The filter as one condition of subqueries, so each article is one row: the page's
 * LIMIT counts articles, and a tag filter leaves every article's own tag list whole.
 */
function articleCondition(a: EntityRef<Article>, filter: ArticleFilter) {
  const userNamed = (username: string) => select({ id: users.id }).where(users.username.eq(username));
  return and(
    filter.author === undefined ? undefined : a.authorId.in(userNamed(filter.author)),
    filter.favoritedBy === undefined
      ? undefined
      : a.id.in(select({ id: favorites.articleId }).where(favorites.userId.in(userNamed(filter.favoritedBy)))),
    filter.tag === undefined
      ? undefined
      : exists(select(Tag).join((t) => t.articles, 'tagged').where((t, tagged) => and(t.name.eq(filter.tag!), tagged.id.eq(a.id)))),
    filter.followedBy === undefined
      ? undefined
      : a.authorId.in(select({ id: follows.followedId }).where(follows.followerId.eq(filter.followedBy))),
  );
}

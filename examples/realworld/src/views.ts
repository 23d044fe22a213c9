/*
 * The JSON shapes of openapi.yml, built from loaded entities and the per-page facts
 * (following, favorited, favoritesCount) that the queries computed for them.
 */
import type { Loaded } from '@strata/core';
import type { Article, Comment, User } from './entities';

/** A user as the owner sees it (with a token). */
export interface UserView {
  email: string;
  token: string;
  username: string;
  bio: string | null;
  image: string | null;
}

/** A user as others see it. */
export interface ProfileView {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

/** An article with its author, sorted tags and favorite facts. */
export interface ArticleView {
  slug: string;
  title: string;
  description: string;
  body: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: ProfileView;
}

/** A comment with its author. */
export interface CommentView {
  id: number;
  createdAt: string;
  updatedAt: string;
  body: string;
  author: ProfileView;
}

/** What a page of articles knows about the viewer and the favorites, from grouped queries. */
export interface ArticleFacts {
  readonly favoritesCount: ReadonlyMap<number, number>;
  readonly favorited: ReadonlySet<number>;
  readonly followedAuthors: ReadonlySet<number>;
}

/** The user as its owner sees it, with a fresh token. */
export function userView(user: User, token: string): UserView {
  return { email: user.email, token, username: user.username, bio: user.bio ?? null, image: user.image ?? null };
}

/** The user as the viewer sees it. */
export function profileView(user: User, following: boolean): ProfileView {
  return { username: user.username, bio: user.bio ?? null, image: user.image ?? null, following };
}

/** An article with what its view shows loaded. */
export type ShownArticle = Loaded<Article, 'author' | 'tags'>;

/** An article as the viewer sees it; tags come in name order (the relationship's orderBy). */
export function articleView(article: ShownArticle, facts: ArticleFacts): ArticleView {
  return {
    slug: article.slug,
    title: article.title,
    description: article.description,
    body: article.body,
    tagList: article.tags.map((tag) => tag.name),
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    favorited: facts.favorited.has(article.id),
    favoritesCount: facts.favoritesCount.get(article.id) ?? 0,
    author: profileView(article.author, facts.followedAuthors.has(article.author.id)),
  };
}

/** A comment as the viewer sees it. */
export function commentView(comment: Loaded<Comment, 'author'>, following: boolean): CommentView {
  return {
    id: comment.id,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
    body: comment.body,
    author: profileView(comment.author, following),
  };
}

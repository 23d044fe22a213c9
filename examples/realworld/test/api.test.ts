/*
 * What the Postman collection does not check, on each dialect: pagination that counts
 * articles and keeps every tag list whole, a fixed number of statements per page, the
 * error bodies (422, 401, 403, 404), and favorites counted exactly under concurrency.
 */
import { selectedDialects, testUrl } from '@strata/testkit';
import { client, dropSchema, migrate, startApp, type RunningApp } from './support/conduit';

// Every dialect, unless STRATA_DIALECTS narrows the run on purpose (the others are then not registered at all).
for (const dialect of selectedDialects()) {
  describe(`${dialect}: the Conduit API beyond the collection`, () => {
    const url = testUrl(dialect);
    let app: RunningApp;
    let call: ReturnType<typeof client>;

    /** Registers a user and returns its token. */
    const register = async (username: string): Promise<string> => {
      const reply = await call('POST', '/users', { body: { user: { username, email: `${username}@example.com`, password: 'secret-password' } } });
      expect(reply.status).toBe(201);
      return reply.body.user.token as string;
    };
    const newArticle = async (token: string, title: string, tagList: string[] = []): Promise<string> => {
      const reply = await call('POST', '/articles', { token, body: { article: { title, description: `about ${title}`, body: `${title} body`, tagList } } });
      expect(reply.status).toBe(201);
      return reply.body.article.slug as string;
    };

    beforeAll(async () => {
      await dropSchema(url);
      await migrate(url);
      app = await startApp(url);
      call = client(app.api);
    }, 180_000);

    afterAll(async () => {
      await app?.close();
      await dropSchema(url);
    });

    test('25 articles with 3 tags: limit=20&offset=20 gives the last 5, each whole, counting articles not rows; a tag filter keeps tag lists whole', async () => {
      const token = await register('pager');
      for (let i = 0; i < 25; i++) await newArticle(token, `Paged ${String(i).padStart(2, '0')}`, ['zeta', `mid-${i}`, 'alpha']);

      const page = await call('GET', '/articles?author=pager&limit=20&offset=20');
      expect(page.status).toBe(200);
      expect(page.body.articlesCount).toBe(25);
      expect(page.body.articles.map((a: any) => a.title)).toEqual(['Paged 04', 'Paged 03', 'Paged 02', 'Paged 01', 'Paged 00']);
      for (const article of page.body.articles) {
        const i = Number(article.title.slice(-2));
        expect(article.tagList).toEqual(['alpha', `mid-${i}`, 'zeta']);
        expect(article.author).toEqual({ username: 'pager', bio: null, image: null, following: false });
        expect(article.favoritesCount).toBe(0);
        expect(article.favorited).toBe(false);
      }

      const first = await call('GET', '/articles?author=pager');
      expect(first.body.articles).toHaveLength(20);
      expect(first.body.articles[0].title).toBe('Paged 24');

      const tagged = await call('GET', '/articles?tag=alpha&limit=3&offset=0');
      expect(tagged.body.articlesCount).toBe(25);
      expect(tagged.body.articles.map((a: any) => a.tagList)).toEqual([24, 23, 22].map((i) => ['alpha', `mid-${i}`, 'zeta']));
      const one = await call('GET', '/articles?tag=mid-7');
      expect(one.body.articlesCount).toBe(1);
      expect(one.body.articles[0].tagList).toEqual(['alpha', 'mid-7', 'zeta']);

      const none = await call('GET', '/articles?tag=no-such-tag');
      expect(none).toEqual({ status: 200, body: { articles: [], articlesCount: 0 } });
    });

    test('a page costs the same number of statements for 2 articles as for 20 (no N+1)', async () => {
      const token = await register('counter');
      for (let i = 0; i < 20; i++) await newArticle(token, `Counted ${i}`, ['x', `y${i}`]);
      const statementsFor = async (path: string): Promise<number> => {
        const { result, count } = await app.engine.countStatements(() => call('GET', path, { token }));
        expect(result.status).toBe(200);
        return count;
      };
      const small = await statementsFor('/articles?author=counter&limit=2');
      const large = await statementsFor('/articles?author=counter&limit=20');
      expect(large).toBe(small);
      // count, page, authors, tags, favorite counts, the viewer's favorites, the viewer's follows
      expect(large).toBe(7);
    });

    test('error bodies: 422 for invalid input, 401 without or with a bad token, 403 for what is not yours, 404 for what does not exist', async () => {
      const owner = await register('owner');
      const other = await register('other');
      const slug = await newArticle(owner, 'Owned article');
      const comment = await call('POST', `/articles/${slug}/comments`, { token: owner, body: { comment: { body: 'mine' } } });
      expect(comment.status).toBe(200);

      expect(await call('POST', '/users', { body: { user: { username: 'nomail', password: 'pw' } } })).toEqual({ status: 422, body: { errors: { email: ["can't be blank"] } } });
      expect(await call('POST', '/users', { body: { user: { username: 'owner', email: 'fresh@example.com', password: 'pw' } } })).toEqual({
        status: 422,
        body: { errors: { username: ['has already been taken'] } },
      });
      expect(await call('PUT', '/user', { token: other, body: { user: { email: 'owner@example.com' } } })).toEqual({
        status: 422,
        body: { errors: { email: ['has already been taken'] } },
      });
      expect((await call('POST', '/articles', { token: owner, body: { article: { title: 'No body', description: 'd' } } })).body).toEqual({ errors: { body: ["can't be blank"] } });
      expect((await call('GET', '/articles?limit=zero')).status).toBe(422);

      const noToken = await call('GET', '/user');
      expect(noToken.status).toBe(401);
      expect(noToken.body.errors.token).toHaveLength(1);
      expect((await call('GET', '/user', { token: `${owner}x` })).status).toBe(401);
      expect((await call('POST', `/articles/${slug}/favorite`)).status).toBe(401);
      const badLogin = await call('POST', '/users/login', { body: { user: { email: 'owner@example.com', password: 'wrong' } } });
      expect(badLogin.status).toBe(401);
      expect(Object.keys(badLogin.body.errors)).toHaveLength(1);

      expect(await call('PUT', `/articles/${slug}`, { token: other, body: { article: { body: 'taken over' } } })).toEqual({
        status: 403,
        body: { errors: { article: ['may only be changed by its author'] } },
      });
      expect((await call('DELETE', `/articles/${slug}`, { token: other })).status).toBe(403);
      expect((await call('DELETE', `/articles/${slug}/comments/${comment.body.comment.id}`, { token: other })).status).toBe(403);

      expect(await call('GET', '/articles/no-such-article')).toEqual({ status: 404, body: { errors: { article: ['not found'] } } });
      expect((await call('GET', '/profiles/nobody')).status).toBe(404);
      expect((await call('POST', '/profiles/nobody/follow', { token: owner })).status).toBe(404);
      expect((await call('DELETE', `/articles/${slug}/comments/999999`, { token: owner })).status).toBe(404);

      // The article is untouched, and its owner may still delete it, comments and all.
      expect((await call('GET', `/articles/${slug}`)).body.article.body).toBe('Owned article body');
      expect((await call('DELETE', `/articles/${slug}`, { token: owner })).status).toBe(204);
      expect((await call('GET', `/articles/${slug}/comments`)).status).toBe(404);
    });

    test('24 users favoriting one article at once, each twice, leave favoritesCount exactly 24', async () => {
      const author = await register('celebrity');
      const slug = await newArticle(author, 'Popular article');
      const fans = await Promise.all(Array.from({ length: 24 }, (_, i) => register(`fan${i}`)));

      const replies = await Promise.all([...fans, ...fans].map((token) => call('POST', `/articles/${slug}/favorite`, { token })));
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      expect(replies.every((r) => r.body.article.favorited === true)).toBe(true);

      const article = await call('GET', `/articles/${slug}`, { token: fans[0] });
      expect(article.body.article.favoritesCount).toBe(24);
      expect(article.body.article.favorited).toBe(true);
      const listed = await call('GET', '/articles?favorited=fan3');
      expect(listed.body.articlesCount).toBe(1);
      expect(listed.body.articles[0].favoritesCount).toBe(24);

      await Promise.all(fans.slice(0, 10).map((token) => call('DELETE', `/articles/${slug}/favorite`, { token })));
      expect((await call('GET', `/articles/${slug}`)).body.article.favoritesCount).toBe(14);
    });
  });
}

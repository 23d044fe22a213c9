/*
 * The raw side on PostgreSQL through one pg Client: multi-row INSERT ... RETURNING,
 * ANY($1) for id lists, UPDATE ... FROM unnest(...) for the batched rename, a named
 * prepared statement for lookups, pg-cursor for the stream.
 */
import { Client } from 'pg';
import Cursor from 'pg-cursor';
import { RawNarrow, rawPostOf, RawPost, RawUser, rawUserOf } from '../raw-models';
import { attachPosts, BATCH_ROWS, chunks, postsOf, valuesList, type RawDriver } from './raw-driver';

interface UserRow {
  id: number;
  name: string;
  email: string;
  created_at: Date;
}

interface PostRow {
  id: number;
  user_id: number;
  title: string;
  body: string;
  published: boolean;
}

const USER_COLUMNS = 'id, name, email, created_at';
const POST_COLUMNS = 'id, user_id, title, body, published';

const userOf = (row: UserRow) => rawUserOf(row.id, row.name, row.email, row.created_at);
const postOf = (row: PostRow) => rawPostOf(row.id, row.user_id, row.title, row.body, row.published);

/** pg on one connection. */
export class PgRawDriver implements RawDriver {
  readonly dialect = 'postgresql' as const;
  readonly #client: Client;

  private constructor(client: Client) {
    this.#client = client;
  }

  /** Connects to `url`. */
  static async connect(url: string): Promise<PgRawDriver> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new PgRawDriver(client);
  }

  async serverVersion(): Promise<string> {
    const { rows } = await this.#client.query<{ v: string }>('SELECT version() AS v');
    return rows[0]!.v.split(' on ')[0]!;
  }

  async reset(): Promise<void> {
    await this.#client.query('TRUNCATE posts, users RESTART IDENTITY');
  }

  async analyze(): Promise<void> {
    // VACUUM too, so autovacuum has no reason to start on the fresh rows during a timed part.
    await this.#client.query('VACUUM ANALYZE users, posts');
  }

  async userIds(limit: number): Promise<number[]> {
    const { rows } = await this.#client.query<{ id: number }>('SELECT id FROM users ORDER BY id LIMIT $1', [limit]);
    return rows.map((row) => row.id);
  }

  async nthPostId(n: number): Promise<number> {
    const { rows } = await this.#client.query<{ id: number }>('SELECT id FROM posts ORDER BY id OFFSET $1 LIMIT 1', [n]);
    return rows[0]!.id;
  }

  async count(table: 'users' | 'posts' | 'narrow_rows'): Promise<number> {
    const { rows } = await this.#client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]!.n);
  }

  async fillNarrow(rows: number): Promise<void> {
    await this.#client.query('TRUNCATE narrow_rows RESTART IDENTITY');
    await this.#client.query('INSERT INTO narrow_rows (value) SELECT n % 1000 FROM generate_series(1, $1::int) AS n', [rows]);
    await this.#client.query('VACUUM ANALYZE narrow_rows');
  }

  async close(): Promise<void> {
    await this.#client.end();
  }

  async insertUsers(users: readonly RawUser[]): Promise<void> {
    const client = this.#client;
    await client.query('BEGIN');
    try {
      for (const batch of chunks(users, BATCH_ROWS)) {
        const params: unknown[] = [];
        for (const user of batch) params.push(user.name, user.email, user.createdAt);
        const { rows } = await client.query<{ id: number }>(`INSERT INTO users (name, email, created_at) VALUES ${valuesList(batch.length, 3, true)} RETURNING id`, params);
        for (let i = 0; i < batch.length; i++) batch[i]!.id = rows[i]!.id;
      }
      for (const batch of chunks(postsOf(users), BATCH_ROWS)) {
        const params: unknown[] = [];
        for (const post of batch) params.push(post.userId, post.title, post.body, post.published);
        const { rows } = await client.query<{ id: number }>(`INSERT INTO posts (user_id, title, body, published) VALUES ${valuesList(batch.length, 4, true)} RETURNING id`, params);
        for (let i = 0; i < batch.length; i++) batch[i]!.id = rows[i]!.id;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  async allPosts(): Promise<RawPost[]> {
    const { rows } = await this.#client.query<PostRow>(`SELECT ${POST_COLUMNS} FROM posts`);
    return rows.map(postOf);
  }

  async usersPageWithPosts(limit: number, offset: number): Promise<RawUser[]> {
    const page = await this.#client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name LIMIT $1 OFFSET $2`, [limit, offset]);
    const users = page.rows.map(userOf);
    const posts = await this.#client.query<PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE user_id = ANY($1::int[])`, [users.map((u) => u.id)]);
    attachPosts(users, posts.rows.map(postOf));
    return users;
  }

  async renameUsers(count: number, rename: (name: string) => string): Promise<RawUser[]> {
    const client = this.#client;
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY id LIMIT $1`, [count]);
      const users = rows.map(userOf);
      for (const user of users) user.name = rename(user.name);
      for (const batch of chunks(users, BATCH_ROWS)) {
        await client.query('UPDATE users SET name = v.name FROM unnest($1::int[], $2::varchar[]) AS v(id, name) WHERE users.id = v.id', [
          batch.map((u) => u.id),
          batch.map((u) => u.name),
        ]);
      }
      await client.query('COMMIT');
      return users;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  async userById(id: number): Promise<RawUser | undefined> {
    const { rows } = await this.#client.query<UserRow>({ name: 'bench_user_by_id', text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, values: [id] });
    return rows.length === 0 ? undefined : userOf(rows[0]!);
  }

  async deleteUsersWithPosts(ids: readonly number[]): Promise<void> {
    const client = this.#client;
    await client.query('BEGIN');
    try {
      await client.query('DELETE FROM posts WHERE user_id = ANY($1::int[])', [ids]);
      await client.query('DELETE FROM users WHERE id = ANY($1::int[])', [ids]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  async begin(): Promise<void> {
    await this.#client.query('BEGIN');
  }

  async commit(): Promise<void> {
    await this.#client.query('COMMIT');
  }

  async setPostTitle(id: number, title: string): Promise<void> {
    await this.#client.query('UPDATE posts SET title = $1 WHERE id = $2', [title, id]);
  }

  async streamNarrow(each: (row: RawNarrow) => void): Promise<void> {
    const cursor = this.#client.query(new Cursor<{ id: number; value: number }>('SELECT id, value FROM narrow_rows'));
    try {
      for (;;) {
        const rows = await cursor.read(1000);
        if (rows.length === 0) break;
        for (const row of rows) each(new RawNarrow(row.id, row.value));
      }
    } finally {
      await cursor.close();
    }
  }
}

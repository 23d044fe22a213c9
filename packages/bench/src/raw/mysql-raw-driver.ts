/*
 * The raw side on MySQL / MariaDB through one mysql2 promise connection: multi-row
 * `INSERT ... VALUES ?` with ids from insertId (consecutive under the default
 * auto-increment lock mode), CASE batches for the rename, prepared statements (execute)
 * for lookups and pages, and the driver's row stream.
 */
import { createConnection, type Connection as CallbackConnection } from 'mysql2';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { RawNarrow, rawPostOf, RawPost, RawUser, rawUserOf } from '../raw-models';
import { attachPosts, BATCH_ROWS, chunks, postsOf, type RawDriver } from './raw-driver';

interface UserRow extends RowDataPacket {
  id: number;
  name: string;
  email: string;
  created_at: Date;
}

interface PostRow extends RowDataPacket {
  id: number;
  user_id: number;
  title: string;
  body: string;
  published: number;
}

const USER_COLUMNS = 'id, name, email, created_at';
const POST_COLUMNS = 'id, user_id, title, body, published';

const userOf = (row: UserRow) => rawUserOf(row.id, row.name, row.email, row.created_at);
const postOf = (row: PostRow) => rawPostOf(row.id, row.user_id, row.title, row.body, row.published === 1);

/** mysql2 (promise API) on one connection. */
export class MysqlRawDriver implements RawDriver {
  readonly dialect = 'mysql' as const;
  readonly #conn: Connection;
  /** The same connection's callback API, which has the row stream. */
  readonly #callbacks: CallbackConnection;
  /** auto_increment_increment: the step between the ids of one multi-row INSERT. */
  readonly #idStep: number;

  private constructor(callbacks: CallbackConnection, idStep: number) {
    this.#callbacks = callbacks;
    this.#conn = callbacks.promise();
    this.#idStep = idStep;
  }

  /** Connects to `url`, reading timestamps as UTC. */
  static async connect(url: string): Promise<MysqlRawDriver> {
    const callbacks = createConnection({ uri: url, timezone: 'Z' });
    const [rows] = await callbacks.promise().query<RowDataPacket[]>('SELECT @@auto_increment_increment AS step');
    return new MysqlRawDriver(callbacks, Number(rows[0]!.step));
  }

  async serverVersion(): Promise<string> {
    const [rows] = await this.#conn.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const version = String(rows[0]!.v);
    return /mariadb/i.test(version) ? `MariaDB ${version}` : `MySQL ${version}`;
  }

  async reset(): Promise<void> {
    await this.#conn.query('SET FOREIGN_KEY_CHECKS = 0');
    try {
      await this.#conn.query('TRUNCATE TABLE posts');
      await this.#conn.query('TRUNCATE TABLE users');
    } finally {
      await this.#conn.query('SET FOREIGN_KEY_CHECKS = 1');
    }
  }

  async analyze(): Promise<void> {
    await this.#conn.query('ANALYZE TABLE users, posts');
  }

  async userIds(limit: number): Promise<number[]> {
    const [rows] = await this.#conn.query<RowDataPacket[]>('SELECT id FROM users ORDER BY id LIMIT ?', [limit]);
    return rows.map((row) => Number(row.id));
  }

  async nthPostId(n: number): Promise<number> {
    const [rows] = await this.#conn.query<RowDataPacket[]>('SELECT id FROM posts ORDER BY id LIMIT 1 OFFSET ?', [n]);
    return Number(rows[0]!.id);
  }

  async count(table: 'users' | 'posts' | 'narrow_rows'): Promise<number> {
    const [rows] = await this.#conn.query<RowDataPacket[]>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]!.n);
  }

  async fillNarrow(rows: number): Promise<void> {
    await this.#conn.query('TRUNCATE TABLE narrow_rows');
    // MariaDB's max_recursive_iterations and MySQL's cte_max_recursion_depth both cap the CTE.
    const [vars] = await this.#conn.query<RowDataPacket[]>("SHOW VARIABLES WHERE Variable_name IN ('max_recursive_iterations', 'cte_max_recursion_depth')");
    for (const row of vars) await this.#conn.query(`SET SESSION ${String(row.Variable_name)} = ?`, [rows + 1]);
    await this.#conn.query(
      'INSERT INTO narrow_rows (value) WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) SELECT n % 1000 FROM seq',
      [rows],
    );
    await this.#conn.query('ANALYZE TABLE narrow_rows');
  }

  async close(): Promise<void> {
    await this.#conn.end();
  }

  async insertUsers(users: readonly RawUser[]): Promise<void> {
    const conn = this.#conn;
    await conn.beginTransaction();
    try {
      for (const batch of chunks(users, BATCH_ROWS)) {
        const [header] = await conn.query<ResultSetHeader>('INSERT INTO users (name, email, created_at) VALUES ?', [batch.map((u) => [u.name, u.email, u.createdAt])]);
        for (let i = 0; i < batch.length; i++) batch[i]!.id = header.insertId + i * this.#idStep;
      }
      for (const batch of chunks(postsOf(users), BATCH_ROWS)) {
        const [header] = await conn.query<ResultSetHeader>('INSERT INTO posts (user_id, title, body, published) VALUES ?', [
          batch.map((p) => [p.userId, p.title, p.body, p.published]),
        ]);
        for (let i = 0; i < batch.length; i++) batch[i]!.id = header.insertId + i * this.#idStep;
      }
      await conn.commit();
    } catch (error) {
      await conn.rollback();
      throw error;
    }
  }

  async allPosts(): Promise<RawPost[]> {
    const [rows] = await this.#conn.query<PostRow[]>(`SELECT ${POST_COLUMNS} FROM posts`);
    return rows.map(postOf);
  }

  async usersPageWithPosts(limit: number, offset: number): Promise<RawUser[]> {
    const [page] = await this.#conn.execute<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name LIMIT ? OFFSET ?`, [String(limit), String(offset)]);
    const users = page.map(userOf);
    if (users.length === 0) return users;
    const [posts] = await this.#conn.execute<PostRow[]>(
      `SELECT ${POST_COLUMNS} FROM posts WHERE user_id IN (${users.map(() => '?').join(', ')})`,
      users.map((u) => u.id),
    );
    attachPosts(users, posts.map(postOf));
    return users;
  }

  async renameUsers(count: number, rename: (name: string) => string): Promise<RawUser[]> {
    const conn = this.#conn;
    await conn.beginTransaction();
    try {
      const [rows] = await conn.execute<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users ORDER BY id LIMIT ?`, [String(count)]);
      const users = rows.map(userOf);
      for (const user of users) user.name = rename(user.name);
      for (const batch of chunks(users, BATCH_ROWS)) {
        const params: unknown[] = [];
        for (const user of batch) params.push(user.id, user.name);
        params.push(batch.map((u) => u.id));
        await conn.query(`UPDATE users SET name = CASE id ${batch.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (?)`, params);
      }
      await conn.commit();
      return users;
    } catch (error) {
      await conn.rollback();
      throw error;
    }
  }

  async userById(id: number): Promise<RawUser | undefined> {
    const [rows] = await this.#conn.execute<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id]);
    return rows.length === 0 ? undefined : userOf(rows[0]!);
  }

  async deleteUsersWithPosts(ids: readonly number[]): Promise<void> {
    const conn = this.#conn;
    await conn.beginTransaction();
    try {
      await conn.query('DELETE FROM posts WHERE user_id IN (?)', [ids]);
      await conn.query('DELETE FROM users WHERE id IN (?)', [ids]);
      await conn.commit();
    } catch (error) {
      await conn.rollback();
      throw error;
    }
  }

  async begin(): Promise<void> {
    await this.#conn.beginTransaction();
  }

  async commit(): Promise<void> {
    await this.#conn.commit();
  }

  async setPostTitle(id: number, title: string): Promise<void> {
    await this.#conn.execute('UPDATE posts SET title = ? WHERE id = ?', [title, id]);
  }

  async streamNarrow(each: (row: RawNarrow) => void): Promise<void> {
    // The promise API has no streams; the callback API of the same connection does.
    const rows = this.#callbacks.query('SELECT id, value FROM narrow_rows').stream({ highWaterMark: 1000 });
    for await (const row of rows as AsyncIterable<{ id: number; value: number }>) each(new RawNarrow(row.id, row.value));
  }
}

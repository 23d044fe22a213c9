/*
 * The raw side on SQLite through better-sqlite3 (synchronous, in-process): prepared
 * statements kept for reuse, multi-row INSERT ... RETURNING id, a prepared UPDATE run per
 * row inside one transaction (the cheapest batch in-process), and statement.iterate().
 */
import Database from 'better-sqlite3';
import { RawNarrow, rawPostOf, RawPost, RawUser, rawUserOf } from '../raw-models';
import { attachPosts, BATCH_ROWS, chunks, postsOf, valuesList, type RawDriver } from './raw-driver';

interface UserRow {
  id: number;
  name: string;
  email: string;
  created_at: string;
}

interface PostRow {
  id: number;
  user_id: number;
  title: string;
  body: string;
  published: number;
}

const USER_COLUMNS = 'id, name, email, created_at';
const POST_COLUMNS = 'id, user_id, title, body, published';

const userOf = (row: UserRow) => rawUserOf(row.id, row.name, row.email, new Date(row.created_at));
const postOf = (row: PostRow) => rawPostOf(row.id, row.user_id, row.title, row.body, row.published === 1);

/** better-sqlite3 on one database handle. */
export class SqliteRawDriver implements RawDriver {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
  }

  /** A prepared statement, prepared once per text. */
  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }

  async serverVersion(): Promise<string> {
    return `SQLite ${(this.#db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v}`;
  }

  async reset(): Promise<void> {
    this.#db.exec("DELETE FROM posts; DELETE FROM users; DELETE FROM sqlite_sequence WHERE name IN ('users', 'posts')");
  }

  async analyze(): Promise<void> {
    this.#db.exec('ANALYZE');
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async userIds(limit: number): Promise<number[]> {
    return (this.#prepare('SELECT id FROM users ORDER BY id LIMIT ?').all(limit) as { id: number }[]).map((row) => row.id);
  }

  async nthPostId(n: number): Promise<number> {
    return (this.#prepare('SELECT id FROM posts ORDER BY id LIMIT 1 OFFSET ?').get(n) as { id: number }).id;
  }

  async count(table: 'users' | 'posts' | 'narrow_rows'): Promise<number> {
    return (this.#db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  async fillNarrow(rows: number): Promise<void> {
    this.#db.exec("DELETE FROM narrow_rows; DELETE FROM sqlite_sequence WHERE name = 'narrow_rows'");
    this.#db
      .prepare('WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) INSERT INTO narrow_rows (value) SELECT n % 1000 FROM seq')
      .run(rows);
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async insertUsers(users: readonly RawUser[]): Promise<void> {
    this.#db.transaction(() => {
      for (const batch of chunks(users, BATCH_ROWS)) {
        const params: unknown[] = [];
        for (const user of batch) params.push(user.name, user.email, user.createdAt.toISOString());
        const ids = this.#prepare(`INSERT INTO users (name, email, created_at) VALUES ${valuesList(batch.length, 3, false)} RETURNING id`).all(params) as { id: number }[];
        for (let i = 0; i < batch.length; i++) batch[i]!.id = ids[i]!.id;
      }
      for (const batch of chunks(postsOf(users), BATCH_ROWS)) {
        const params: unknown[] = [];
        for (const post of batch) params.push(post.userId, post.title, post.body, post.published ? 1 : 0);
        const ids = this.#prepare(`INSERT INTO posts (user_id, title, body, published) VALUES ${valuesList(batch.length, 4, false)} RETURNING id`).all(params) as { id: number }[];
        for (let i = 0; i < batch.length; i++) batch[i]!.id = ids[i]!.id;
      }
    })();
  }

  async allPosts(): Promise<RawPost[]> {
    return (this.#prepare(`SELECT ${POST_COLUMNS} FROM posts`).all() as PostRow[]).map(postOf);
  }

  async usersPageWithPosts(limit: number, offset: number): Promise<RawUser[]> {
    const users = (this.#prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY name LIMIT ? OFFSET ?`).all(limit, offset) as UserRow[]).map(userOf);
    if (users.length === 0) return users;
    const ids = users.map((u) => u.id);
    const posts = this.#prepare(`SELECT ${POST_COLUMNS} FROM posts WHERE user_id IN (${ids.map(() => '?').join(', ')})`).all(ids) as PostRow[];
    attachPosts(users, posts.map(postOf));
    return users;
  }

  async renameUsers(count: number, rename: (name: string) => string): Promise<RawUser[]> {
    return this.#db.transaction(() => {
      const users = (this.#prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY id LIMIT ?`).all(count) as UserRow[]).map(userOf);
      const update = this.#prepare('UPDATE users SET name = ? WHERE id = ?');
      for (const user of users) {
        user.name = rename(user.name);
        update.run(user.name, user.id);
      }
      return users;
    })();
  }

  async userById(id: number): Promise<RawUser | undefined> {
    const row = this.#prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
    return row === undefined ? undefined : userOf(row);
  }

  async deleteUsersWithPosts(ids: readonly number[]): Promise<void> {
    this.#db.transaction(() => {
      for (const batch of chunks(ids, BATCH_ROWS)) {
        const list = batch.map(() => '?').join(', ');
        this.#prepare(`DELETE FROM posts WHERE user_id IN (${list})`).run(batch);
        this.#prepare(`DELETE FROM users WHERE id IN (${list})`).run(batch);
      }
    })();
  }

  async begin(): Promise<void> {
    this.#prepare('BEGIN').run();
  }

  async commit(): Promise<void> {
    this.#prepare('COMMIT').run();
  }

  async setPostTitle(id: number, title: string): Promise<void> {
    this.#prepare('UPDATE posts SET title = ? WHERE id = ?').run(title, id);
  }

  async streamNarrow(each: (row: RawNarrow) => void): Promise<void> {
    for (const row of this.#prepare('SELECT id, value FROM narrow_rows').iterate() as IterableIterator<{ id: number; value: number }>) {
      each(new RawNarrow(row.id, row.value));
    }
  }
}

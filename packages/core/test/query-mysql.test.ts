/*
 * Golden tests of the MySQL / MariaDB compiler: the exact SQL and parameters of every
 * representative statement for MariaDB 10.11, and what changes on MySQL 8.
 */
import { insert, NotSupportedError, ref, select } from '@strata/core';
import { MysqlCompiler } from '@strata/mysql';
import { CAPS, compilerFor, Post, Tag, User } from './query-fixtures';
import { GOLDEN, goldenTests, type Golden } from './query-golden-cases';

const compiler = new MysqlCompiler();
const compile = compilerFor(compiler, CAPS.mariadb, 'MariaDB 10.11');
const mysql8 = compilerFor(compiler, CAPS.mysql8, 'MySQL 8.0.36');
const USERS = '`users`.`id`, `users`.`name`, `users`.`email`, `users`.`age`, `users`.`last_login`, `users`.`active`, `users`.`manager_id`';
const POSTS = '`posts`.`id`, `posts`.`title`, `posts`.`views`, `posts`.`author_id`';

const EXPECTED: Record<keyof typeof GOLDEN, Golden> = {
  page: ['SELECT ' + USERS + ' FROM `users` WHERE `users`.`name` LIKE ? ORDER BY `users`.`name` LIMIT ? OFFSET ?', ['a%', 20, 40]],
  offsetOnly: ['SELECT `users`.`id` FROM `users` WHERE `users`.`email` = ? LIMIT 18446744073709551615 OFFSET ?', ['a@x.io', 5]],
  shorthand: ['SELECT DISTINCT ' + USERS + ' FROM `users` WHERE `users`.`email` = ? AND `users`.`age` IS NULL AND `users`.`name` IN (?, ?)', ['a@x.io', 'a', 'b']],
  joinRelation: ['SELECT ' + USERS + ' FROM `users` INNER JOIN `posts` ON `posts`.`author_id` = `users`.`id` WHERE LOWER(`posts`.`title`) LIKE LOWER(?)', ['%sql%']],
  manyToManyNulls: ['SELECT ' + POSTS + ' FROM `posts` LEFT OUTER JOIN `post_tags` ON `post_tags`.`posts_id` = `posts`.`id` LEFT OUTER JOIN `tags` ON `tags`.`id` = `post_tags`.`tags_id` ORDER BY (`tags`.`label` IS NULL), `tags`.`label` DESC, `posts`.`id`', []],
  nullsFirst: ['SELECT `users`.`id` FROM `users` ORDER BY (`users`.`age` IS NULL) DESC, `users`.`age`', []],
  groupBy: ['SELECT `users`.`id`, count(*) AS `n` FROM `users` INNER JOIN `posts` ON `posts`.`author_id` = `users`.`id` GROUP BY `users`.`id` HAVING count(*) > ?', [1]],
  exists: ['SELECT ' + USERS + ' FROM `users` WHERE EXISTS (SELECT ' + POSTS + ' FROM `posts` WHERE `posts`.`author_id` = `users`.`id`)', []],
  inSubqueryAndScalar: ['SELECT `users`.`name`, (SELECT count(*) AS `n` FROM `posts` WHERE `posts`.`author_id` = `users`.`id`) AS `posts` FROM `users` WHERE `users`.`id` NOT IN (SELECT `posts`.`id` FROM `posts` WHERE `posts`.`views` > ?)', [100]],
  fromSubquery: ['SELECT `posts`.`title`, `top`.`views` FROM `posts` INNER JOIN (SELECT `posts`.`id`, `posts`.`views` FROM `posts` WHERE `posts`.`views` >= ?) AS `top` ON `top`.`id` = `posts`.`id`', [10]],
  cte: ['WITH `busy` AS (SELECT `users`.`id` FROM `users` WHERE `users`.`age` IS NOT NULL) SELECT `busy`.`id`, `posts`.`title` FROM `busy` INNER JOIN `posts` ON `posts`.`author_id` = `busy`.`id`', []],
  union: ['SELECT `users`.`name` AS `word` FROM `users` UNION (SELECT `tags`.`label` AS `word` FROM `tags` ORDER BY `tags`.`label` LIMIT ?) ORDER BY `word` DESC LIMIT ?', [3, 5]],
  unionAll: ['SELECT `users`.`name` AS `word` FROM `users` WHERE `users`.`active` = ? UNION ALL SELECT `tags`.`label` AS `word` FROM `tags`', [true]],
  insertMany: ['INSERT INTO `users` (`name`, `email`, `age`, `active`) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', ['a', 'a@x.io', 1, true, 'b', 'b@x.io', 2, false]],
  insertDefault: ['INSERT INTO `posts` (`title`, `views`, `author_id`) VALUES (?, ?, ?), (?, ?, ?)', ['x', 0, 1, 'y', 7, 2]],
  upsertCopy: ['INSERT INTO `users` (`name`, `email`, `active`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `age` = VALUES(`age`)', ['a', 'a@x.io', true]],
  upsertCompute: ['INSERT INTO `posts` (`title`, `views`, `author_id`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `views` = `posts`.`views` + VALUES(`views`)', ['x', 1, 1]],
  upsertNothing: ['INSERT INTO `tags` (`label`) VALUES (?) ON DUPLICATE KEY UPDATE `id` = `id`', ['sql']],
  insertReturning: ['INSERT INTO `tags` (`label`) VALUES (?) RETURNING `id`', ['sql']],
  update: ['UPDATE `posts` SET `views` = `posts`.`views` + ?, `title` = ? WHERE `posts`.`author_id` = ? AND NOT (`posts`.`title` = ?)', [1, 'T', 3, '']],
  updateReturning: { throws: NotSupportedError, message: /UPDATE \.\.\. RETURNING is not available on MariaDB 10\.11/ },
  deleteReturning: ['DELETE FROM `tags` WHERE `tags`.`label` = ? OR FALSE RETURNING `label`', ['a']],
  forUpdate: ['SELECT ' + USERS + ' FROM `users` WHERE `users`.`id` = ? FOR UPDATE', [1]],
  skipLocked: ['SELECT ' + USERS + ' FROM `users` WHERE `users`.`id` = ? FOR UPDATE SKIP LOCKED', [1]],
  nowait: ['SELECT ' + USERS + ' FROM `users` WHERE `users`.`id` = ? FOR UPDATE NOWAIT', [1]],
  lockOf: { throws: NotSupportedError, message: /FOR UPDATE OF is not available on MariaDB 10\.11/ },
  selfJoin: ['SELECT `users`.`name`, `boss`.`name` AS `boss` FROM `users` INNER JOIN `users` AS `boss` ON `users`.`manager_id` = `boss`.`id`', []],
  fragments: ['SELECT `users`.`age` + ? AS `next`, CHAR_LENGTH(`users`.`name`) AS `len` FROM `users` WHERE `users`.`age` > ?', [1, 18]],
  emptyLogic: ['SELECT `users`.`id` FROM `users` WHERE TRUE HAVING FALSE', []],
};

describe('MySQL / MariaDB golden SQL', () => {
  goldenTests(compile, EXPECTED);

  test('MySQL 8 has FOR UPDATE OF but no RETURNING; the error names the server', () => {
    expect(mysql8(GOLDEN.lockOf!()).sql).toBe('SELECT ' + USERS + ' FROM `users` INNER JOIN `posts` ON `posts`.`author_id` = `users`.`id` FOR UPDATE OF `users`');
    expect(() => mysql8(GOLDEN.insertReturning!())).toThrow(NotSupportedError);
    expect(() => mysql8(GOLDEN.insertReturning!())).toThrow(/INSERT \.\.\. RETURNING is not available on MySQL 8\.0\.36/);
  });

  test('without a server name the message names the dialect', () => {
    const bare = (s: Parameters<typeof compile>[0]) => compiler.compileStatement(s, { capabilities: CAPS.mysql8 });
    expect(() => bare(GOLDEN.insertReturning!())).toThrow(/not available on MySQL \/ MariaDB/);
  });

  test('a row leaving a column out of a multi-row insert gets DEFAULT; the upsert target is implicit', () => {
    const { sql } = compile(insert(User).values([{ name: 'a', email: 'a@x.io', age: 3 }, { name: 'b', email: 'b@x.io' }]).onConflict({ set: ['age'] }));
    expect(sql).toBe('INSERT INTO `users` (`name`, `email`, `age`, `active`) VALUES (?, ?, ?, ?), (?, ?, DEFAULT, ?) ON DUPLICATE KEY UPDATE `age` = VALUES(`age`)');
  });

  test('an insert with no values at all', () => {
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(compile(insert(Tag).values({})).sql).toBe('INSERT INTO `tags` () VALUES ()');
  });

  test('a backslash escape character is written as a MySQL string literal', () => {
    const u = ref(User);
    expect(compile(select({ id: u.id }).where(u.name.like('a\\%', { escape: '\\' }))).sql).toBe("SELECT `users`.`id` FROM `users` WHERE `users`.`name` LIKE ? ESCAPE '\\\\'");
    expect(compile(select({ id: u.id }).where(u.name.endsWith('%'))).sql).toMatch(/LIKE \? ESCAPE '!'$/);
  });

  test('several rows with no values at all share one INSERT of empty rows', () => {
    // @ts-expect-error Tag.label is required, so the compiler refuses an empty row; kept to test how the dialect compiles an insert with no values
    expect(compile(insert(Tag).values([{}, {}, {}])).sql).toBe('INSERT INTO `tags` () VALUES (), (), ()');
  });

  test('values() calls add rows; JavaScript defaults fill what a row leaves out', () => {
    expect(compile(insert(Post).values({ title: 't', author: 1 }).values({ title: 'u', author: 2 })).params).toEqual(['t', 0, 1, 'u', 0, 2]);
  });
});

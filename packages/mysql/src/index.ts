/*
 * @strata/mysql: the MySQL and MariaDB dialect. Importing it registers the `mysql://`
 * and `mariadb://` URL schemes.
 */
import { registerDialect } from '@strata/core';
import { MysqlDialect } from './mysql-dialect';

registerDialect(['mysql', 'mariadb'], (url, options) => new MysqlDialect(url, options));

export { MysqlDialect } from './mysql-dialect';
export { MysqlCompiler } from './mysql-compiler';
export { MysqlConnection } from './mysql-connection';
export { classifyMysqlError } from './mysql-errors';

/*
 * @strata/mysql: the MySQL and MariaDB dialect. Importing it registers the `mysql://`
 * and `mariadb://` URL schemes.
 */
import { registerDialect } from '@strata/core/dialect';
import { MysqlDialect } from './mysql-dialect';

registerDialect(['mysql', 'mariadb'], (url, options) => new MysqlDialect(url, options));

export { MysqlDialect } from './mysql-dialect';
export { MysqlCompiler } from './mysql-compiler';
export { MysqlDdl } from './mysql-ddl';
export { MysqlMigrations, migrationLockName } from './mysql-migrations';
export { introspectMysql } from './mysql-introspector';
export type { MysqlServerKind } from './mysql-introspector';
export { MysqlTypes } from './mysql-types';
export { MysqlConnection } from './mysql-connection';
export { classifyMysqlError } from './mysql-errors';

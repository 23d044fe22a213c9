/*
 * @strata/sqlite: the SQLite dialect (better-sqlite3). Importing it registers the
 * `sqlite://` URL scheme.
 */
import { registerDialect } from '@strata/core/dialect';
import { SqliteDialect } from './sqlite-dialect';

registerDialect(['sqlite'], (url, options) => new SqliteDialect(url, options));

export { SqliteDialect } from './sqlite-dialect';
export { SqliteCompiler } from './sqlite-compiler';
export { SqliteDdl } from './sqlite-ddl';
export { SqliteMigrations } from './sqlite-migrations';
export { introspectSqlite } from './sqlite-introspector';
export { parseCreateTable } from './sqlite-create-parser';
export type { ParsedCheck, ParsedColumn, ParsedForeignKey, ParsedTable } from './sqlite-create-parser';
export { SqliteTypes } from './sqlite-types';
export { SqliteConnection } from './sqlite-connection';
export { classifySqliteError } from './sqlite-errors';

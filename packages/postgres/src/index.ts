/*
 * @strata/postgres: the PostgreSQL dialect. Importing it registers the `postgresql://`
 * and `postgres://` URL schemes.
 */
import { registerDialect } from '@strata/core/dialect';
import { PostgresDialect } from './postgres-dialect';

registerDialect(['postgresql', 'postgres'], (url, options) => new PostgresDialect(url, options));

export { PostgresDialect } from './postgres-dialect';
export { PostgresCompiler } from './postgres-compiler';
export { PostgresDdl } from './postgres-ddl';
export { PostgresMigrations } from './postgres-migrations';
export { introspectPostgres } from './postgres-introspector';
export { PostgresTypes } from './postgres-types';
export { PostgresConnection } from './postgres-connection';
export { classifyPostgresError } from './postgres-errors';

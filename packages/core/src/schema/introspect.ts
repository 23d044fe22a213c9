/*
 * Reading a live schema: the query function a dialect's introspector runs its catalog
 * queries through, and `introspect(engineOrConnection)`, which hands the dialect one.
 * Introspection covers the current schema (PostgreSQL) or database (MySQL) only.
 */
import { Connection } from '../engine/connection';
import type { Engine } from '../engine/engine';
import type { DatabaseSchema } from './schema-model';

/** Runs one catalog query (in the dialect's placeholder style) and returns its rows. */
export type SchemaQuery = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** Narrows what introspection reads. */
export interface IntrospectOptions {
  /** Only these tables. Default: every table. */
  readonly tables?: readonly string[];
  /** Only these enum types. Default: those the read tables use when `tables` is given, otherwise all. */
  readonly enums?: readonly string[];
}

/** Where schema operations run: an engine (a pooled connection is taken and returned) or an open connection. */
export type SchemaBind = Engine | Connection;

/**
 * Reads the live schema into the schema model, normalised for its dialect.
 * @example
 * const schema = await introspect(engine, { tables: ['users', 'posts'] });
 * console.log(schema.tables.map((t) => t.name));
 */
export async function introspect(bind: SchemaBind, options: IntrospectOptions = {}): Promise<DatabaseSchema> {
  return withConnection(bind, (conn) => conn.dialect.introspect(queryOn(conn), options));
}

/** A SchemaQuery that runs on `conn`. */
export function queryOn(conn: Connection): SchemaQuery {
  return async (text, params = []) => (await conn.execute(text, params)).rows;
}

/** Runs `fn` on the bound connection, or on one taken from the engine and returned after. */
export async function withConnection<T>(bind: SchemaBind, fn: (conn: Connection) => Promise<T>): Promise<T> {
  if (bind instanceof Connection) return fn(bind);
  const conn = await bind.connect();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

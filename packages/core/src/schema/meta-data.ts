/*
 * MetaData: an entity registry that can create and drop its schema. It builds the schema
 * model from the entities, asks the dialect's DDL compiler for statements in dependency
 * order, and runs them in one transaction where the server has transactional DDL.
 */
import { Engine } from '../engine/engine';
import type { Connection } from '../engine/connection';
import type { Dialect } from '../engine/dialect';
import { EntityRegistry, installDefaultRegistry } from '../metadata/entity-registry';
import { DdlCompiler } from './ddl-compiler';
import { createStatements, dropStatements, type ExistingObjects } from './ddl-plan';
import { queryOn, withConnection, type SchemaBind } from './introspect';
import { schemaFromMetadata } from './metadata-to-schema';
import type { DatabaseSchema } from './schema-model';

/** Options of `createAll` and `dropAll`. */
export interface SchemaOptions {
  /**
   * Look before acting. createAll skips tables and enum types that exist (and their indexes
   * and foreign keys); dropAll drops with IF EXISTS. Default false: an existing (or, for
   * dropAll, a missing) object is an error.
   */
  checkFirst?: boolean;
}

/** Options of `toSQL`. */
export interface ToSqlOptions {
  /** The DROP script instead of the CREATE script. Default false. */
  drop?: boolean;
}

/**
 * A set of entities and their schema. Without a class list it holds every class decorated
 * with `@Entity` (the default instance `metadata` is one), resolved per group of linked
 * classes so one broken entity does not break the others; with a list, exactly those,
 * resolved (and failing) together. createAll / toSQL need every entity to resolve.
 * @example
 * const md = new MetaData([User, Post]);
 * await md.createAll(engine, { checkFirst: true });
 * console.log(md.toSQL(engine));
 */
export class MetaData extends EntityRegistry {
  /** The schema model of these entities (tables, association tables, keys, indexes, enum types). */
  toSchema(): DatabaseSchema {
    return schemaFromMetadata(this.entities, this.naming);
  }

  /**
   * Creates every table, enum type, index and foreign key: enum types, then tables in
   * dependency order, then indexes, then foreign keys (so cycles need nothing special; on
   * SQLite they are written inside CREATE TABLE). One transaction where DDL is transactional.
   * @example
   * await metadata.createAll(engine);
   */
  async createAll(bind: SchemaBind, options: SchemaOptions = {}): Promise<void> {
    const schema = this.toSchema();
    await withConnection(bind, (conn) =>
      inTransaction(conn, async () => {
        const existing = options.checkFirst ? await existingObjects(conn, schema) : undefined;
        for (const statement of createStatements(schema, conn.dialect.ddl, existing)) await conn.execute(statement);
      }),
    );
  }

  /**
   * Drops every table and enum type of these entities, in reverse dependency order, so that
   * no foreign key (a cycle included) blocks it. PostgreSQL drops with CASCADE: views and
   * foreign keys of other tables that depend on a table go with it.
   * @example
   * await metadata.dropAll(engine, { checkFirst: true });
   */
  async dropAll(bind: SchemaBind, options: SchemaOptions = {}): Promise<void> {
    const schema = this.toSchema();
    await withConnection(bind, async (conn) => {
      const { statements, after } = dropStatements(schema, conn.dialect.ddl, options.checkFirst ?? false);
      let failure: unknown;
      try {
        await inTransaction(conn, async () => {
          for (const statement of statements) await conn.execute(statement);
        });
      } catch (error) {
        failure = error;
      }
      for (const statement of after) {
        // The session settings must be restored; after a failure, the first error is the one to report.
        await conn.execute(statement).catch((error) => {
          failure ??= error;
        });
      }
      if (failure !== undefined) throw failure as Error;
    });
  }

  /**
   * The DDL as text for review: statements separated by `;\n`, for an engine, a dialect or
   * a DDL compiler. No database is contacted.
   * @example
   * console.log(metadata.toSQL(engine));
   * console.log(metadata.toSQL(engine, { drop: true }));
   */
  toSQL(target: Engine | Dialect | DdlCompiler, options: ToSqlOptions = {}): string {
    const ddl = target instanceof DdlCompiler ? target : target instanceof Engine ? target.dialect.ddl : target.ddl;
    const schema = this.toSchema();
    let statements: string[];
    if (options.drop) {
      const drop = dropStatements(schema, ddl, false);
      statements = [...drop.statements, ...drop.after];
    } else {
      statements = createStatements(schema, ddl);
    }
    return statements.length === 0 ? '' : `${statements.join(';\n')};\n`;
  }
}

/** Runs `fn` in a transaction when the server's DDL is transactional and none is open yet. */
async function inTransaction(conn: Connection, fn: () => Promise<void>): Promise<void> {
  if (conn.dialect.capabilities.transactionalDdl && !conn.inTransaction) await conn.transaction(fn);
  else await fn();
}

async function existingObjects(conn: Connection, schema: DatabaseSchema): Promise<ExistingObjects> {
  const found = await conn.dialect.introspect(queryOn(conn), {
    tables: schema.tables.map((t) => t.name),
    enums: schema.enums.map((e) => e.name),
  });
  return { tables: new Set(found.tables.map((t) => t.name)), enums: new Set(found.enums.map((e) => e.name)) };
}

/**
 * The default MetaData: every class decorated with `@Entity`, whenever it was imported.
 * It is also the registry queries and sessions resolve classes in when given none, so
 * `metadata.entity(User)` is the metadata `select(User)` uses.
 * @example
 * await metadata.createAll(engine, { checkFirst: true });
 */
export const metadata = new MetaData();
// Installed as this module loads, which the package entry does before any user code runs.
installDefaultRegistry(metadata);

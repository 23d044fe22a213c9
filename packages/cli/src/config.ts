/*
 * strata.config.ts: where the database is (`url`, overridden by DATABASE_URL), which
 * entities the schema is made of, and where migration files live. Loaded by the CLI
 * without the user compiling anything.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { MigrationError, type NamingStrategy } from '@strata/core';
import { loadFailure, registerTypeScript } from './ts-loader';

/** What a project's strata.config.ts exports (default export). */
export interface StrataConfig {
  /** The database URL; the DATABASE_URL environment variable wins over it. */
  url?: string;
  /** The entity classes the schema is made of. */
  entities: readonly Function[];
  /** The migrations folder, relative to the config file. Default 'migrations'. */
  migrations?: string;
  /** The naming strategy the entities use, when not the default snake_case. */
  naming?: NamingStrategy;
  /** The table recording applied revisions. Default 'strata_migrations'. */
  versionTable?: string;
}

/**
 * Declares the config with type checking.
 * @example
 * export default defineConfig({ url: 'sqlite:///app.db', entities: [User, Post] });
 */
export function defineConfig(config: StrataConfig): StrataConfig {
  return config;
}

/** A config as the CLI uses it: everything resolved. */
export interface LoadedConfig {
  readonly file: string;
  readonly url: string;
  readonly entities: readonly Function[];
  readonly migrationsDir: string;
  readonly naming: NamingStrategy | undefined;
  readonly versionTable: string;
}

export const CONFIG_NAMES = ['strata.config.ts', 'strata.config.mts', 'strata.config.cts', 'strata.config.js', 'strata.config.cjs'];

/** Finds and loads the config: `explicit`, or strata.config.ts / .js in `cwd`. */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  const file = explicit ? resolve(cwd, explicit) : CONFIG_NAMES.map((name) => join(cwd, name)).find((path) => existsSync(path));
  if (!file || !existsSync(file)) {
    throw new MigrationError(
      explicit ? `No config file at ${file}.` : `No strata.config.ts in ${cwd}. Run 'strata init' to create one, or pass --config <file>.`,
    );
  }
  registerTypeScript();
  let loaded: unknown;
  try {
    loaded = require(file);
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`Loading ${file} failed: ${loadFailure(error)}`, { cause: error });
  }
  const config = ((loaded as { default?: unknown }).default ?? loaded) as Partial<StrataConfig>;
  if (!config || typeof config !== 'object') throw new MigrationError(`${file} must export a config: export default defineConfig({ url, entities }).`);
  const url = process.env.DATABASE_URL || config.url;
  if (!url) {
    throw new MigrationError(`No database URL: set url in ${file} or the DATABASE_URL environment variable (e.g. sqlite:///app.db, postgresql://user@host/db).`);
  }
  if (!Array.isArray(config.entities)) throw new MigrationError(`${file}: 'entities' must list the entity classes, e.g. entities: [User, Post].`);
  const bad = config.entities.findIndex((e) => typeof e !== 'function');
  if (bad >= 0) throw new MigrationError(`${file}: entities[${bad}] is not a class (an import cycle or a typo?).`);
  const folder = config.migrations ?? 'migrations';
  return {
    file,
    url,
    entities: config.entities,
    migrationsDir: isAbsolute(folder) ? folder : join(dirname(file), folder),
    naming: config.naming,
    versionTable: config.versionTable ?? 'strata_migrations',
  };
}

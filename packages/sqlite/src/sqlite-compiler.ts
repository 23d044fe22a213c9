/*
 * SQLite's compiler: the base defaults (`?` placeholders, double-quoted identifiers)
 * already match; the class exists so SQLite-only hooks have a home.
 */
import { SqlCompiler } from '@strata/core';

/** Compiles SQL for SQLite. */
export class SqliteCompiler extends SqlCompiler {}

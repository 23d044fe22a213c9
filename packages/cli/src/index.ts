/*
 * @strata/cli: the `strata` command line, and what migration files and strata.config.ts import.
 */
export { runCli, VERSION } from './cli';
export type { CliIo } from './cli';
export { defineConfig, loadConfig } from './config';
export type { LoadedConfig, StrataConfig } from './config';
export { Operations, columnOf, tableOf } from './operations';
export type { AlterColumnOptions, ColumnChanges, ColumnSpec, ForeignKeySpec, IndexSpec, OperationContext, TableSpec } from './operations';
export { Migrator } from './migrator';
export type { MigratorOptions } from './migrator';
export type { AppliedRevision } from './version-table';
export type { Reporter } from './reporter';
export type { ScriptSink } from './migration-script';
export { loadRevisions, RevisionGraph } from './revisions';
export type { Revision } from './revisions';
export { describeChange, newRevisionId, renderChange, renderRevision, revisionFileName } from './autogenerate';
export { warningsFor } from './change-notes';
export type { RevisionDraft } from './autogenerate';
export { registerTypeScript } from './ts-loader';

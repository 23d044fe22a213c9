/*
 * Public surface of core's schema layer: the schema model, MetaData (createAll / dropAll /
 * toSQL), introspection, and the DDL compiler base that dialect packages extend.
 */
export { MetaData, metadata } from './meta-data';
export type { SchemaOptions, ToSqlOptions } from './meta-data';
export { DEFAULT_ACTION, normalizeLiteral } from './schema-model';
export type {
  ColumnDefault,
  DatabaseSchema,
  LiteralValue,
  SchemaCheck,
  SchemaColumn,
  SchemaEnum,
  SchemaForeignKey,
  SchemaIndex,
  SchemaPrimaryKey,
  SchemaTable,
  SchemaUnique,
} from './schema-model';
export { schemaFromMetadata } from './metadata-to-schema';
export { columnEnums } from './column-enums';
export { baseType, normalizeSchema, parseDefault } from './schema-normalizer';
export { DdlCompiler, checkLiteral } from './ddl-compiler';
export type { AlterOptions, DdlFeatures } from './ddl-compiler';
export { createStatements, dependencyOrder, dropStatements } from './ddl-plan';
export type { ExistingObjects } from './ddl-plan';
export { introspect, queryOn, withConnection } from './introspect';
export { catalogText } from './catalog-text';
export { diffSchemas, invertChange } from './schema-diff';
export type { DiffOptions, SchemaChange } from './schema-diff';
export type { ChangeNote, MigrationHooks } from './migration-hooks';
export { narrowsType } from './type-narrowing';
export type { IntrospectOptions, SchemaBind, SchemaQuery } from './introspect';
export { canonicalSql, matching, renderTokens, tokenizeSql } from './sql-text';
export type { CanonicalOptions, SqlToken, TokenizeOptions } from './sql-text';

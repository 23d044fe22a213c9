/*
 * @strata/core/dialect: what a dialect package builds on. The Dialect interface and its
 * driver-facing types, the SQL and DDL compiler bases with the statement nodes they
 * compile, value codecs, the schema model's normalizer, differ and catalog helpers, and the
 * error classification a driver's errors go through. Applications do not need these; the
 * `strata` CLI uses the migration parts. Names from `@strata/core` (errors, `sql`,
 * `Connection`, `Capabilities`, `ServerInfo`, metadata types, the zone helpers) are imported
 * from there, not repeated here.
 */
export { registerDialect } from './engine/dialect-registry';
export type {
  Dialect,
  DialectConnection,
  DialectFactory,
  DialectOptions,
  DriverResult,
  ExecuteOptions,
  ErrorClassification,
  ErrorKind,
  ViolationKind,
  PoolDefaults,
} from './engine/dialect';
export { translateError } from './engine/translate-error';
export { redactUrlText } from './engine/engine-url';
export { ClosedConnectionError } from './engine/closed-connection-error';
export { connectionFailed, socketFailure } from './engine/connection-failure';
export type { ConnectFailure } from './engine/connection-failure';

export { SqlCompiler, SqlBuffer, checkIdentifier } from './sql/sql-compiler';
export type { CompiledSql } from './sql/sql-compiler';

export type { ValueCodec } from './types/value-codec';
export { BaseDialectTypes } from './types/dialect-types';
export type { DialectTypes } from './types/dialect-types';
export { formatUtcDateTime } from './types/date-time-text';
export type { NumericLimits } from './types/scalar-values';
export { columnLabel, invalidValue } from './types/value-errors';

export { QueryCompiler, ParamSlot, ListSlot, fillSlots } from './query/query-compiler';
export type { CompiledSlot, CompiledStatement } from './query/query-compiler';
export { QueryBuffer } from './query/query-buffer';
export type { CodecSource, CompileOptions, ValueConverter } from './query/query-buffer';
export type { CompiledColumn, RowDecoder } from './query/row-decoder';
export type {
  Assignment,
  BinaryOperator,
  CaseArm,
  CaseNode,
  CompoundNode,
  ConflictNode,
  CteSource,
  DeleteNode,
  EntitySource,
  ExcludedSource,
  ExprNode,
  FromSource,
  InsertNode,
  JoinNode,
  LockNode,
  OrderNode,
  ParamNode,
  QueryNode,
  ResultDecoder,
  ResultSource,
  RowShape,
  SelectItem,
  SelectionNode,
  SelectNode,
  SourceNode,
  StatementNode,
  SubquerySource,
  TableSource,
  UpdateNode,
  ValuesSource,
} from './query/query-nodes';

export { normalizeLiteral } from './schema/schema-model';
export { columnEnums } from './schema/column-enums';
export { normalizeSchema, parseDefault } from './schema/schema-normalizer';
export { DdlCompiler, checkLiteral } from './schema/ddl-compiler';
export type { AlterOptions, DdlFeatures } from './schema/ddl-compiler';
export { createStatements, dependencyOrder, dropStatements } from './schema/ddl-plan';
export type { ExistingObjects } from './schema/ddl-plan';
export { queryOn } from './schema/introspect';
export type { SchemaQuery } from './schema/introspect';
export { catalogText } from './schema/catalog-text';
export { diffSchemas, invertChange } from './schema/schema-diff';
export type { DiffOptions, SchemaChange } from './schema/schema-diff';
export type { ChangeNote, MigrationHooks } from './schema/migration-hooks';
export { narrowsType } from './schema/type-narrowing';
export { canonicalSql, matching, renderTokens, tokenizeSql } from './schema/sql-text';
export type { CanonicalOptions, SqlToken, TokenizeOptions } from './schema/sql-text';

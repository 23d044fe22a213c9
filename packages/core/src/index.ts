/*
 * The public API of @strata/core.
 */
import 'reflect-metadata';

export {
  AmbiguousTimeError,
  ArgumentError,
  ConfigurationError,
  ConnectionFailedError,
  DatabaseError,
  DataError,
  DetachedInstanceError,
  DisconnectionError,
  FlushError,
  IntegrityError,
  InvalidStateError,
  MigrationError,
  MultipleResultsFound,
  NonExistentTimeError,
  NoResultFound,
  NotSupportedError,
  OperationalError,
  PoolTimeoutError,
  ProgrammingError,
  SerializationError,
  TransactionAbortedError,
  PartialCommitError,
  StaleDataError,
  StrataError,
  UnloadedRelationError,
  MetadataError,
  ValidationError,
  UniqueViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  CheckViolationError,
} from './errors/errors';
export type { DatabaseErrorDetails, IntegrityErrorDetails, StrataErrorOptions } from './errors/errors';
export { ObjectDeletedError } from './errors/errors';
export type { StaleRow } from './errors/errors';

export { sql, SqlFragment, Identifier, RawSql } from './sql/sql-fragment';
export { SqlCompiler, SqlBuffer, checkIdentifier } from './sql/sql-compiler';
export type { CompiledSql } from './sql/sql-compiler';

export { Engine, createEngine } from './engine/engine';
export type { EngineOptions } from './engine/engine';
export type { ReplicaState } from './engine/replica-set';
export { Connection, Savepoint } from './engine/connection';
export type { StreamOptions } from './engine/connection';
export { Result } from './engine/result';
export type { Row } from './engine/result';
export { parseEngineUrl } from './engine/engine-url';
export type { EngineUrl } from './engine/engine-url';
export { registerDialect } from './engine/dialect-registry';
export type {
  BeginOptions,
  Capabilities,
  Dialect,
  DialectConnection,
  DialectFactory,
  DialectOptions,
  DriverResult,
  ExecuteOptions,
  ErrorClassification,
  ErrorKind,
  ViolationKind,
  IsolationLevel,
  PoolDefaults,
  ServerInfo,
} from './engine/dialect';
export type { EngineEventMap, EngineEventName, EngineListener, StatementEntry } from './engine/engine-events';
export { translateError, formatParams } from './engine/translate-error';

export { ClosedConnectionError } from './engine/closed-connection-error';
export { connectionFailed, socketFailure } from './engine/connection-failure';
export type { ConnectFailure } from './engine/connection-failure';
export { Pool } from './pool/pool';
export type { PoolOptions, PoolStatus } from './pool/pool';

export * from './metadata/index';
export * from './types/index';
export * from './query/index';
export * from './schema/index';
export * from './orm/index';
export { expectStatements } from './testing/expect-statements';

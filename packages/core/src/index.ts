/*
 * @strata/core: what applications use. Entities and their decorators, the engine, sessions,
 * queries, schema creation and introspection, and the errors all of these raise. What a
 * dialect package builds on is in `@strata/core/dialect` (./dialect.ts), helpers for
 * application tests in `@strata/core/testing` (./testing.ts). A name added here is public:
 * test/entry-points.test.ts lists each entry point's names, so adding one is a choice.
 */
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
  ObjectDeletedError,
} from './errors/errors';
export type { DatabaseErrorDetails, IntegrityErrorDetails, StaleRow, StrataErrorOptions } from './errors/errors';

export { sql, SqlFragment, Identifier, RawSql } from './sql/sql-fragment';

export { Engine, createEngine } from './engine/engine';
export type { EngineOptions } from './engine/engine';
export type { ReplicaState } from './engine/replica-set';
export type { BeginOptions, Capabilities, IsolationLevel, ServerInfo } from './engine/dialect';
export { fromWallTime, toWallTime, zoneOffset } from './types/zoned-time';
export { Connection, Savepoint } from './engine/connection';
export type { StreamOptions } from './engine/connection';
export { Result } from './engine/result';
export type { Row } from './engine/result';
export { parseEngineUrl } from './engine/engine-url';
export type { EngineUrl } from './engine/engine-url';
export type { EngineEventMap, EngineEventName, EngineListener, StatementEntry } from './engine/engine-events';
export { Pool } from './pool/pool';
export type { PoolOptions, PoolStatus } from './pool/pool';

export * from './metadata/index';
export * from './query/index';
export * from './schema/index';
export * from './orm/index';

/*
 * Public surface of core's ORM layer (session, states, identity map).
 */
export { inspect } from './state/inspect';
export type { InstanceInspection } from './state/inspect';
export type { ObjectStatus } from './state/instance-state';
export { Session, NestedTransaction } from './session/session';
export type { EntityIn, EntityTuple, FirstValue, GetOptions, LoadedAfter, LoadedAll, OnCommitOptions } from './session/session';
export type { LoadRelationOptions } from './loading/session-loader';
export { RelationCollection } from './state/collection';
export { sessionMaker } from './session/session-maker';
export type { SessionFactory } from './session/session-maker';
export type { SessionOptions } from './session/session-options';
export type { Propagation, RetryPolicy, TransactionOptions } from './transaction/transaction-runner';
export { scopedSession } from './scope/scoped-session';
export { ShardedSession, shardedSessionMaker } from './sharding/sharded-session';
export type { ShardedSessionFactory, ShardingOptions, ShardQueryOptions } from './sharding/sharded-session';
export type { ScopedSession, ScopeMiddleware, ScopedResponse, ScopeOptions } from './scope/scoped-session';
export { SessionEvents } from './session/session-events';
export type { HookFailure, HookKind, SessionEventMap, SessionEventName } from './session/session-events';
export { PendingChanges } from './unit-of-work/pending-changes';
export type { PendingStatement } from './unit-of-work/pending-changes';
export { GeneratedValue } from './unit-of-work/flush-plan';
export type { FlushCommandKind, PendingChange } from './unit-of-work/flush-plan';

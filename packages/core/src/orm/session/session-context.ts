/*
 * What a Session's collaborators share and call back into: its objects (identity map and
 * change sets), open transaction, listeners, entity mappers and connection access. Object
 * states, the loader, streams, the transaction runner and request scopes hold this context,
 * never the Session, so the Session class keeps only the methods users call.
 */
import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import { ArgumentError, InvalidStateError } from '../../errors/errors';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { EntityRegistry } from '../../metadata/entity-registry';
import type { EntityClass } from '../../query/query-types';
import { describe } from '../../query/expression';
import type { HydrationTarget } from '../loading/hydrate';
import type { LoaderHost } from '../loading/session-loader';
import { EntityMapper } from '../state/entity-mapper';
import type { InstanceState, StateSession } from '../state/instance-state';
import { TransactionStack } from '../transaction/transaction-stack';
import type { Session } from './session';
import { SessionEvents } from './session-events';
import { SessionObjects } from './session-objects';

/** The settings a context is made with: the engine, the registry and strict mode of its session. */
export interface ContextSettings {
  readonly bind: Engine;
  readonly registry: EntityRegistry;
  readonly strict: boolean;
}

/** What only the Session itself can do, because it needs the Session's own private state. */
export interface SessionHost {
  /** The connection a query runs on, after an autoflush (see SessionContext.connectionForQuery). */
  connectionForQuery(options: QueryConnectionOptions): Promise<Connection> | Connection;
  /** A new, empty session with the same options and listeners. */
  fork(): Session;
  /** Closes the session for good: any later use throws InvalidStateError with `reason`. */
  retire(reason: string): Promise<void>;
}

/** Options of `connectionForQuery`. */
export interface QueryConnectionOptions {
  /** A plain read (a SELECT without FOR UPDATE): may run outside a transaction, on a replica. Default false. */
  readonly read?: boolean;
}

/** Options of `hydrationTarget`. */
export interface HydrationOptions {
  /** Hold clean objects weakly, as a stream does, so memory stays flat. Default false. */
  readonly weak?: boolean;
}

/** A session's internals, shared with its collaborators. */
export class SessionContext implements StateSession, LoaderHost {
  /** The public face, handed to listeners and user callbacks. */
  readonly session: Session;
  readonly bind: Engine;
  readonly strict: boolean;
  readonly objects: SessionObjects;
  readonly transactions = new TransactionStack();
  readonly events = new SessionEvents();
  readonly #registry: EntityRegistry;
  readonly #host: SessionHost;

  constructor(session: Session, settings: ContextSettings, host: SessionHost) {
    this.session = session;
    this.bind = settings.bind;
    this.strict = settings.strict;
    this.#registry = settings.registry;
    this.#host = host;
    this.objects = new SessionObjects(this);
  }

  /** An object's first change: the flush visits it, and the open level remembers its values. */
  markDirty(state: InstanceState): void {
    this.objects.markDirty(state, this.transactions.top());
  }

  /** A relationship collection of an object changed membership. */
  collectionChanged(state: InstanceState, index: number): void {
    this.objects.collectionChanged(state, index);
  }

  /** A relationship slot of an object is about to change, so a rollback can put it back. */
  relationChanging(state: InstanceState, index: number): void {
    this.objects.relationChanging(state, index, this.transactions.top());
  }

  /** The held object an owning to-one's foreign key points at. */
  relatedByKey(state: InstanceState, index: number): object | null | undefined {
    return this.objects.relatedByKey(state, index);
  }

  /**
   * The connection a query runs on: autoflushes first. A plain read before the session's
   * transaction began runs in autocommit on a connection the session holds (no BEGIN /
   * COMMIT for sessions that only read); anything else begins the transaction.
   */
  connectionForQuery(options: QueryConnectionOptions = {}): Promise<Connection> | Connection {
    return this.#host.connectionForQuery(options);
  }

  /** Identity map and session for loaders. */
  hydrationTarget(options: HydrationOptions = {}): HydrationTarget {
    return this.objects.hydrationTarget(options.weak ?? false);
  }

  /** The session's mapper for an entity class; ArgumentError for anything else. */
  mapper(entity: EntityClass<unknown>): EntityMapper {
    if (typeof entity !== 'function') throw new ArgumentError(`Expected an entity class; got ${String(entity)}.`);
    return EntityMapper.for(this.#registry.entity(entity));
  }

  /** The session's mapper for an entity a statement selected: it may have resolved it in another registry, and objects always belong to the session's. */
  mapperFor(entity: EntityMetadata): EntityMapper {
    return EntityMapper.for(this.#registry.has(entity.target) ? this.#registry.entity(entity.target) : entity);
  }

  /** Detaches an object whose row has gone. */
  expunge(object: object): void {
    this.session.expunge(object);
  }

  /** A new, empty session made with this one's options and listeners (for `propagation: 'requiresNew'`). */
  fork(): Session {
    return this.#host.fork();
  }

  /** Closes the session for good (its scope ended): any later use throws InvalidStateError with `reason`. */
  retire(reason: string): Promise<void> {
    return this.#host.retire(reason);
  }
}

/**
 * Reads a session's context from the Session's private field (installed by the Session
 * class itself): nothing of it shows on the Session, and it costs a field read, where a
 * WeakMap entry per session would cost the garbage collector on every short request.
 */
let readContext: ((session: object) => SessionContext | undefined) | undefined;

/** Called once by the Session class: how to read a session's context. */
export function installContextReader(reader: (session: object) => SessionContext | undefined): void {
  readContext = reader;
}

/** Makes the context of a session (called once, by the Session's constructor). */
export function createSessionContext(session: Session, settings: ContextSettings, host: SessionHost): SessionContext {
  return new SessionContext(session, settings, host);
}

/** The context of a session; InvalidStateError for an object that is not a Session made by `new Session` or a factory. */
export function contextOf(session: Session): SessionContext {
  const context = session !== null && typeof session === 'object' ? readContext?.(session) : undefined;
  if (!context) throw new InvalidStateError(`Expected a Session made by sessionMaker() or new Session(); got ${describe(session)}.`);
  return context;
}

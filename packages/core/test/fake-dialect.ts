/*
 * A stand-in database for the pool unit tests: a dialect registered for `fake://host/db`
 * whose connections record what the pool did to them (open, statements, ping, close) and
 * fail when told to. The pool's own logic is under test here; how each real dialect pings,
 * closes and fails is proven on its server by the testkit suites.
 */
import type { Capabilities, Dialect, DialectConnection, DriverResult, ErrorClassification, PoolDefaults, ServerInfo } from '../src/engine/dialect';
import { registerDialect } from '../src/engine/dialect-registry';
import { ConnectionFailedError, DisconnectionError } from '../src/errors/errors';
import { QueryCompiler } from '../src/query/query-compiler';
import type { DdlCompiler } from '../src/schema/ddl-compiler';
import type { MigrationHooks } from '../src/schema/migration-hooks';
import type { DatabaseSchema } from '../src/schema/schema-model';
import { BaseDialectTypes } from '../src/types/dialect-types';

/** One fake server: the connections opened to it, and switches that make it fail. */
export class FakeServer {
  readonly name: string;
  /** Every connection opened to it, in order. */
  readonly connections: FakeConnection[] = [];
  /** While true, new connections are refused. */
  down = false;
  /** How many connections it refused. */
  refused = 0;
  /** While true, pings fail (as after a server restart). */
  failPings = false;
  /** The name of the connection that ran the latest statement. */
  lastStatementOn: string | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Connections not closed yet. */
  get openConnections(): FakeConnection[] {
    return this.connections.filter((c) => !c.closed);
  }

  async open(): Promise<FakeConnection> {
    if (this.down) {
      this.refused++;
      throw new ConnectionFailedError(`fake server ${this.name} refused the connection`);
    }
    const conn = new FakeConnection(this, this.connections.length + 1);
    this.connections.push(conn);
    return conn;
  }
}

/** A connection to a fake server; `name` is `server#n`, the n-th connection opened to it. */
export class FakeConnection implements DialectConnection {
  readonly name: string;
  readonly statements: string[] = [];
  readonly #server: FakeServer;
  pings = 0;
  closed = false;

  constructor(server: FakeServer, n: number) {
    this.#server = server;
    this.name = `${server.name}#${n}`;
  }

  async execute(sql: string): Promise<DriverResult> {
    if (this.closed) throw new DisconnectionError(`${this.name} is closed`);
    this.statements.push(sql);
    this.#server.lastStatementOn = this.name;
    return { rows: [{ one: 1 }], rowCount: 1 };
  }

  async *stream(sql: string): AsyncIterable<Record<string, unknown>[]> {
    yield (await this.execute(sql)).rows;
  }

  async ping(): Promise<void> {
    this.pings++;
    if (this.closed || this.#server.failPings) throw new DisconnectionError(`ping on ${this.name} failed`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

const CAPABILITIES: Capabilities = Object.freeze<Capabilities>({
  returning: false,
  updateReturning: false,
  transactionalDdl: false,
  savepoints: true,
  forUpdate: false,
  skipLocked: false,
  nowait: false,
  forUpdateOf: false,
  nullsOrdering: false,
  serverCursors: false,
  multiRowInsert: true,
  insertId: false,
  isolationLevels: ['serializable'],
});

/** The dialect of `fake://` URLs: just enough of one for engines, pools and Connections. */
class FakeDialect implements Dialect {
  readonly name = 'fake';
  readonly compiler = new QueryCompiler();
  readonly types = new BaseDialectTypes();
  readonly capabilities = CAPABILITIES;
  serverInfo: ServerInfo | undefined;
  readonly #server: FakeServer;

  constructor(server: FakeServer) {
    this.#server = server;
  }

  get ddl(): DdlCompiler {
    throw new Error('the fake dialect writes no DDL');
  }

  get migrations(): MigrationHooks {
    throw new Error('the fake dialect has no migrations');
  }

  introspect(): Promise<DatabaseSchema> {
    throw new Error('the fake dialect has no schema');
  }

  connect(): Promise<DialectConnection> {
    return this.#server.open();
  }

  async initialize(): Promise<void> {
    this.serverInfo = { product: 'Fake', version: '1' };
  }

  classifyError(error: unknown): ErrorClassification {
    return { kind: error instanceof DisconnectionError ? 'disconnect' : 'operational' };
  }

  beginStatements(): readonly string[] {
    return ['BEGIN'];
  }

  poolDefaults(): PoolDefaults {
    return {};
  }

  describeTarget(): string {
    return `fake server ${this.#server.name}`;
  }
}

const servers = new Map<string, FakeServer>();

registerDialect(['fake'], (url) => new FakeDialect(fakeServer(url.host ?? 'primary')));

/** The fake server for a host name (`fake://<name>/db`), made on first use. */
export function fakeServer(name: string): FakeServer {
  let server = servers.get(name);
  if (!server) servers.set(name, (server = new FakeServer(name)));
  return server;
}

/** Forgets every fake server, so the next engine starts on fresh ones. */
export function resetFakeServers(): void {
  servers.clear();
}

/*
 * Read replicas behind one engine: the servers reads may go to, each with its own dialect
 * (connection factory), opened round robin. A replica that cannot be reached is skipped for
 * `retryAfter` ms and tried again after that; with every replica down, reads fall back to
 * the primary. The engine pools what this opens in a pool of its own. Time is the engine's Clock.
 */
import { systemClock, type Clock } from '../pool/clock';
import type { Dialect, DialectConnection } from './dialect';

/** What a replica set knows of one replica. */
export interface ReplicaState {
  /** The replica's URL, without its password. */
  readonly target: string;
  /** True unless it failed recently (a connect that did not succeed, or a lost connection). */
  readonly healthy: boolean;
  /** When it is tried again after a failure (Date.now() ms, the engine clock's time); 0 while healthy. */
  readonly retryAt: number;
}

interface Member {
  readonly dialect: Dialect;
  readonly target: string;
  retryAt: number;
}

/** A connection opened by the replica set, with where it went. */
export interface ReplicaConnection {
  readonly raw: DialectConnection;
  /** The replica's URL (password hidden), or `undefined` when every replica was down and the primary served. */
  readonly replica: string | undefined;
}

/** A replica found healthy again, or down (with the error that said so). */
export interface ReplicaChange {
  readonly target: string;
  readonly healthy: boolean;
  readonly error?: unknown;
}

/** The replicas of an engine. */
export class ReplicaSet {
  readonly #members: Member[];
  readonly #retryAfter: number;
  readonly #primary: () => Promise<DialectConnection>;
  readonly #changed: (change: ReplicaChange) => void;
  readonly #clock: Clock;
  #next = 0;

  /** `clock` is for tests; engines use the system clock. */
  constructor(
    replicas: readonly { dialect: Dialect; target: string }[],
    retryAfter: number,
    primary: () => Promise<DialectConnection>,
    changed: (change: ReplicaChange) => void,
    clock: Clock = systemClock,
  ) {
    this.#members = replicas.map((r) => ({ dialect: r.dialect, target: r.target, retryAt: 0 }));
    this.#retryAfter = retryAfter;
    this.#primary = primary;
    this.#changed = changed;
    this.#clock = clock;
  }

  /** Each replica and whether reads go to it now. */
  status(): ReplicaState[] {
    const now = this.#clock.now();
    return this.#members.map((m) => ({ target: m.target, healthy: m.retryAt <= now, retryAt: m.retryAt > now ? m.retryAt : 0 }));
  }

  /** Opens a connection on the next healthy replica; on the primary when none can be reached. */
  async open(): Promise<ReplicaConnection> {
    const now = this.#clock.now();
    const count = this.#members.length;
    for (let tried = 0; tried < count; tried++) {
      const member = this.#members[this.#next++ % count]!;
      if (member.retryAt > now) continue;
      try {
        const raw = await member.dialect.connect();
        if (member.retryAt !== 0) {
          member.retryAt = 0;
          this.#changed({ target: member.target, healthy: true });
        }
        return { raw, replica: member.target };
      } catch (error) {
        this.markDown(member.target, error);
      }
    }
    return { raw: await this.#primary(), replica: undefined };
  }

  /** Skips a replica for `retryAfter` ms (it refused a connection). */
  markDown(target: string, error?: unknown): void {
    const member = this.#members.find((m) => m.target === target);
    if (!member) return;
    const now = this.#clock.now();
    const wasHealthy = member.retryAt <= now;
    member.retryAt = now + this.#retryAfter;
    if (wasHealthy) this.#changed({ target, healthy: false, error });
  }
}

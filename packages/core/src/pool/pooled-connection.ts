/*
 * One pool slot: a driver connection plus the bookkeeping the pool needs to decide
 * whether it may be reused (age, generation, last use, who holds it), timed by the pool's clock.
 */
import type { DialectConnection } from '../engine/dialect';
import type { Clock } from './clock';

let nextId = 1;

/** A pooled driver connection and its bookkeeping. Internal to the engine. */
export class PooledConnection {
  readonly id = nextId++;
  readonly #clock: Clock;
  #raw: DialectConnection;
  #createdAt: number;
  #generation: number;
  #invalid = false;
  #lastUsedAt: number;
  /** When the current holder checked it out. */
  checkedOutAt = 0;
  /** Where the current holder checked it out, when leak detection is on. */
  checkoutStack: string | undefined;
  /** Whether the leak detector already reported the current checkout. */
  leakReported = false;
  /** Where the pool keeps it among the checked-out connections; -1 while idle. */
  outAt = -1;
  /** A reconnect in progress, shared by everyone who needs this slot fresh. */
  reconnecting: Promise<void> | undefined;

  constructor(raw: DialectConnection, generation: number, clock: Clock) {
    this.#clock = clock;
    this.#raw = raw;
    this.#generation = generation;
    this.#createdAt = clock.now();
    this.#lastUsedAt = this.#createdAt;
  }

  get raw(): DialectConnection {
    return this.#raw;
  }

  get createdAt(): number {
    return this.#createdAt;
  }

  /** When it was last used (opened, checked in, pinged, or ran a statement). */
  get lastUsedAt(): number {
    return this.#lastUsedAt;
  }

  /** Notes a use now: pre-ping counts idleness from the last use. */
  markUsed(): void {
    this.#lastUsedAt = this.#clock.now();
  }

  get generation(): number {
    return this.#generation;
  }

  /** True once a disconnect or a failed ping condemned this driver connection, or it closed. */
  get invalid(): boolean {
    return this.#invalid || this.#raw.closed;
  }

  /** True when the pool condemned it explicitly (and already reported why). */
  get invalidated(): boolean {
    return this.#invalid;
  }

  markInvalid(): void {
    this.#invalid = true;
  }

  /** Puts a fresh driver connection in this slot; the old one must be closed by the caller. */
  replaceRaw(raw: DialectConnection, generation: number): void {
    this.#raw = raw;
    this.#generation = generation;
    this.#invalid = false;
    this.#createdAt = this.#clock.now();
    this.#lastUsedAt = this.#createdAt;
  }
}

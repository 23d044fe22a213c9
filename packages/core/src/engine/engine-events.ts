/*
 * The events an engine and its pool emit, and the small typed emitter behind `engine.on`.
 * Listeners run synchronously; one that throws is reported on stderr and does not stop the others.
 */

/** A statement as `echo` and the `statement` event see it. */
export interface StatementEntry {
  readonly sql: string;
  /** The parameters, or undefined when the engine hides parameters. */
  readonly params: readonly unknown[] | undefined;
  /** Wall time in milliseconds, driver round trip included. */
  readonly ms: number;
  /** Rows returned or matched; undefined when the statement failed. */
  readonly rowCount: number | undefined;
  /** The translated error, when the statement failed. */
  readonly error?: Error;
}

/** Payloads of the engine's events. */
export interface EngineEventMap {
  /** A new driver connection was opened. */
  connect: { readonly connectionId: number };
  /** A connection left the pool. */
  checkout: { readonly connectionId: number };
  /** A connection came back to the pool. */
  checkin: { readonly connectionId: number };
  /** A driver connection was thrown away: disconnect, failed ping, recycle age, pool invalidation. */
  invalidate: { readonly connectionId: number; readonly reason: string; readonly error?: unknown };
  /** A pre-ping round trip was made before handing out a connection. */
  ping: { readonly connectionId: number; readonly ok: boolean };
  /** A connection has been held longer than `leakDetection`. */
  leak: { readonly connectionId: number; readonly heldMs: number; readonly stack: string | undefined };
  /** A read replica stopped answering (it is skipped for a while) or answered again. */
  replica: { readonly target: string; readonly healthy: boolean; readonly error?: unknown };
  /** A statement ran (or failed). */
  statement: StatementEntry;
}

export type EngineEventName = keyof EngineEventMap;
export type EngineListener<E extends EngineEventName> = (payload: EngineEventMap[E]) => void;

/** A typed, synchronous event emitter. */
export class EngineEvents {
  readonly #listeners = new Map<EngineEventName, Set<(payload: never) => void>>();

  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<E extends EngineEventName>(event: E, listener: EngineListener<E>): void {
    this.#listeners.get(event)?.delete(listener);
  }

  has(event: EngineEventName): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  emit<E extends EngineEventName>(event: E, payload: EngineEventMap[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as EngineListener<E>)(payload);
      } catch (error) {
        process.emitWarning(`A Strata '${event}' listener threw: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
  }
}

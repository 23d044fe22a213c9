/*
 * Named prepared statements for one pg connection: a statement text with parameters gets a
 * name the first time it runs, so pg parses and plans it once per connection and later runs
 * send only Bind and Execute. The least recently used name is deallocated past the size.
 */
import type { Client } from 'pg';

/** The statement names a connection has prepared, by text, least recently used first. */
export class PostgresStatementCache {
  readonly #client: Client;
  readonly #size: number;
  readonly #names = new Map<string, string>();
  #counter = 0;

  /** `size` statements at most; 0 turns named statements off. */
  constructor(client: Client, size: number) {
    this.#client = client;
    this.#size = size;
  }

  /**
   * The name to run `text` under, or undefined for an unnamed statement (cache off). When
   * the cache is full, the least recently used statement is deallocated first (the only
   * case that returns a promise).
   */
  nameFor(text: string): string | undefined | Promise<string> {
    if (this.#size === 0) return undefined;
    const names = this.#names;
    const known = names.get(text);
    if (known !== undefined) {
      // Most recently used goes last.
      names.delete(text);
      names.set(text, known);
      return known;
    }
    if (names.size >= this.#size) return this.#evictThenName(text);
    return this.#newName(text);
  }

  async #evictThenName(text: string): Promise<string> {
    const [oldText, oldName] = this.#names.entries().next().value as [string, string];
    await this.#deallocate(oldText, oldName);
    return this.#newName(text);
  }

  #newName(text: string): string {
    const name = `strata_${++this.#counter}`;
    this.#names.set(text, name);
    return name;
  }

  /**
   * Forgets a statement the server no longer has in the form pg remembers (a failed parse,
   * a DEALLOCATE or DISCARD by someone else, a plan made stale by DDL): the next run parses
   * it again under a new name.
   */
  forget(text: string): void {
    const name = this.#names.get(text);
    if (name === undefined) return;
    this.#names.delete(text);
    delete parsedStatements(this.#client)?.[name];
  }

  async #deallocate(text: string, name: string): Promise<void> {
    this.forget(text);
    // Names are never reused, so a failed DEALLOCATE only leaves a statement the server frees at disconnect.
    await this.#client.query(`DEALLOCATE ${name}`).catch(() => undefined);
  }
}

/** pg's record of the statements parsed on a connection (it skips Parse for names it holds). */
function parsedStatements(client: Client): Record<string, string> | undefined {
  return (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
}

/*
 * Named prepared statements for one pg connection: a statement text with parameters gets a
 * name the first time it runs, so pg parses and plans it once per connection and later runs
 * send only Bind and Execute. The server keeps each one in the backend's memory (about 25
 * times its text once planned), so the cache is bounded by count and by the total size of
 * the texts, and big statements are never named: the least recently used name is
 * deallocated past either bound.
 */
import type { Client } from 'pg';

/**
 * Statements longer than this (in bytes of SQL text) run unnamed: one of them would hold
 * hundreds of kilobytes of server memory per connection, and statements that big are
 * rarely the same twice (asyncpg draws the line at 15 KB too).
 */
export const MAX_NAMED_STATEMENT_BYTES = 15 * 1024;

/** Statements with more parameters than this run unnamed, whatever their length: their plans grow with each one. */
export const MAX_NAMED_STATEMENT_PARAMS = 1_000;

/** The bounds of one connection's cache. */
export interface StatementCacheLimits {
  /** Named statements at most; 0 runs every statement unnamed. */
  readonly size: number;
  /** Bytes of SQL text of the named statements together, at most. */
  readonly bytes: number;
}

/** The statement names a connection has prepared, by text, least recently used first. */
export class PostgresStatementCache {
  readonly #client: Client;
  readonly #limits: StatementCacheLimits;
  readonly #names = new Map<string, { readonly name: string; readonly bytes: number }>();
  #bytes = 0;
  #counter = 0;

  constructor(client: Client, limits: StatementCacheLimits) {
    this.#client = client;
    this.#limits = limits;
  }

  /**
   * The name to run `text` (binding `paramCount` parameters) under, or undefined for an
   * unnamed statement: cache off, or a statement too big to keep. When the cache is full,
   * the least recently used statements are deallocated first (the only case that returns a
   * promise).
   */
  nameFor(text: string, paramCount: number): string | undefined | Promise<string> {
    const { size, bytes } = this.#limits;
    if (size === 0 || paramCount > MAX_NAMED_STATEMENT_PARAMS || text.length > MAX_NAMED_STATEMENT_BYTES) return undefined;
    const names = this.#names;
    const known = names.get(text);
    if (known !== undefined) {
      // Most recently used goes last.
      names.delete(text);
      names.set(text, known);
      return known.name;
    }
    const length = Buffer.byteLength(text);
    if (length > MAX_NAMED_STATEMENT_BYTES || length > bytes) return undefined;
    if (names.size >= size || this.#bytes + length > bytes) return this.#evictThenName(text, length);
    return this.#newName(text, length);
  }

  async #evictThenName(text: string, length: number): Promise<string> {
    const { size, bytes } = this.#limits;
    while (this.#names.size > 0 && (this.#names.size >= size || this.#bytes + length > bytes)) {
      const [oldText, old] = this.#names.entries().next().value as [string, { name: string }];
      await this.#deallocate(oldText, old.name);
    }
    return this.#newName(text, length);
  }

  #newName(text: string, length: number): string {
    const name = `strata_${++this.#counter}`;
    this.#names.set(text, { name, bytes: length });
    this.#bytes += length;
    return name;
  }

  /**
   * Forgets a statement the server no longer has in the form pg remembers (a failed parse,
   * a DEALLOCATE or DISCARD by someone else, a plan made stale by DDL): the next run parses
   * it again under a new name.
   */
  forget(text: string): void {
    const known = this.#names.get(text);
    if (known === undefined) return;
    this.#names.delete(text);
    this.#bytes -= known.bytes;
    delete parsedStatements(this.#client)?.[known.name];
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

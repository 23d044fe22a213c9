/*
 * Migration files and the graph they form: each revision names its parent(s), so branches
 * can grow side by side and a merge revision joins them. Resolves targets (head, base, an
 * id or its prefix, +N / -N) and orders what to apply or undo.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from '@strata/core';
import type { Operations } from './operations';
import { loadFailure, registerTypeScript } from './ts-loader';

/** One migration file. */
export interface Revision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly file: string;
  /**
   * The file's `warnings`: what autogenerate noted for the database it compared (named in
   * the file). Upgrade does not print these; it works out the warnings of the database it
   * migrates from the steps it runs.
   */
  readonly warnings: readonly string[];
  up(op: Operations): Promise<void> | void;
  down(op: Operations): Promise<void> | void;
}

/** What a migration module exports. */
interface RevisionModule {
  revision?: unknown;
  parents?: unknown;
  message?: unknown;
  warnings?: unknown;
  up?: unknown;
  down?: unknown;
}

/** Loads every migration file of a folder (.ts and .js, not .d.ts), checking each exports what it must. */
export function loadRevisions(folder: string): Revision[] {
  if (!existsSync(folder)) throw new MigrationError(`No migrations folder at ${folder}. Run 'strata init' first.`);
  registerTypeScript();
  const files = readdirSync(folder)
    .filter((name) => (name.endsWith('.ts') && !name.endsWith('.d.ts')) || name.endsWith('.js'))
    .sort();
  return files.map((name) => {
    const file = join(folder, name);
    let module: RevisionModule;
    try {
      module = require(file) as RevisionModule;
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      throw new MigrationError(`Migration ${file} could not be loaded: ${loadFailure(error)}`, { cause: error });
    }
    const { revision, parents, message, warnings, up, down } = module;
    if (typeof revision !== 'string' || revision === '') throw new MigrationError(`Migration ${file} must export its id: export const revision = '...'.`);
    if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) {
      throw new MigrationError(`Migration ${file} must export its parent ids: export const parents: string[] = [...] ([] for the first revision).`);
    }
    if (typeof up !== 'function' || typeof down !== 'function') throw new MigrationError(`Migration ${file} must export async functions up(op) and down(op).`);
    return {
      id: revision,
      parents: parents as string[],
      message: typeof message === 'string' ? message : '',
      file,
      warnings: Array.isArray(warnings) ? warnings.map(String) : [],
      up: up as Revision['up'],
      down: down as Revision['down'],
    };
  });
}

/** The revision graph. */
export class RevisionGraph {
  readonly revisions: ReadonlyMap<string, Revision>;
  readonly #children = new Map<string, string[]>();

  constructor(revisions: readonly Revision[]) {
    const byId = new Map<string, Revision>();
    for (const revision of revisions) {
      const clash = byId.get(revision.id);
      if (clash) throw new MigrationError(`Two migration files have revision ${revision.id}: ${clash.file} and ${revision.file}.`);
      byId.set(revision.id, revision);
    }
    for (const revision of revisions) {
      for (const parent of revision.parents) {
        if (!byId.has(parent)) {
          throw new MigrationError(`Migration ${revision.file} names parent revision ${parent}, which no migration file has. Restore the missing file or fix 'parents'.`);
        }
        const list = this.#children.get(parent) ?? [];
        list.push(revision.id);
        this.#children.set(parent, list);
      }
    }
    this.revisions = byId;
    this.order(); // refuses cycles early
  }

  /** Revisions no other revision builds on. */
  heads(): string[] {
    return [...this.revisions.keys()].filter((id) => !this.#children.has(id));
  }

  /** The single head; an error asking for a merge when the graph has several. */
  head(): string | undefined {
    const heads = this.heads();
    if (heads.length > 1) {
      throw new MigrationError(
        `The migrations have ${heads.length} heads (${heads.join(', ')}): two branches were created from one revision. ` +
          "Join them with 'strata revision --merge -m \"merge\"', or upgrade to one of them by id.",
      );
    }
    return heads[0];
  }

  /** Every revision, parents before children (ties by file name). */
  order(): Revision[] {
    const out: Revision[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') throw new MigrationError(`The migrations form a cycle: ${[...path, id].join(' -> ')}.`);
      state.set(id, 'visiting');
      const revision = this.revisions.get(id)!;
      for (const parent of revision.parents) visit(parent, [...path, id]);
      state.set(id, 'done');
      out.push(revision);
    };
    for (const revision of [...this.revisions.values()].sort((a, b) => (a.file < b.file ? -1 : 1))) visit(revision.id, []);
    return out;
  }

  /** A revision and everything it builds on. */
  lineage(ids: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(this.revisions.get(id)?.parents ?? []));
    }
    return seen;
  }

  /** The id a target names: a full id or a unique prefix. */
  resolve(target: string): string {
    if (this.revisions.has(target)) return target;
    const matches = [...this.revisions.keys()].filter((id) => id.startsWith(target));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new MigrationError(`'${target}' matches several revisions (${matches.join(', ')}); give more characters.`);
    throw new MigrationError(`No revision '${target}'. 'strata history' lists them.`);
  }

  /** Revisions to apply to reach `targets` from `applied`, parents first. */
  upgradePlan(applied: ReadonlySet<string>, targets: readonly string[]): Revision[] {
    const wanted = this.lineage(targets);
    return this.order().filter((r) => wanted.has(r.id) && !applied.has(r.id));
  }

  /** Revisions to undo so that only `keep` and what it builds on remain, children first. */
  downgradePlan(applied: ReadonlySet<string>, keep: readonly string[]): Revision[] {
    const kept = this.lineage(keep);
    return this.order()
      .filter((r) => applied.has(r.id) && !kept.has(r.id))
      .reverse();
  }
}

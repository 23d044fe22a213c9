/*
 * The few compiler settings the CLI's loader needs from a project's tsconfig.json (the
 * decorator convention, decorator metadata, class field semantics), read without the
 * `typescript` package: the nearest tsconfig.json at or above a folder, comments and
 * trailing commas allowed as tsc allows them, `extends` followed (a path, a package, or a
 * list of either). Without a tsconfig.json the README's recommended settings apply.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { MigrationError } from '@strata/core';

/** What the loader compiles a project's TypeScript with. */
export interface ProjectSettings {
  /** Legacy decorators (`experimentalDecorators`); standard (TC39) decorators otherwise. */
  readonly experimentalDecorators: boolean;
  /** `design:type` metadata for legacy decorators. */
  readonly emitDecoratorMetadata: boolean;
  /** Class fields defined as own properties (tsc's default from target ES2022 on). */
  readonly useDefineForClassFields: boolean;
  /** The tsconfig.json these came from; undefined for the recommended settings. */
  readonly file: string | undefined;
}

/** A project without tsconfig.json: legacy decorators with metadata, as the README recommends. */
const RECOMMENDED: ProjectSettings = { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false, file: undefined };

/** Deeper `extends` chains than this are taken for a cycle. */
const MAX_EXTENDS = 32;

const byDirectory = new Map<string, ProjectSettings>();

/**
 * The settings for loading the files of `directory`: those of the nearest tsconfig.json at
 * or above it, or the recommended ones when there is none.
 * @example
 * projectSettings('/app/src') // { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false, file: '/app/tsconfig.json' }
 */
export function projectSettings(directory: string): ProjectSettings {
  const known = byDirectory.get(directory);
  if (known) return known;
  const file = nearestTsconfig(directory);
  const settings = file ? settingsOf(file) : RECOMMENDED;
  byDirectory.set(directory, settings);
  return settings;
}

function nearestTsconfig(directory: string): string | undefined {
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function settingsOf(file: string): ProjectSettings {
  const options = compilerOptions(file, 0);
  const experimentalDecorators = options.experimentalDecorators === true;
  const target = typeof options.target === 'string' ? options.target.toLowerCase() : 'es5';
  const modernTarget = target === 'esnext' || (/^es20\d\d$/.test(target) && Number(target.slice(2)) >= 2022);
  return {
    experimentalDecorators,
    emitDecoratorMetadata: experimentalDecorators && options.emitDecoratorMetadata === true,
    useDefineForClassFields: typeof options.useDefineForClassFields === 'boolean' ? options.useDefineForClassFields : modernTarget,
    file,
  };
}

/** `compilerOptions` of `file` over those of what it extends. */
function compilerOptions(file: string, depth: number): Record<string, unknown> {
  if (depth > MAX_EXTENDS) throw new MigrationError(`${file}: 'extends' goes more than ${MAX_EXTENDS} files deep; is there a cycle?`);
  let config: { extends?: unknown; compilerOptions?: Record<string, unknown> };
  try {
    config = JSON.parse(jsonOf(readFileSync(file, 'utf8'))) as typeof config;
  } catch (error) {
    throw new MigrationError(
      `${file} cannot be read for loading the project's TypeScript: ${(error as Error).message}\nFix it (tsc reports the same), or move it aside to load with the recommended settings.`,
    );
  }
  const bases = config.extends === undefined ? [] : Array.isArray(config.extends) ? config.extends : [config.extends];
  const merged: Record<string, unknown> = {};
  for (const base of bases) {
    if (typeof base !== 'string') throw new MigrationError(`${file}: 'extends' must name files, got ${JSON.stringify(base)}.`);
    Object.assign(merged, compilerOptions(extendedFile(file, base), depth + 1));
  }
  return { ...merged, ...(config.compilerOptions ?? {}) };
}

/** The file an `extends` entry names: a path relative to `from`, or a package's (its tsconfig.json or the file named). */
function extendedFile(from: string, name: string): string {
  const dir = dirname(from);
  if (name.startsWith('.') || isAbsolute(name)) {
    const path = resolve(dir, name);
    for (const candidate of [path, `${path}.json`]) if (existsSync(candidate)) return candidate;
    throw new MigrationError(`${from} cannot be read for loading the project's TypeScript: it extends ${name}, which does not exist.`);
  }
  for (const candidate of [name, `${name}.json`, `${name}/tsconfig.json`]) {
    try {
      return require.resolve(candidate, { paths: [dir] });
    } catch {
      // try the next form
    }
  }
  throw new MigrationError(`${from} cannot be read for loading the project's TypeScript: it extends '${name}', which is not installed.`);
}

/**
 * JSON from tsconfig text: comments, then trailing commas, removed; strings left as they
 * are. Two passes over the text, each linear.
 */
export function jsonOf(text: string): string {
  return withoutTrailingCommas(withoutComments(text));
}

/** The end of the string literal opening at `start` (index after its closing quote). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function withoutTrailingCommas(text: string): string {
  let out = '';
  let pendingComma = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      out += c;
      i++;
      continue;
    }
    // A comma is written once the next token shows it is not the last of its list.
    if (pendingComma && c !== '}' && c !== ']') out += ',';
    pendingComma = false;
    if (c === ',') {
      pendingComma = true;
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

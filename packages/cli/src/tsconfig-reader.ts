/*
 * The few compiler settings the CLI's loader needs from a project's tsconfig.json (the
 * decorator convention, decorator metadata, class field semantics, strict null checks),
 * read without the `typescript` package: the nearest tsconfig.json at or above a folder
 * (or the file STRATA_TSCONFIG names), comments, trailing commas and a byte order mark
 * allowed as tsc allows them, `extends` followed (a path, a package, or a list of either).
 * A solution-style tsconfig.json (`files: []` and `references`) gives way to the referenced
 * project that sets `experimentalDecorators`. Unset options take the defaults of the
 * TypeScript version the project has installed (6 and later: strict, a current target).
 * Without a tsconfig.json the README's recommended settings apply.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
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
  /** `strictNullChecks` (or `strict`): tsc then records `T | null` as Object in type metadata, as swc always does. */
  readonly strictNullChecks: boolean;
  /** The tsconfig.json these came from; undefined for the recommended settings. */
  readonly file: string | undefined;
}

/** A project without tsconfig.json: legacy decorators with metadata, as the README recommends. */
const RECOMMENDED: ProjectSettings = { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false, strictNullChecks: true, file: undefined };

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
  const named = process.env.STRATA_TSCONFIG;
  const key = `${named ?? ''}\0${directory}`;
  const known = byDirectory.get(key);
  if (known) return known;
  const file = named ? resolve(named) : nearestTsconfig(directory);
  const settings = file ? settingsOf(file) : RECOMMENDED;
  byDirectory.set(key, settings);
  return settings;
}

function nearestTsconfig(directory: string): string | undefined {
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (isFile(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function settingsOf(file: string): ProjectSettings {
  const config = readConfig(file);
  const options = compilerOptions(file, config, 0);
  const referenced = solutionStyle(config) ? decoratorProject(file, config) : undefined;
  if (referenced) return settingsOf(referenced);
  // TypeScript 6 made strict and a current target the defaults; 5 and older had neither.
  const modernDefaults = typescriptMajor(dirname(file)) >= 6;
  const experimentalDecorators = options.experimentalDecorators === true;
  const target = typeof options.target === 'string' ? options.target.toLowerCase() : modernDefaults ? 'esnext' : 'es5';
  const modernTarget = target === 'esnext' || (/^es20\d\d$/.test(target) && Number(target.slice(2)) >= 2022);
  const strict = typeof options.strict === 'boolean' ? options.strict : modernDefaults;
  return {
    experimentalDecorators,
    emitDecoratorMetadata: experimentalDecorators && options.emitDecoratorMetadata === true,
    useDefineForClassFields: typeof options.useDefineForClassFields === 'boolean' ? options.useDefineForClassFields : modernTarget,
    strictNullChecks: typeof options.strictNullChecks === 'boolean' ? options.strictNullChecks : strict,
    file,
  };
}

/** A tsconfig.json that only points at other projects: `references`, no files of its own. */
function solutionStyle(config: TsconfigFile): boolean {
  const files = (config as { files?: unknown }).files;
  return Array.isArray(config.references) && Array.isArray(files) && files.length === 0 && (config as { include?: unknown }).include === undefined;
}

/**
 * The referenced project whose decorator settings the CLI uses: the one project that sets
 * `experimentalDecorators`, or several that agree. Projects that disagree make the choice
 * the user's (STRATA_TSCONFIG).
 */
function decoratorProject(file: string, config: TsconfigFile): string | undefined {
  const candidates = (config.references as unknown[])
    .map((ref) => (ref && typeof ref === 'object' && typeof (ref as { path?: unknown }).path === 'string' ? referencedFile(file, (ref as { path: string }).path) : undefined))
    .filter((candidate): candidate is string => candidate !== undefined)
    .map((candidate) => ({ candidate, options: compilerOptions(candidate, readConfig(candidate), 0) }))
    .filter(({ options }) => 'experimentalDecorators' in options);
  const conventions = new Set(candidates.map(({ options }) => `${String(options.experimentalDecorators)}/${String(options.emitDecoratorMetadata)}`));
  if (conventions.size > 1) {
    throw new MigrationError(
      `${file} references projects with different decorator settings (${candidates.map((c) => c.candidate).join(', ')}): ` +
        'set STRATA_TSCONFIG to the tsconfig file of the project your entities belong to.',
    );
  }
  return candidates[0]?.candidate;
}

/** The major version of the typescript package installed for the project at `directory`; 6 (current defaults) when none is. */
function typescriptMajor(directory: string): number {
  try {
    const manifest = require.resolve('typescript/package.json', { paths: [directory] });
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version;
    const major = typeof version === 'string' ? Number.parseInt(version, 10) : Number.NaN;
    return Number.isFinite(major) ? major : 6;
  } catch {
    return 6;
  }
}

/** A project reference's tsconfig: the file named, or the tsconfig.json of the folder named. */
function referencedFile(from: string, path: string): string | undefined {
  const target = resolve(dirname(from), path);
  const file = isFile(target) ? target : join(target, 'tsconfig.json');
  return isFile(file) ? file : undefined;
}

interface TsconfigFile {
  extends?: unknown;
  compilerOptions?: Record<string, unknown>;
  references?: unknown;
}

/** One tsconfig file, parsed; a file that is not a JSON object (comments allowed) is an error naming it. */
function readConfig(file: string): TsconfigFile {
  let parsed: unknown;
  try {
    const text = jsonOf(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new MigrationError(`${file} cannot be read for loading the project's TypeScript: ${(error as Error).message}\nFix it, or point STRATA_TSCONFIG at the tsconfig file the CLI should read.`, {
      cause: error,
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new MigrationError(`${file} cannot be read for loading the project's TypeScript: it is not a JSON object.`);
  return parsed;
}

/** `compilerOptions` of `file` (already read as `config`) over those of what it extends. */
function compilerOptions(file: string, config: TsconfigFile, depth: number): Record<string, unknown> {
  if (depth > MAX_EXTENDS) throw new MigrationError(`${file}: 'extends' goes more than ${MAX_EXTENDS} files deep; is there a cycle?`);
  const bases = config.extends === undefined ? [] : Array.isArray(config.extends) ? (config.extends as unknown[]) : [config.extends];
  const merged: Record<string, unknown> = {};
  for (const base of bases) {
    if (typeof base !== 'string') throw new MigrationError(`${file}: 'extends' must name files, got ${JSON.stringify(base)}.`);
    const extended = extendedFile(file, base);
    Object.assign(merged, compilerOptions(extended, readConfig(extended), depth + 1));
  }
  const own = config.compilerOptions && typeof config.compilerOptions === 'object' ? config.compilerOptions : {};
  return { ...merged, ...own };
}

/**
 * The file an `extends` entry names, as tsc finds it: a path relative to `from` (`.json`
 * added when missing), or a package's file (`pkg/tsconfig.base.json`), the file its
 * package.json `tsconfig` field names, or its tsconfig.json.
 */
function extendedFile(from: string, name: string): string {
  const dir = dirname(from);
  const unreadable = (why: string) => new MigrationError(`${from} cannot be read for loading the project's TypeScript: it extends '${name}', ${why}.`);
  if (name.startsWith('.') || isAbsolute(name)) {
    const path = resolve(dir, name);
    for (const candidate of [path, `${path}.json`]) if (isFile(candidate)) return candidate;
    throw unreadable('which does not exist');
  }
  const resolveFrom = (request: string): string | undefined => {
    try {
      return require.resolve(request, { paths: [dir] });
    } catch {
      return undefined;
    }
  };
  if (name.endsWith('.json')) {
    const found = resolveFrom(name);
    if (found) return found;
  }
  const manifest = resolveFrom(`${name}/package.json`);
  if (manifest) {
    const field = (readConfig(manifest) as { tsconfig?: unknown }).tsconfig;
    const candidate = join(dirname(manifest), typeof field === 'string' ? field : 'tsconfig.json');
    if (isFile(candidate)) return candidate;
  }
  const direct = resolveFrom(`${name}.json`) ?? resolveFrom(`${name}/tsconfig.json`);
  if (direct) return direct;
  throw unreadable(manifest ? 'whose package has no tsconfig.json' : 'which is not installed');
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

/*
 * Lets the CLI load the user's TypeScript (strata.config.ts, entity files, migration
 * files) without a build step and without the `typescript` package: `.ts`, `.mts` and
 * `.cts` files are compiled in memory by swc as they are required, with the decorator
 * settings of the project's tsconfig.json, so entities load as they do in the app (legacy
 * decorators with `design:type` metadata, or standard decorators). One difference: swc
 * records `T | null` as Object whatever `strictNullChecks` says, so with it off such a
 * column needs its type given (metadataHint says so). Imports written for ES modules
 * (`./entities.js` naming `./entities.ts`) resolve as TypeScript resolves them. Syntax
 * errors are reported with file and line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type * as Swc from '@swc/core';
import { MetadataError, MigrationError } from '@strata/core';
import { redactUrlText } from '@strata/core/dialect';
import { projectSettings, type ProjectSettings } from './tsconfig-reader';

export { projectSettings } from './tsconfig-reader';
export type { ProjectSettings } from './tsconfig-reader';

type Loader = (module: { _compile(code: string, filename: string): void; require(id: string): unknown }, filename: string) => void;

const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];
/** An import written with the JavaScript extension of a TypeScript file: `./a.js` for `./a.ts`. */
const JS_EXTENSION = /\.([cm]?)js$/;

let installed = false;
let swc: typeof Swc | undefined;

/**
 * Registers the in-memory TypeScript loader once: for each TypeScript extension not
 * already handled by a loader the process runs under (ts-node, tsx, Jest), Node's own type
 * stripping included in what it replaces, since stripping types does not run decorators.
 * Imports of `./x.js` from TypeScript files resolve to `./x.ts` first, as tsc resolves them.
 */
export function registerTypeScript(): void {
  if (installed) return;
  installed = true;
  const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    const current = extensions[extension];
    if (!current || isNodeTypeStripping(current)) extensions[extension] = loadTypeScript;
  }
}

/** Whether a `.ts` handler is Node's own (type stripping, Node 22.18+ / 23.6+), which leaves decorators in place. */
function isNodeTypeStripping(handler: Loader): boolean {
  const features = process.features as { typescript?: unknown };
  return Boolean(features.typescript) && /^load(TS|CTS|MTS|ESMFromCJS)$/.test(handler.name);
}

/**
 * Loads one TypeScript module: compiled with the project's decorator settings, then run as
 * CommonJS. Its relative imports of `./x.js` load `./x.ts` when that file exists, as tsc
 * resolves them; the request is rewritten before Node's resolution cache sees it.
 */
export const loadTypeScript: Loader = (module, filename) => {
  const load = module.require.bind(module);
  module.require = (request: string) => load(typeScriptSibling(request, filename) ?? request);
  module._compile(transpileForLoading(filename), filename);
};

/** `./x.ts` for a relative `./x.js` imported from `importer` (`.mjs` / `.cjs` likewise), when that TypeScript file exists. */
function typeScriptSibling(request: string, importer: string): string | undefined {
  if (!request.startsWith('.') || !JS_EXTENSION.test(request)) return undefined;
  const candidate = request.replace(JS_EXTENSION, '.$1ts');
  return existsSync(resolvePath(dirname(importer), candidate)) ? candidate : undefined;
}

/**
 * The JavaScript the loader runs for a TypeScript file, compiled with the settings of the
 * nearest tsconfig.json above it; a file that does not parse is refused with swc's report
 * (file, line and column).
 */
export function transpileForLoading(filename: string): string {
  const settings = projectSettings(dirname(filename));
  const swcModule = compiler();
  try {
    return swcModule.transformSync(readFileSync(filename, 'utf8'), swcOptions(filename, settings)).code;
  } catch (error) {
    const report = typeof error === 'string' ? error : error instanceof Error ? error.message : String(error);
    throw new MigrationError(`${filename} does not compile:\n${readableReport(report)}`);
  }
}

/**
 * swc's report as shown: without colour codes, without the native backtrace some
 * environments add, and with every URL in the quoted source lines redacted as Strata prints
 * URLs (password and secret query options as `***`).
 */
function readableReport(report: string): string {
  const cut = report.indexOf('\n\nCaused by:');
  const text = (cut >= 0 ? report.slice(0, cut) : report)
    // The ANSI colour sequences swc writes.
    .replace(/\u001b\[[0-9;]*m/g, '');
  return text
    .split('\n')
    .map((line) => (line.includes('://') ? redactUrlIn(line) : line))
    .join('\n');
}

/**
 * A source line with the URL that starts at its first scheme redacted: everything from the
 * user name's `:` to the line's last `@` is hidden, so a password holding spaces, quotes or
 * `@` does not show, nor does a second URL's after it; what comes before the scheme is kept.
 */
function redactUrlIn(line: string): string {
  let start = line.indexOf('://');
  while (start > 0 && /[A-Za-z0-9+.-]/.test(line[start - 1]!)) start--;
  return line.slice(0, start) + redactUrlText(line.slice(start));
}

/** swc's options for one file: CommonJS out, decorators and class fields as the project has them, source maps inline. */
export function swcOptions(filename: string, settings: ProjectSettings): Swc.Options {
  return {
    filename,
    swcrc: false,
    configFile: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: filename.endsWith('.tsx') },
      target: 'es2022',
      // Entity class names appear in messages and default table names.
      keepClassNames: true,
      transform: settings.experimentalDecorators
        ? { legacyDecorator: true, decoratorMetadata: settings.emitDecoratorMetadata, useDefineForClassFields: settings.useDefineForClassFields }
        : { decoratorVersion: '2023-11', useDefineForClassFields: settings.useDefineForClassFields },
    },
  };
}

/** @swc/core, loaded only once a TypeScript file is actually loaded; a missing native binary is said as such. */
function compiler(): typeof Swc {
  if (swc) return swc;
  try {
    swc = requireSwc();
  } catch (error) {
    throw new MigrationError(
      `The strata CLI compiles TypeScript files with @swc/core, which could not be loaded: ${(error as Error).message}\n` +
        'Its native binary comes as an optional dependency for each platform: reinstall without --omit=optional (or --no-optional), on the platform that runs the CLI.',
      { cause: error },
    );
  }
  return swc;
}

function requireSwc(): typeof Swc {
  return require('@swc/core') as typeof Swc;
}

/**
 * The message for a module that failed to load, with what to do when the cause is a class
 * read before its declaration ("Cannot access 'Ball' before initialization"): a property
 * typed `Ball | null` above `class Ball` has `design:type` Ball.
 * @example
 * throw new MigrationError(`Loading ${file} failed: ${loadFailure(error)}`, { cause: error });
 */
export function loadFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const tdz = error instanceof ReferenceError ? /^Cannot access '([^']+)' before initialization/.exec(message) : null;
  if (!tdz) return message;
  const name = tdz[1]!;
  return (
    `${message}.\n` +
    `A class is probably used in a property's type before it is declared (e.g. 'other!: ${name} | null' above 'class ${name}'): ` +
    `the decorator metadata emitted for it reads ${name} too early. Either write the type through a generic alias (type Ref<T> = T; other!: Ref<${name}> | null); ` +
    `or put the entities in separate files; or declare ${name} first.`
  );
}

/**
 * What to add to a metadata error raised while the CLI loaded the project: when a column's
 * type could not be told from `Object` and the project compiles without strictNullChecks,
 * the cause is likely swc's reading of a nullable union, which tsc reads otherwise there.
 */
export function metadataHint(error: unknown, directory: string): string {
  if (!(error instanceof MetadataError) || !error.message.includes('from the TypeScript type Object.')) return '';
  const settings = projectSettings(directory);
  if (!settings.emitDecoratorMetadata || settings.strictNullChecks) return '';
  return (
    '\nThe strata CLI compiles the entities with swc, which records a property typed `T | null` (or `T | undefined`) as Object even with strictNullChecks off, ' +
    "where tsc records T: give such a column its type, e.g. @Column({ type: 'integer', nullable: true })."
  );
}

/*
 * Lets the CLI load the user's TypeScript (strata.config.ts, entity files, migration
 * files) without a build step and without the `typescript` package: `.ts`, `.mts` and
 * `.cts` files are compiled in memory by swc as they are required, with the decorator
 * settings of the project's tsconfig.json, so entities load as they do in the app (legacy
 * decorators with `design:type` metadata, or standard decorators). Imports written for ES
 * modules (`./entities.js` naming `./entities.ts`) resolve as TypeScript resolves them.
 * Syntax errors are reported with file and line.
 */
import { readFileSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname } from 'node:path';
import type * as Swc from '@swc/core';
import { MigrationError } from '@strata/core';
import { projectSettings, type ProjectSettings } from './tsconfig-reader';

export { projectSettings } from './tsconfig-reader';
export type { ProjectSettings } from './tsconfig-reader';

type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;
type Resolve = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];
/** An import written with the JavaScript extension of a TypeScript file: `./a.js` for `./a.ts`. */
const JS_EXTENSION = /\.([cm]?)js$/;
const TS_FILE = /\.[cm]?ts$/;

let installed = false;
let swc: typeof Swc | undefined;

/**
 * Registers the in-memory TypeScript loader once: for each TypeScript extension not already
 * handled (by ts-node, tsx, Jest or Node itself), and the `.js` to `.ts` resolution for
 * imports made from TypeScript files.
 */
export function registerTypeScript(): void {
  if (installed) return;
  installed = true;
  const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    if (!extensions[extension]) extensions[extension] = loadTypeScript;
  }
  const internals = Module as unknown as { _resolveFilename: Resolve };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function resolveTypeScript(this: unknown, request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (error) {
      const fromTypeScript = parent?.filename && TS_FILE.test(parent.filename);
      if (!fromTypeScript || (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !request.startsWith('.') || !JS_EXTENSION.test(request)) throw error;
      try {
        return resolve.call(this, request.replace(JS_EXTENSION, '.$1ts'), parent, ...rest);
      } catch {
        throw error;
      }
    }
  };
}

/** Loads one TypeScript module: compiled with the project's decorator settings, then run as CommonJS. */
export const loadTypeScript: Loader = (module, filename) => {
  module._compile(transpileForLoading(filename), filename);
};

/**
 * The JavaScript the loader runs for a TypeScript file, compiled with the settings of the
 * nearest tsconfig.json above it; a file that does not parse is refused with swc's report
 * (file, line and column).
 */
export function transpileForLoading(filename: string): string {
  const settings = projectSettings(dirname(filename));
  try {
    return compiler().transformSync(readFileSync(filename, 'utf8'), swcOptions(filename, settings)).code;
  } catch (error) {
    const report = typeof error === 'string' ? error : error instanceof Error ? error.message : String(error);
    throw new MigrationError(`${filename} does not compile:\n${plain(report)}`);
  }
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

/** @swc/core, loaded only once a TypeScript file is actually loaded. */
function compiler(): typeof Swc {
  swc ??= require('@swc/core') as typeof Swc;
  return swc;
}

/** A report without terminal colour codes. */
function plain(text: string): string {
  // The ANSI colour sequences swc writes.
  return text.replace(/\u001b\[[0-9;]*m/g, '');
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

/*
 * Lets the CLI load the user's TypeScript (strata.config.ts, entity files, migration
 * files) without a build step: `.ts` files are transpiled in memory as they are required,
 * with the compiler options of the project's tsconfig.json, so entities load as they do in
 * the app. Syntax errors are reported with file and line.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MigrationError } from '@strata/core';
import type * as TypeScript from 'typescript';

type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;

/** "No inputs were found in config file": the loader reads options only, never the file list. */
const NO_INPUTS = 18003;

let installed = false;
let ts: typeof TypeScript | undefined;
/** Options by directory: every file of a folder shares its nearest tsconfig.json. */
const optionsByDirectory = new Map<string, TypeScript.CompilerOptions>();

/** Registers the in-memory TypeScript loader once (unless another one, such as ts-node or Jest, is active). */
export function registerTypeScript(): void {
  if (installed) return;
  installed = true;
  const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
  if (extensions['.ts']) return;
  extensions['.ts'] = loadTypeScript;
}

/** Loads one `.ts` module: transpiled with the project's options, then run as CommonJS. */
export const loadTypeScript: Loader = (module, filename) => {
  module._compile(transpileForLoading(filename), filename);
};

/**
 * The JavaScript the loader runs for a `.ts` file, transpiled with `loadingOptions` of its
 * folder; a file that does not parse is refused with each error's line and column.
 */
export function transpileForLoading(filename: string): string {
  const compiler = typescript();
  const output = compiler.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    reportDiagnostics: true,
    compilerOptions: loadingOptions(dirname(filename)),
  });
  // Only the file's own errors: an option the project's tsc accepts is not the loader's concern.
  const errors = (output.diagnostics ?? []).filter((d) => d.file && d.category === compiler.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const lines = errors.map((d) => {
      const where = d.start !== undefined ? d.file!.getLineAndCharacterOfPosition(d.start) : undefined;
      const text = compiler.flattenDiagnosticMessageText(d.messageText, '\n');
      return where ? `  ${filename}:${where.line + 1}:${where.character + 1} ${text}` : `  ${filename}: ${text}`;
    });
    throw new MigrationError(`${filename} does not compile:\n${lines.join('\n')}`);
  }
  return output.outputText;
}

/**
 * The compiler options for loading files of `directory`: those of the nearest
 * tsconfig.json at or above it (its `extends` followed), or the recommended settings when
 * there is none, with what an in-memory CommonJS load needs set over them. Decorator
 * settings and `strict` stay as the project has them, so `design:type` metadata comes out
 * as in the app's own build.
 * @example
 * loadingOptions('/app') // { strict: true, experimentalDecorators: true, module: CommonJS, ... }
 */
export function loadingOptions(directory: string): TypeScript.CompilerOptions {
  const known = optionsByDirectory.get(directory);
  if (known) return known;
  const compiler = typescript();
  const file = compiler.findConfigFile(directory, (path) => compiler.sys.fileExists(path), 'tsconfig.json');
  const project = file ? projectOptions(compiler, file) : recommended(compiler);
  const options: TypeScript.CompilerOptions = {
    ...project,
    module: compiler.ModuleKind.CommonJS,
    // Written nowhere: declarations, build info and output paths have no use here.
    noEmit: false,
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    composite: false,
    incremental: false,
    outFile: undefined,
    verbatimModuleSyntax: false,
    // Stack traces point into the TypeScript source.
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
  };
  delete options.moduleResolution;
  optionsByDirectory.set(directory, options);
  return options;
}

/**
 * The options a project without a tsconfig.json gets: the settings the README recommends
 * for entities (strict, legacy decorators with emitted metadata).
 */
function recommended(compiler: typeof TypeScript): TypeScript.CompilerOptions {
  return {
    target: compiler.ScriptTarget.ES2022,
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
    esModuleInterop: true,
  };
}

/** The compiler options of one tsconfig.json, `extends` followed; an unreadable file is an error naming it. */
function projectOptions(compiler: typeof TypeScript, file: string): TypeScript.CompilerOptions {
  const read = compiler.readConfigFile(file, (path) => compiler.sys.readFile(path));
  const host: TypeScript.ParseConfigHost = {
    useCaseSensitiveFileNames: compiler.sys.useCaseSensitiveFileNames,
    fileExists: (path) => compiler.sys.fileExists(path),
    readFile: (path) => compiler.sys.readFile(path),
    // The file list is the project's build concern; listing it would walk the whole tree.
    readDirectory: () => [],
  };
  const parsed = read.error ? undefined : compiler.parseJsonConfigFileContent(read.config, host, dirname(file), undefined, file);
  const errors = read.error ? [read.error] : parsed!.errors.filter((d) => d.code !== NO_INPUTS && d.category === compiler.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => `  ${compiler.flattenDiagnosticMessageText(d.messageText, '\n')}`).join('\n');
    throw new MigrationError(`${file} cannot be read for loading the project's TypeScript:\n${text}\nFix it (tsc reports the same), or move it aside to load with the recommended settings.`);
  }
  return parsed!.options;
}

/** typescript, loaded only once a .ts file is actually loaded. */
function typescript(): typeof TypeScript {
  ts ??= require('typescript') as typeof TypeScript;
  return ts;
}

/**
 * The message for a module that failed to load, with what to do when the cause is a class
 * read before its declaration ("Cannot access 'Ball' before initialization"): a property
 * typed `Ball | null` above `class Ball` has `design:type` Ball unless strictNullChecks
 * makes it Object.
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
    `the decorator metadata TypeScript emits then reads ${name} too early. Either turn on "strict" (or "strictNullChecks") in tsconfig.json, ` +
    `so that '${name} | null' is recorded as Object; or write the type through a generic alias (type Ref<T> = T; other!: Ref<${name}> | null); ` +
    `or put the entities in separate files.`
  );
}

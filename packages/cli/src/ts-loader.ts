/*
 * Lets the CLI load the user's TypeScript (strata.config.ts, entity files, migration
 * files) without a build step: `.ts` files are transpiled in memory as they are required,
 * with the decorator settings entities need. Syntax errors are reported with file and line.
 */
import { readFileSync } from 'node:fs';
import { MigrationError } from '@strata/core';

type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;

let installed = false;

/** Registers the in-memory TypeScript loader once (unless another one, such as ts-node or Jest, is active). */
export function registerTypeScript(): void {
  if (installed) return;
  installed = true;
  const extensions = require.extensions as unknown as Record<string, Loader | undefined>;
  if (extensions['.ts']) return;
  // typescript is loaded only when a .ts file is actually required.
  let ts: typeof import('typescript') | undefined;
  extensions['.ts'] = (module, filename) => {
    ts ??= require('typescript') as typeof import('typescript');
    const source = readFileSync(filename, 'utf8');
    const output = ts.transpileModule(source, {
      fileName: filename,
      reportDiagnostics: true,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        useDefineForClassFields: false,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    });
    const errors = (output.diagnostics ?? []).filter((d) => d.category === ts!.DiagnosticCategory.Error);
    if (errors.length > 0) {
      const lines = errors.map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const text = ts!.flattenDiagnosticMessageText(d.messageText, '\n');
        return where ? `  ${filename}:${where.line + 1}:${where.character + 1} ${text}` : `  ${filename}: ${text}`;
      });
      throw new MigrationError(`${filename} does not compile:\n${lines.join('\n')}`);
    }
    module._compile(output.outputText, filename);
  };
}

#!/usr/bin/env node
/*
 * Runs the `strata` CLI straight from the TypeScript sources, for the CLI tests: Strata's
 * own `.ts` files are transpiled as they load and `@strata/*` resolves to
 * packages/<name>/src. The user's files (config, entities, migrations) go through the CLI's
 * own loader, as with the built binary (dist/bin.js) that users run.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const crypto = require('node:crypto');
const os = require('node:os');

// Transpiled files are cached by content, so each spawned command does not transpile all of core again.
const cacheDir = path.join(os.tmpdir(), 'strata-dev-cache');
fs.mkdirSync(cacheDir, { recursive: true });
let ts;

const packages = path.resolve(__dirname, '../../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const match = /^@strata\/(core|postgres|mysql|sqlite|cli)(\/(dialect|testing))?$/.exec(request);
  if (match) return path.join(packages, match[1], 'src', `${match[3] || 'index'}.ts`);
  return resolve.call(this, request, parent, ...rest);
};

const loadSource = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  if (fs.existsSync(cached)) {
    module._compile(fs.readFileSync(cached, 'utf8'), filename);
    return;
  }
  ts ??= require('typescript');
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
    },
  });
  const errors = (output.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n');
    throw new Error(`${filename} does not compile:\n${text}`);
  }
  const temporary = `${cached}.${process.pid}`;
  fs.writeFileSync(temporary, output.outputText);
  fs.renameSync(temporary, cached);
  module._compile(output.outputText, filename);
};

require.extensions['.ts'] = loadSource;
const { loadTypeScript } = require(path.join(packages, 'cli', 'src', 'ts-loader.ts'));
require.extensions['.ts'] = (module, filename) => (filename.startsWith(packages + path.sep) ? loadSource : loadTypeScript)(module, filename);

require(path.join(packages, 'cli', 'src', 'bin.ts'));

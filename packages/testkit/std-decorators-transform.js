/*
 * Jest transformer for `*.std.ts` files: entities declared with standard (TC39) decorators.
 * TypeScript's transpileModule with tsconfig.std-decorators.json (no experimentalDecorators,
 * no type metadata). Its own module, because ts-jest shares one configuration between
 * transform entries of one run.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const configPath = path.join(__dirname, '..', '..', 'tsconfig.std-decorators.json');
const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
const options = { ...parsed.options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, inlineSources: true, declaration: false, composite: false };
const configText = fs.readFileSync(configPath, 'utf8');

module.exports = {
  process(source, filename) {
    return { code: ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update(ts.version).update(configText).update(filename).update(source).digest('hex');
  },
};

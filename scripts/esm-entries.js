#!/usr/bin/env node
/*
 * Writes the ES module entry points of each package after `tsc -b` has built its CommonJS
 * output. Every ESM entry is a thin wrapper that imports the CommonJS build and re-exports
 * its names, so an application that mixes `import` and `require` (its own code ESM, the
 * `strata` CLI or a test runner CommonJS) still gets one copy of each module: one entity
 * registry, one dialect registry, one `instanceof StrataError`. Two separate builds would
 * give two copies and entities registered in one would be unknown to the other.
 *
 * For each `exports` entry of a package whose `import` condition names `dist/esm/X.mjs`,
 * this writes that file (the names listed explicitly) and `dist/esm/X.d.mts` (the types of
 * the CommonJS build). Usage: node scripts/esm-entries.js [package dir ...]
 */
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function entriesOf(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.import || !target.require) continue;
    entries.push({ subpath, esm: target.import.default, types: target.import.types, cjs: target.require.default });
  }
  return { name: pkg.name, entries };
}

function writeEntry(dir, { esm, types, cjs }) {
  const esmFile = join(dir, esm);
  const cjsFile = join(dir, cjs);
  const names = Object.keys(require(cjsFile)).filter((name) => name !== 'default' && name !== '__esModule');
  const bad = names.filter((name) => !IDENTIFIER.test(name));
  if (bad.length > 0) throw new Error(`${cjsFile} exports names an ES module cannot re-export: ${bad.join(', ')}`);
  let from = relative(dirname(esmFile), cjsFile).split('\\').join('/');
  if (!from.startsWith('.')) from = `./${from}`;
  mkdirSync(dirname(esmFile), { recursive: true });
  const lines = [
    '// ES module entry: the CommonJS build, re-exported (one copy of every module for import and require).',
    `import cjs from '${from}';`,
    names.length > 0 ? `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = cjs;` : 'export {};',
    '',
  ];
  writeFileSync(esmFile, lines.join('\n'));
  if (types) writeFileSync(join(dir, types), `export * from '${from}';\n`);
  return names.length;
}

const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : ['core', 'postgres', 'mysql', 'sqlite', 'cli'].map((p) => join(root, 'packages', p));
for (const dir of dirs) {
  const { name, entries } = entriesOf(dir);
  for (const entry of entries) {
    const count = writeEntry(dir, entry);
    process.stdout.write(`${name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}: ${entry.esm} (${count} names)\n`);
  }
}

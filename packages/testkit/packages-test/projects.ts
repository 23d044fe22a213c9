/*
 * What the package tests share: the published packages, the temporary projects set-up.ts
 * installs them into, their databases, and running a command in one of them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_URLS, withDatabase } from '../src/targets';

/** The packages a user installs (packages/<name>). */
export const PUBLISHED = ['core', 'postgres', 'mysql', 'sqlite', 'cli'] as const;

/** One database per project on each server, made empty by set-up. */
export const PACKAGE_DATABASES = ['strata_packages_cjs', 'strata_packages_esm'] as const;

/** The Node major version whose type stripping (on by default) the CLI and a plain script are run under. */
export const NODE_WITH_TYPE_STRIPPING = '24';

/** The folder set-up.ts made: tarballs.json and one folder per project. */
export function workFolder(): string {
  const dir = process.env.STRATA_PACKAGES_DIR;
  if (!dir) throw new Error('STRATA_PACKAGES_DIR is not set: run these tests with npm run test:packages (jest -c jest.packages.config.ts)');
  return dir;
}

/** The folder of one installed project. */
export function projectDir(name: 'cjs' | 'esm' | 'bare'): string {
  return join(workFolder(), name);
}

/** The Node binary set-up.ts unpacked (see NODE_WITH_TYPE_STRIPPING). */
export function nodeWithTypeStripping(): string {
  return join(workFolder(), 'node24', 'package', 'bin', 'node');
}

/** The URLs one project's app runs against. */
export function databaseUrls(name: 'cjs' | 'esm'): { sqlite: string; postgresql: string; mysql: string } {
  return {
    sqlite: `sqlite:///${join(projectDir(name), 'app.db')}`,
    postgresql: withDatabase(SERVER_URLS.postgresql, `strata_packages_${name}`),
    mysql: withDatabase(SERVER_URLS.mysql, `strata_packages_${name}`),
  };
}

/** What a command printed and how it ended. */
export interface CommandRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` in `cwd` (a project's node_modules/.bin first on PATH); fails with its output when it exits non-zero. */
export function run(cwd: string, command: string, args: readonly string[], env: Record<string, string> = {}): CommandRun {
  const path = `${join(cwd, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1', ...env, PATH: path } });
  const done = { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (done.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${String(done.status)}${result.error ? `, ${result.error.message}` : ''}):\n${done.stdout}\n${done.stderr}`);
  }
  return done;
}

/** The last line the app printed, parsed: what it read back from the database. */
export function appOutput(result: CommandRun): unknown {
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

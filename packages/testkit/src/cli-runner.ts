/*
 * Runs the `strata` CLI as a user does, in a spawned process started from the TypeScript
 * sources (packages/cli/test/support/strata-dev.js), for the migration suites.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const RUNNER = resolve(__dirname, '../../cli/test/support/strata-dev.js');

/** The result of one CLI run. */
export interface CliRun {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `strata <args>` in `cwd` with DATABASE_URL set to `url`. */
export function strata(cwd: string, url: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [RUNNER, ...args], { cwd, env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1', ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      done({ status, out: stdout, err: stderr });
    });
  });
}

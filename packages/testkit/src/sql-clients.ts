/*
 * Feeds an SQL script to the database's own command-line client (psql, mariadb / mysql,
 * sqlite3), as a user runs the output of `strata upgrade --sql`: the suites prove the script
 * is one those clients run, stopping at the first error.
 */
import { execFile, spawnSync } from 'node:child_process';
import type { DialectName } from './targets';

/** What a client run printed and how it ended. */
export interface ClientRun {
  readonly status: number;
  readonly out: string;
  readonly err: string;
}

/** The command line that runs a script read from stdin against `url`, stopping at the first error. */
export function clientCommand(dialect: DialectName, url: string): { command: string; args: string[]; env: Record<string, string> } {
  if (dialect === 'postgresql') return { command: 'psql', args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', '-'], env: {} };
  if (dialect === 'sqlite') return { command: 'sqlite3', args: ['-bail', url.replace(/^sqlite:\/\/\//, '').replace(/\?.*$/, '')], env: {} };
  const parsed = new URL(url);
  // MariaDB ships `mariadb`; MySQL (and older MariaDB packages) `mysql`. Both stop at the first error in batch mode.
  const command = spawnSync('mariadb', ['--version']).error ? 'mysql' : 'mariadb';
  const args = ['--host', parsed.hostname, '--port', parsed.port || '3306', '--user', decodeURIComponent(parsed.username), decodeURIComponent(parsed.pathname.slice(1))];
  return { command, args, env: parsed.password ? { MYSQL_PWD: decodeURIComponent(parsed.password) } : {} };
}

/** Runs `script` through the dialect's client against `url`. */
export function runWithClient(dialect: DialectName, url: string, script: string): Promise<ClientRun> {
  const { command, args, env } = clientCommand(dialect, url);
  return new Promise((done) => {
    const child = execFile(command, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      done({ status, out: stdout, err: error && !stderr ? `${command}: ${error.message}` : stderr });
    });
    child.stdin!.end(script);
  });
}

/*
 * The CLI in-process: help, version, argument errors and a missing config, without a database.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@strata/cli';

async function run(args: string[], cwd = process.cwd()) {
  let out = '';
  let err = '';
  const status = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), cwd, color: false });
  return { status, out, err };
}

describe('strata CLI', () => {
  test('--help lists the commands and exits 0', async () => {
    const { status, out } = await run(['--help']);
    expect(status).toBe(0);
    expect(out).toMatch(/Usage: strata <command>/);
    for (const command of ['init', 'revision', 'upgrade', 'downgrade', 'current', 'history', 'heads', 'check', 'stamp']) expect(out).toContain(`  ${command}`);
  });

  test('--help after a command explains that command', async () => {
    const { status, out } = await run(['upgrade', '--help']);
    expect(status).toBe(0);
    expect(out).toMatch(/Usage: strata upgrade \[head \| heads \| \+N \| <revision>\] \[--sql\]/);
  });

  test('--version prints the version', async () => {
    expect((await run(['--version'])).out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test('an unknown command points to --help', async () => {
    const { status, err } = await run(['frobnicate']);
    expect(status).toBe(2);
    expect(err).toMatch(/unknown command 'frobnicate'.*--help/);
  });

  test('a folder without strata.config.ts says how to make one and exits 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    const { status, err } = await run(['current'], empty);
    expect(status).toBe(1);
    expect(err).toMatch(/No strata\.config\.ts in .*Run 'strata init'/);
  });

  test('revision without a message is refused', async () => {
    const { status, err } = await run(['revision', '--autogenerate']);
    expect(status).toBe(1);
    expect(err).toMatch(/needs a message/);
  });
});

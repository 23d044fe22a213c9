/*
 * The CLI in-process: help, version, argument errors and a missing config, without a database.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  test('--config given before the command applies to it, in both spellings', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    for (const args of [['--config', 'app.config.ts', 'current'], ['--config=app.config.ts', 'current']]) {
      const { status, err } = await run(args, empty);
      expect(status).toBe(1);
      expect(err).toContain(`No config file at ${join(empty, 'app.config.ts')}.`);
    }
  });

  test("init writes the entities import as the project's module system wants it: './src/entities.js' in an ES module package", async () => {
    const esm = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    writeFileSync(join(esm, 'package.json'), JSON.stringify({ type: 'module' }));
    expect((await run(['init'], esm)).status).toBe(0);
    expect(readFileSync(join(esm, 'strata.config.ts'), 'utf8')).toContain("// import { User, Post } from './src/entities.js';");
    const cjs = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    expect((await run(['init'], cjs)).status).toBe(0);
    expect(readFileSync(join(cjs, 'strata.config.ts'), 'utf8')).toContain("// import { User, Post } from './src/entities';");
  });

  test('revision without a message is refused', async () => {
    const { status, err } = await run(['revision', '--autogenerate']);
    expect(status).toBe(1);
    expect(err).toMatch(/needs a message/);
  });

  test('a mistyped or misplaced option is refused before anything runs, naming the options the command takes', async () => {
    // An empty folder: had any of these got as far as running, it would fail on the missing config with status 1.
    const empty = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    const typo = await run(['upgrade', 'head', '--sq1'], empty);
    expect(typo.status).toBe(2);
    expect(typo.err).toMatch(/strata upgrade: unknown option --sq1\. It takes --config, --sql, --lock-timeout, --no-lock/);
    const autogen = await run(['revision', '--autogenrate', '-m', 'x'], empty);
    expect(autogen.status).toBe(2);
    expect(autogen.err).toMatch(/unknown option --autogenrate/);
    expect((await run(['current', '--sql'], empty)).err).toMatch(/strata current: unknown option --sql\. It takes --config/);
    expect((await run(['revision', '--autogenerate', '-m', 'x', '--no-lock'], empty)).err).toMatch(/unknown option --no-lock/);
    expect((await run(['init', '--config', 'x.ts'], empty)).err).toMatch(/strata init: unknown option --config\. It takes no options/);
  });

  test('a switch given a value, surplus arguments and a lock timeout that is not a number are refused', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'strata-cli-'));
    expect(await run(['upgrade', '--sql=no'], empty)).toMatchObject({ status: 2, err: expect.stringMatching(/--sql is a switch and takes no value \(got 'no'\)/) });
    expect(await run(['upgrade', 'head', 'extra'], empty)).toMatchObject({ status: 2, err: expect.stringMatching(/unexpected argument 'extra'\. Usage: strata upgrade/) });
    expect(await run(['check', 'a', 'b'], empty)).toMatchObject({ status: 2, err: expect.stringMatching(/unexpected arguments 'a' 'b'/) });
    for (const bad of ['abc', '-5', '', '1e9x']) {
      expect(await run(['upgrade', '--lock-timeout', bad], empty)).toMatchObject({ status: 2, err: expect.stringMatching(/--lock-timeout takes seconds as a number/) });
    }
    // Good arguments get past the check (and then stop at the missing config).
    expect(await run(['upgrade', 'head', '--sql', '--lock-timeout', '2.5', '--no-lock'], empty)).toMatchObject({ status: 1, err: expect.stringMatching(/No strata\.config\.ts/) });
    expect(await run(['downgrade', '-1', '--config', 'strata.config.ts'], empty)).toMatchObject({ status: 1 });
  });
});

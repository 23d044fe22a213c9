import { runCli } from '@strata/cli';

function run(args: string[]) {
  let out = '';
  let err = '';
  const status = runCli(args, (t) => (out += t), (t) => (err += t));
  return { status, out, err };
}

describe('strata CLI shell', () => {
  test('--help lists usage and exits 0', () => {
    const { status, out } = run(['--help']);
    expect(status).toBe(0);
    expect(out).toMatch(/Usage: strata <command>/);
  });

  test('--version prints the version', () => {
    expect(run(['--version']).out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test('a command not built yet says so and exits non-zero', () => {
    const { status, err } = run(['upgrade', 'head']);
    expect(status).toBe(2);
    expect(err).toMatch(/'upgrade' is not available/);
  });

  test('an unknown command points to --help', () => {
    const { status, err } = run(['frobnicate']);
    expect(status).toBe(2);
    expect(err).toMatch(/unknown command 'frobnicate'.*--help/);
  });
});

/*
 * The `strata` command line. Today it answers --help and --version; the migration
 * commands (init, revision, upgrade, downgrade, current, history, heads, check, stamp)
 * are listed as not yet available and exit with status 2 when called.
 */

const VERSION = '0.1.0';

const PLANNED = ['init', 'revision', 'upgrade', 'downgrade', 'current', 'history', 'heads', 'check', 'stamp'];

const HELP = `strata ${VERSION}: Strata's command line

Usage: strata <command> [options]

Options:
  -h, --help     show this help
  -v, --version  show the version

Migration commands (${PLANNED.join(', ')}) are not available in this version yet.
`;

/** Runs the CLI with arguments (without `node` and the script) and returns the exit status. */
export function runCli(argv: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t), err: (text: string) => void = (t) => process.stderr.write(t)): number {
  const [command] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    out(HELP);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    out(`${VERSION}\n`);
    return 0;
  }
  if (PLANNED.includes(command)) {
    err(`strata: '${command}' is not available in this version of @strata/cli yet.\n`);
    return 2;
  }
  err(`strata: unknown command '${command}'. Run 'strata --help' for the list.\n`);
  return 2;
}

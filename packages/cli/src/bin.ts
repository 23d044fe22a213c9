#!/usr/bin/env node
/*
 * The executable behind `npx strata`.
 */
import { runCli } from './cli';

// Stack traces through the user's files point at their TypeScript lines (the loader inlines source maps).
process.setSourceMapsEnabled(true);

runCli(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

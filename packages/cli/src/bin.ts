#!/usr/bin/env node
/*
 * The executable behind `npx strata`.
 */
import { runCli } from './cli';

process.exitCode = runCli(process.argv.slice(2));

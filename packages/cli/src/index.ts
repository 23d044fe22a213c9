/*
 * @strata/cli: the `strata` command line, also callable from code.
 */
export { runCli } from './cli';

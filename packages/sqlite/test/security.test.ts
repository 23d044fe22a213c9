/*
 * The security suites on sqlite: hostile input through the public API, on the real server.
 */
import '@strata/sqlite';
import { queryGuardsSuite, redosSuite, migrationInjectionSuite, secretsSuite, parameterLimitsSuite } from '@strata/testkit';

queryGuardsSuite('sqlite');
redosSuite('sqlite');
migrationInjectionSuite('sqlite');
secretsSuite('sqlite');
parameterLimitsSuite('sqlite');

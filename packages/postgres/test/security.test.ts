/*
 * The security suites on postgresql: hostile input through the public API, on the real server.
 */
import '@strata/postgres';
import { queryGuardsSuite, redosSuite, migrationInjectionSuite, secretsSuite, parameterLimitsSuite } from '@strata/testkit';

queryGuardsSuite('postgresql');
redosSuite('postgresql');
migrationInjectionSuite('postgresql');
secretsSuite('postgresql');
parameterLimitsSuite('postgresql');

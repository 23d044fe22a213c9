/*
 * The security suites on mysql: hostile input through the public API, on the real server.
 */
import '@strata/mysql';
import { queryGuardsSuite, redosSuite, migrationInjectionSuite, secretsSuite, parameterLimitsSuite } from '@strata/testkit';

queryGuardsSuite('mysql');
redosSuite('mysql');
migrationInjectionSuite('mysql');
secretsSuite('mysql');
parameterLimitsSuite('mysql');

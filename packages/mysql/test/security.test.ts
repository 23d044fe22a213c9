/*
 * The security suites on mysql: hostile input through the public API, on the real server.
 */
import '@strata/mysql';
import { queryGuardsSuite } from '@strata/testkit';
queryGuardsSuite('mysql');

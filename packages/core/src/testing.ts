/*
 * @strata/core/testing: helpers for an application's own tests, with any test runner.
 * `testTransaction` runs each test inside one outer transaction that is rolled back;
 * `expectStatements` and `captureStatements` check which statements a piece of code ran.
 */
export { testTransaction } from './orm/transaction/test-fixture';
export type { TestTransaction } from './orm/transaction/test-fixture';
export { expectStatements, captureStatements } from './testing/expect-statements';
export type { StatementCapture } from './testing/expect-statements';

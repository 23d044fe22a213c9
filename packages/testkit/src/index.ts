/*
 * @strata/testkit: the conformance suites every dialect package runs, and the helpers
 * that point them at this run's databases.
 */
export { ALL_DIALECTS, SERVER_URLS, isSelected, selectedDialects, sqliteFileUrl, testUrl, withDatabase, workerDatabase } from './targets';
export type { DialectName } from './targets';
export { TRAITS } from './traits';
export type { DialectTraits } from './traits';
export { engineSuite } from './suites/engine-suite';
export { sessionSuite } from './suites/session-suite';
export { transactionSuite } from './suites/transaction-suite';
export { entityRoundTripSuite } from './suites/entity-roundtrip-suite';
export { poolSuite } from './suites/pool-suite';
export { serverFaultSuite } from './suites/server-fault-suite';
export { schemaSuite } from './suites/schema-suite';
export { typesSuite } from './suites/types-suite';
export { querySuite } from './suites/query-suite';
export { connectFailure, recordStatements, sleep } from './harness';
export { scopeSuite } from './suites/scope-suite';
export { relationshipSuite } from './suites/relationship-suite';
export { integrityErrorsSuite } from './suites/integrity-errors-suite';
export { migrationDdlSuite } from './suites/migration-ddl-suite';
export { migrationCliSuite } from './suites/migration-cli-suite';
export { migrationScriptSuite } from './suites/migration-script-suite';
export { columnOptionsSuite } from './suites/column-options-suite';
export { portableMigrationSuite } from './suites/portable-migration-suite';
export { outageSuite } from './faults/outage-suite';
export { saturationSuite } from './faults/saturation-suite';
export { concurrencySuite } from './faults/concurrency-suite';
export { badInputSuite } from './faults/bad-input-suite';
export { replicaSuite } from './scale/replica-suite';
export { shardingSuite } from './scale/sharding-suite';
export { integritySuite } from './suites/integrity-suite';
export { requestCommitSuite } from './suites/request-commit-suite';
export { rawStatementsSuite } from './suites/raw-statements-suite';
export { queryGuardsSuite } from './security/query-guards-suite';
export { expectLinearTime, expectLinearTimeAsync } from './security/linear-time';
export { redosSuite } from './security/redos-suite';
export { resultLabelSuite } from './suites/result-label-suite';
export { startTlsPostgres } from './security/tls-postgres';
export type { TlsPostgres } from './security/tls-postgres';
export { migrationInjectionSuite } from './security/migration-injection-suite';
export { secretsSuite } from './security/secrets-suite';
export { exposures } from './security/exposure';
export { parameterLimitsSuite } from './security/parameter-limits-suite';
export { pendingChangesSuite } from './suites/pending-changes-suite';
export { typedLoadingSuite } from './suites/typed-loading-suite';
export { standardDecoratorsSuite } from './suites/standard-decorators-suite';

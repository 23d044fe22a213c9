/*
 * One Jest run for the whole monorepo. Tests import the packages' TypeScript sources
 * directly (no build step); ts-jest transpiles them with legacy decorators and metadata.
 */
import type { Config } from 'jest';

/** Type errors are caught by `npm run typecheck`; tests only transpile, file by file, for speed. */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }];

/** Files named `*.std.ts` declare entities with standard (TC39) decorators: no experimentalDecorators, no type metadata. */
const standardDecorators = '<rootDir>/packages/testkit/std-decorators-transform.js';

/** Dialect packages left out of this run on purpose (STRATA_DIALECTS=sqlite,...). */
const DIALECT_DIRS: Record<string, string> = { postgresql: 'postgres', mysql: 'mysql', sqlite: 'sqlite' };
const selected = (process.env.STRATA_DIALECTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const narrowedAway = selected.length === 0 ? [] : Object.keys(DIALECT_DIRS).filter((d) => !selected.includes(d));

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/packages/testkit/packages-test/', ...narrowedAway.map((d) => `<rootDir>/packages/${DIALECT_DIRS[d]}/`)],
  transform: { '^.+\\.std\\.ts$': standardDecorators as never, '^.+\\.ts$': tsJest as never },
  moduleNameMapper: { '^@strata/core/(dialect|testing)$': '<rootDir>/packages/core/src/$1', '^@strata/([a-z-]+)$': '<rootDir>/packages/$1/src' },
  globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/packages/testkit/summary-reporter.js'],
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/', '<rootDir>/examples/[^/]+/dist/'],
};

export default config;

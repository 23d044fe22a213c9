/*
 * `npm run test:packages`: Strata from its tarballs in fresh projects (see
 * packages/testkit/packages-test/setup.ts). Runs after `npm run build`; one test file, whose
 * tests of a project run in order.
 */
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages/testkit/packages-test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/apps/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] as never },
  globalSetup: '<rootDir>/packages/testkit/packages-test/setup.ts',
  globalTeardown: '<rootDir>/packages/testkit/packages-test/teardown.ts',
  testTimeout: 300_000,
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/', '<rootDir>/packages/testkit/packages-test/apps/'],
};

export default config;

/*
 * The scale-out suite (`npm run test:scale`): read replicas on throw-away replicated
 * servers, PgBouncer in transaction-pooling mode, and sharding over several databases.
 * One file at a time: each starts servers of its own on fixed ports.
 */
import type { Config } from 'jest';
import base from './jest.config';

const config: Config = {
  ...base,
  testMatch: ['**/scale/**/*.scale.ts'],
  maxWorkers: 1,
  testTimeout: 180_000,
};

export default config;

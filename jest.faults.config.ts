/*
 * The fault suite (`npm run test:faults`): server restarts, killed and idle-dropped
 * connections, pool saturation, concurrency and bad input, against the real servers. One
 * file at a time: a restart or a kill would disturb anything running beside it.
 */
import type { Config } from 'jest';
import base from './jest.config';

const config: Config = {
  ...base,
  testMatch: ['**/faults/**/*.faults.ts'],
  maxWorkers: 1,
  testTimeout: 300_000,
};

export default config;

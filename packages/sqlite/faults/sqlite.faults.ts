/*
 * The fault suite on SQLite: bad input through every column type and filter (the outage,
 * saturation and concurrency parts need a server). `npm run test:faults`.
 */
import '@strata/sqlite';
import { badInputSuite } from '@strata/testkit';

badInputSuite('sqlite');

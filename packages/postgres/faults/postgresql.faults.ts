/*
 * The fault suite on PostgreSQL: outages under load (restart, killed and idle-dropped
 * connections), pool saturation, concurrency and bad input. `npm run test:faults`.
 */
import '@strata/postgres';
import { badInputSuite, concurrencySuite, outageSuite, saturationSuite } from '@strata/testkit';

outageSuite('postgresql');
saturationSuite('postgresql');
concurrencySuite('postgresql');
badInputSuite('postgresql');

/*
 * The fault suite on MySQL / MariaDB: outages under load (restart, killed and idle-dropped
 * connections), pool saturation, concurrency and bad input. `npm run test:faults`.
 */
import '@strata/mysql';
import { badInputSuite, concurrencySuite, outageSuite, saturationSuite } from '@strata/testkit';

outageSuite('mysql');
saturationSuite('mysql');
concurrencySuite('mysql');
badInputSuite('mysql');

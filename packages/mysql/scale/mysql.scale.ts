/*
 * The scale-out suite on MariaDB: read replicas (binlog replicas made in the set-up).
 * `npm run test:scale`.
 */
import '@strata/mysql';
import { replicaSuite } from '@strata/testkit';

replicaSuite('mysql');

/*
 * The scale-out suite on MariaDB: read replicas (binlog replicas made in the set-up) and sharding
 * over two databases.
 * `npm run test:scale`.
 */
import '@strata/mysql';
import { replicaSuite, shardingSuite } from '@strata/testkit';

replicaSuite('mysql');
shardingSuite('mysql');

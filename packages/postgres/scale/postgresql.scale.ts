/*
 * The scale-out suite on PostgreSQL: read replicas (streaming replicas made in the set-up) and sharding
 * over two databases.
 * `npm run test:scale`.
 */
import '@strata/postgres';
import { replicaSuite, shardingSuite } from '@strata/testkit';

replicaSuite('postgresql');
shardingSuite('postgresql');

/*
 * The scale-out suite on PostgreSQL: read replicas (streaming replicas made in the set-up).
 * `npm run test:scale`.
 */
import '@strata/postgres';
import { replicaSuite } from '@strata/testkit';

replicaSuite('postgresql');

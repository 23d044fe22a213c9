import '@strata/postgres';
import { engineSuite, poolSuite, serverFaultSuite } from '@strata/testkit';

engineSuite('postgresql');
poolSuite('postgresql');
serverFaultSuite('postgresql');

import '@strata/mysql';
import { engineSuite, poolSuite, serverFaultSuite } from '@strata/testkit';

engineSuite('mysql');
poolSuite('mysql');
serverFaultSuite('mysql');

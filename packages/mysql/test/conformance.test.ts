import '@strata/mysql';
import { engineSuite, poolSuite, serverFaultSuite, typesSuite } from '@strata/testkit';
import { schemaSuite } from '@strata/testkit';
import { querySuite } from '@strata/testkit';

engineSuite('mysql');
poolSuite('mysql');
serverFaultSuite('mysql');
typesSuite('mysql');
schemaSuite('mysql');
querySuite('mysql');
import { entityRoundTripSuite } from '@strata/testkit';
entityRoundTripSuite('mysql');
import { sessionSuite } from '@strata/testkit';
sessionSuite('mysql');
import { scopeSuite } from '@strata/testkit';
scopeSuite('mysql');
import { transactionSuite } from '@strata/testkit';
transactionSuite('mysql');

import '@strata/postgres';
import { engineSuite, poolSuite, serverFaultSuite, typesSuite } from '@strata/testkit';
import { schemaSuite } from '@strata/testkit';
import { querySuite } from '@strata/testkit';

engineSuite('postgresql');
poolSuite('postgresql');
serverFaultSuite('postgresql');
typesSuite('postgresql');
schemaSuite('postgresql');
querySuite('postgresql');
import { entityRoundTripSuite } from '@strata/testkit';
entityRoundTripSuite('postgresql');
import { sessionSuite } from '@strata/testkit';
sessionSuite('postgresql');
import { scopeSuite } from '@strata/testkit';
scopeSuite('postgresql');
import { transactionSuite } from '@strata/testkit';
transactionSuite('postgresql');

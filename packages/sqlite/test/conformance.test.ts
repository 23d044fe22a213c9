import '@strata/sqlite';
import { engineSuite, poolSuite, typesSuite } from '@strata/testkit';
import { schemaSuite } from '@strata/testkit';
import { querySuite } from '@strata/testkit';

engineSuite('sqlite');
poolSuite('sqlite');
typesSuite('sqlite');
schemaSuite('sqlite');
querySuite('sqlite');
import { entityRoundTripSuite } from '@strata/testkit';
entityRoundTripSuite('sqlite');
import { sessionSuite } from '@strata/testkit';
sessionSuite('sqlite');
import { scopeSuite } from '@strata/testkit';
scopeSuite('sqlite');
import { transactionSuite } from '@strata/testkit';
transactionSuite('sqlite');

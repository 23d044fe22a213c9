import '@strata/sqlite';
import { engineSuite, poolSuite } from '@strata/testkit';

engineSuite('sqlite');
poolSuite('sqlite');

import '@strata/sqlite';
import { secretsSuite } from '@strata/testkit';

secretsSuite('sqlite');

import '@strata/postgres';
import { secretsSuite } from '@strata/testkit';

secretsSuite('postgresql');

import '@strata/mysql';
import { secretsSuite } from '@strata/testkit';

secretsSuite('mysql');

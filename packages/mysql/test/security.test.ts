import '@strata/mysql';
import { parameterLimitsSuite } from '@strata/testkit';

parameterLimitsSuite('mysql');

import '@strata/sqlite';
import { parameterLimitsSuite } from '@strata/testkit';

parameterLimitsSuite('sqlite');

import '@strata/postgres';
import { parameterLimitsSuite } from '@strata/testkit';

parameterLimitsSuite('postgresql');

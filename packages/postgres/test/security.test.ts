import '@strata/postgres';
import { migrationInjectionSuite } from '@strata/testkit';

migrationInjectionSuite('postgresql');

import '@strata/sqlite';
import { migrationInjectionSuite } from '@strata/testkit';

migrationInjectionSuite('sqlite');

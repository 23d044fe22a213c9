import '@strata/mysql';
import { migrationInjectionSuite } from '@strata/testkit';

migrationInjectionSuite('mysql');

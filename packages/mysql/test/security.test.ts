import '@strata/mysql';
import { redosSuite } from '@strata/testkit';

redosSuite('mysql');

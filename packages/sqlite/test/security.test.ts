import '@strata/sqlite';
import { redosSuite } from '@strata/testkit';

redosSuite('sqlite');

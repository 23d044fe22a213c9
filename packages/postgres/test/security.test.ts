import '@strata/postgres';
import { redosSuite } from '@strata/testkit';

redosSuite('postgresql');

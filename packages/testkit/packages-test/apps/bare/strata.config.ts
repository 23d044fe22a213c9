import { defineConfig } from '@strata/cli';
import { Shelf, Volume } from './src/entities.js';

export default defineConfig({ url: 'sqlite:///bare.db', entities: [Shelf, Volume] });

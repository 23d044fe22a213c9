import { defineConfig } from '@strata/cli';
import { Author, Book } from './src/entities.js';

export default defineConfig({ url: 'sqlite:///app.db', entities: [Author, Book] });

import { defineConfig } from '@strata/cli';
import { Author, Book } from './src/entities';

export default defineConfig({ url: 'sqlite:///app.db', entities: [Author, Book] });

import { defineConfig } from '@strata/cli';
import { Post, User } from './src/entities';

export default defineConfig({
  // DATABASE_URL overrides it.
  url: 'sqlite:///quickstart.db',
  entities: [User, Post],
  migrations: 'migrations',
});

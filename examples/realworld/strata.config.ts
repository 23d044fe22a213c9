/*
 * The `strata` CLI's view of this app: its entities and where migrations live.
 * DATABASE_URL overrides the url, e.g. DATABASE_URL=postgresql://... npx strata upgrade head.
 */
import { defineConfig } from '@strata/cli';
import { entities } from './src/entities';

export default defineConfig({ url: 'sqlite:///realworld.db', entities, migrations: 'migrations' });

/*
 * Starts the Conduit API: PORT (default 3000) and DATABASE_URL (default sqlite:///realworld.db).
 * Migrate first: `npx strata upgrade head` in examples/realworld.
 */
import { createApp } from './app';

const port = Number(process.env.PORT ?? 3000);
const { app, engine } = createApp({ url: process.env.DATABASE_URL ?? 'sqlite:///realworld.db', secret: process.env.JWT_SECRET });
const server = app.listen(port, () => console.log(`Conduit API on http://localhost:${port}/api`));

const stop = (): void => {
  server.close(() => void engine.dispose());
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

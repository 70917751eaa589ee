/**
 * The sample service: `npm start` from the repository root (or `node dist/main.js`).
 * Zero configuration runs on embedded PGlite and filesystem storage under `.data/`;
 * `DATABASE_URL` and `MEMORY_STORAGE_URL` switch to PostgreSQL and S3/BOS (see README).
 */
import { redactUrl } from '@memory/errors';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig, type AppConfig } from './config.js';
import { explainStartupError } from './startup-errors.js';

let config: AppConfig | undefined;
let memory: MemoryApp | undefined;
try {
  config = loadConfig();
  // On embedded PGlite, the database is served on a local socket so the CLI works while this runs.
  memory = await buildApp(config, { shareEmbedded: true });
  await memory.app.listen({ port: config.port, host: config.host });
} catch (error) {
  await memory?.app.close().catch(() => undefined);
  process.stderr.write(`${explainStartupError(error, config)}\n`);
  process.exit(1);
}
const { app, services } = memory;

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  app.close().then(
    () => process.exit(0),
    (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGHUP', () => stop('SIGHUP'));

app.log.info(
  {
    database: services.db.url,
    storage: redactUrl(config.storageUrl),
    embedding: services.embedder.description,
    console: `http://${config.host}:${config.port}/`,
    docs: `http://${config.host}:${config.port}/docs`,
  },
  'memory example service ready',
);

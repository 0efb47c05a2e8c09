/**
 * `npm start`: the API plus an in-process worker (SCOUT_WORKER=off for API only), so one
 * command serves a single machine. Finds or starts Redis when REDIS_URL is unset.
 */
import { createServer } from 'node:http';
import { loadConfigOrExit } from './config.js';
import { acquireDataDirLock, DataDirLockedError } from './infra/data-dir-lock.js';
import { findOrStartRedis, RedisUnavailableError, waitForRedis } from './infra/redis.js';
import { createLogger } from './logger.js';
import { buildRuntime } from './runtime.js';
import { openDatabase } from './store/db.js';
import path from 'node:path';
import { createApp } from './server.js';
import { attachWebSocket } from './ws.js';
import { answerClientErrors } from './http/client-error.js';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);

// the embedded database (and a launched Redis) belong to one process: a second one says who
if (!config.databaseUrl) {
  try {
    acquireDataDirLock(config.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

const localRedis = await findOrStartRedis(config.redisUrl, config.dataDir, (msg) => logger.info(msg)).then(async (found) => {
  // a REDIS_URL that does not answer stops the start (bounded) instead of hanging every request
  await waitForRedis(found.url, config.redisConnectTimeoutMs);
  return found;
}).catch((error: unknown) => {
  if (error instanceof RedisUnavailableError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
});

// PostgreSQL when DATABASE_URL is set, else embedded PGlite (single-process: this API and its
// in-process worker share the handle; separate worker processes need DATABASE_URL to write)
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pg') });
logger.info({ engine: db.engine }, db.engine === 'pglite' ? `embedded database in ${path.join(config.dataDir, 'pg')}` : 'database: PostgreSQL');
const runtime = await buildRuntime({ config, logger, redisUrl: localRedis.url, worker: config.runWorker, db });
const app = createApp({ services: runtime.services, logger, apiKeys: config.apiKeys, miniUiDir: config.http.miniUiDir, health: runtime.health, graphql: config.graphql, maxBulk: config.jobs.maxBulk });
const server = createServer(app.handleNodeRequest);
// a request line or headers over Node's 16 KB, or malformed HTTP: a JSON reason, not a bare status
answerClientErrors(server);
const ws = attachWebSocket(server, app, config.apiKeys);

server.listen(config.port, config.host, () => {
  logger.info({ port: config.port, worker: config.runWorker }, `domain-scout API on http://localhost:${config.port}/graphql`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  server.close();
  await ws.close().catch(() => {});
  await runtime.close().catch((error: unknown) => logger.error({ err: error }, 'close failed'));
  await db.close().catch(() => {});
  await localRedis.stop();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

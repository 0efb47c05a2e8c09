/**
 * `npm start`: the API plus an in-process worker (SCOUT_WORKER=off for API only), so one
 * command serves a single machine. Finds or starts Redis when REDIS_URL is unset.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfigOrExit } from './config.js';
import { acquireDataDirLock, DataDirLockedError } from './infra/data-dir-lock.js';
import { anonymousBindRefusal, listen, ListenError } from './infra/listen.js';
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

// no keys: loopback only, unless the operator says otherwise (SCOUT_ALLOW_ANONYMOUS=1)
const bindRefusal = anonymousBindRefusal(config.host, config.apiKeys.length, config.allowAnonymous);
if (bindRefusal) {
  console.error(bindRefusal);
  process.exit(2);
}

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

// the port first: a taken port stops this process before Redis, the database or a worker start
// (requests that arrive before the app is built get a 503)
let handleRequest: RequestListener = (_req, res) => {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(JSON.stringify({ detail: 'starting' }));
};
const server = createServer((req, res) => handleRequest(req, res));
await listen(server, config.port, config.host).catch((error: unknown) => {
  if (!(error instanceof ListenError)) throw error;
  console.error(error.message);
  process.exit(2);
});

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
const app = createApp({
  services: runtime.services,
  logger,
  apiKeys: config.apiKeys,
  corsOrigins: config.http.corsOrigins,
  miniUiDir: config.http.miniUiDir,
  maxBodyBytes: config.http.maxBodyBytes,
  graphql: config.graphql,
  maxBulk: config.jobs.maxBulk,
  health: runtime.health,
});
handleRequest = app.handleNodeRequest;
// a request line or headers over Node's 16 KB, or malformed HTTP: a JSON reason, not a bare status
answerClientErrors(server);
const ws = attachWebSocket(server, app, config.apiKeys, config.http.corsOrigins, config.http.maxBodyBytes);
const { port } = server.address() as AddressInfo;
logger.info({ host: config.host, port, worker: config.runWorker }, `domain-scout API on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`);

/** In-flight HTTP requests get this long after SIGTERM before their connections are closed (ms). */
const REQUEST_GRACE_MS = 5_000;
/**
 * The whole shutdown at most (ms); then exit 1. A unit not yet handed back by then is not lost:
 * its lock expires (SCOUT_WORKER_LOCK_MS) and another worker re-runs what was not counted.
 */
const SHUTDOWN_LIMIT_MS = 30_000;

let stopping = false;
/**
 * Graceful shutdown: stop accepting; subscriptions get their final message and end (SSE and
 * graphql-ws: the last snapshot, then complete; WebSockets then close 1001); in-flight requests
 * finish (bounded); the worker finishes its domains in flight and hands the rest of its units
 * back to the queue; buffered writes flush; then the database and a launched Redis stop.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long: exiting');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  force.unref();
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  runtime.closeSubscriptions();
  await ws.close().catch(() => {});
  const grace = setTimeout(() => server.closeAllConnections(), REQUEST_GRACE_MS);
  await drained;
  clearTimeout(grace);
  await runtime.close().catch((error: unknown) => logger.error({ err: error }, 'close failed'));
  await db.close().catch(() => {});
  await localRedis.stop();
  process.exit(0);
}
// on, not once: a second signal (a terminal sends Ctrl-C to the whole group, tsx relays it too) must not kill the shutdown
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

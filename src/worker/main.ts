/** `npm run worker`: a scan worker process. Needs only REDIS_URL (default 127.0.0.1:6379). */
import { loadConfigOrExit } from '../config.js';
import { DEFAULT_REDIS_URL, RedisUnavailableError, waitForRedis } from '../infra/redis.js';
import { startMetricsServer } from '../observability/metrics-server.js';
import { createLogger } from '../logger.js';
import { buildRuntime } from '../runtime.js';
import { openDatabase } from '../store/db.js';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'domain-scout-worker');
const redisUrl = config.redisUrl ?? DEFAULT_REDIS_URL;
// a Redis that does not answer stops the start, after SCOUT_REDIS_CONNECT_TIMEOUT_MS
await waitForRedis(redisUrl, config.redisConnectTimeoutMs).catch((error: unknown) => {
  if (!(error instanceof RedisUnavailableError)) throw error;
  console.error(error.message);
  process.exit(2);
});
// The embedded database (PGlite) belongs to one process, the API's. A separate worker writes
// to PostgreSQL when DATABASE_URL is set; without it, its results stay in Redis and the API
// process (which owns the database) copies each finished job into it.
const db = config.databaseUrl ? await openDatabase({ databaseUrl: config.databaseUrl, dataDir: '' }) : undefined;
if (!db) {
  logger.warn('DATABASE_URL is unset: this worker keeps results in Redis only; the API process that owns the embedded database stores each job when it finishes. Set DATABASE_URL (PostgreSQL) to write leads from this worker directly.');
}
const runtime = await buildRuntime({ config, logger, redisUrl, worker: true, db });
// /metrics and /healthz/{live,ready} of this worker on its own port, bound to HOST like the API
// (127.0.0.1 by default: it has no key check)
const metricsServer = config.metricsPort === undefined ? undefined : await startMetricsServer({ port: config.metricsPort, host: config.host, checks: runtime.health });
if (metricsServer) logger.info({ port: metricsServer.port }, `worker metrics on http://localhost:${metricsServer.port}/metrics`);
logger.info({ concurrency: config.limits.concurrency, rateScope: config.limits.scope, pid: process.pid }, 'worker started');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'worker stopping: finishing the domains in flight');
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  await metricsServer?.close();
  await runtime.close().catch((error: unknown) => logger.error({ err: error }, 'close failed'));
  await db?.close().catch(() => {});
  process.exit(0);
}
// on, not once: a second signal (a terminal sends Ctrl-C to the whole group, tsx relays it too) must not kill the shutdown
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

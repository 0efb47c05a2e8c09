/** `npm run worker`: a scan worker process. Needs only REDIS_URL (default 127.0.0.1:6379). */
import { loadConfigOrExit } from '../config.js';
import { DEFAULT_REDIS_URL } from '../infra/redis.js';
import { createLogger } from '../logger.js';
import { buildRuntime } from '../runtime.js';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'domain-scout-worker');
const runtime = await buildRuntime({ config, logger, redisUrl: config.redisUrl ?? DEFAULT_REDIS_URL, worker: true });
logger.info({ concurrency: config.limits.concurrency, rateScope: config.limits.scope, pid: process.pid }, 'worker started');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'worker stopping: finishing the domains in flight');
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  await runtime.close().catch((error: unknown) => logger.error({ err: error }, 'close failed'));
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

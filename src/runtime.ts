/**
 * The composition root: builds every dependency once. The API and the worker are two modes of
 * one build: `npm start` = API + in-process worker, `npm run worker` = worker only.
 */
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createRedis } from './infra/redis.js';
import { createJobStore } from './jobs/job.store.js';
import { createProgressBus, createProgressPublisher } from './jobs/progress.js';
import { createQueues } from './jobs/queue.js';
import { noopSink, type ResultSink } from './jobs/result-sink.js';
import { createClusterGate } from './limits/cluster-gate.js';
import { createLocalGate } from './limits/local-gate.js';
import type { Logger } from './logger.js';
import { createRdapBootstrap } from './scan/rdap/rdap.bootstrap.js';
import type { ScanDeps } from './scan/scan-domain.js';
import { createBulkScanService, type JobArchive } from './services/bulk-scan.service.js';
import type { Services } from './services/services.js';
import { createSingleScanService } from './services/single-scan.service.js';
import { createQuotaService } from './services/quota.service.js';
import { FINISHED_STATUSES } from './jobs/job.types.js';
import { createDbArchive, createDbSink, createRepositories } from './store/db-sink.js';
import type { Db } from './store/db.js';
import { createLeadsService, noLeadsService } from './services/leads.service.js';
import { oldClientServices } from './services/old-clients.js';
import { createPersistWorker } from './worker/persist-worker.js';
import { createScanWorker } from './worker/worker.js';

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  redisUrl: string;
  /** Run a worker in this process. */
  worker: boolean;
  /** The database: leads, job history, error log. Without one, results live in Redis only. */
  db?: Db;
  /** Override of the database sink (tests). */
  sink?: ResultSink;
  archive?: JobArchive;
  /** Test hook: a fixed clock for scoring. */
  now?: () => Date;
  /** Heartbeat of subscriptions (ms); 5000 by default. */
  heartbeatMs?: number;
}

export async function buildRuntime(options: RuntimeOptions) {
  const { config, logger, redisUrl } = options;
  const repos = options.db ? createRepositories(options.db) : undefined;
  const sink = options.sink ?? (repos ? createDbSink(repos, logger) : noopSink);
  const archive = options.archive ?? (repos ? createDbArchive(repos) : undefined);
  const redis: Redis = createRedis(redisUrl, 'scout');
  const subscriber: Redis = createRedis(redisUrl, 'scout-sub');
  const prefix = config.jobs.redisPrefix;

  const store = createJobStore(redis, { prefix, ttlSeconds: config.jobs.ttlSeconds });
  const bus = createProgressBus(redis, subscriber, prefix);
  const publisher = createProgressPublisher(bus);
  const gateOptions = { dnsRate: config.limits.dnsRate, whoisRate: config.limits.whoisRate, backoffMs: config.limits.backoffMs };
  const gate = config.limits.scope === 'cluster' ? createClusterGate(redis, prefix, gateOptions) : createLocalGate(gateOptions);
  const scanDeps: ScanDeps = { config: config.scan, gate, bootstrap: createRdapBootstrap({ url: config.scan.rdapBootstrapUrl }), now: options.now };
  const queues = createQueues(config, redisUrl);
  // always scheduled: the process that owns a database consumes it, even when this one has none
  const onJobFinished = (jobId: string) => queues.schedulePersist(jobId);
  // per-caller quotas, shared by every API process through Redis
  const quota = createQuotaService({
    redis,
    prefix,
    options: config.quotas,
    isRunning: async (jobId) => {
      const status = await store.status(jobId);
      return status !== null && !FINISHED_STATUSES.has(status);
    },
  });
  const bulk = createBulkScanService({ config, store, queues, publisher, sink, archive, onJobFinished, quota });
  const singleScan = createSingleScanService(config, scanDeps, (lead) => sink.saveLead(null, null, lead), quota);
  const services: Services = {
    singleScan,
    bulk,
    progress: { bus, store, prefix, heartbeatMs: options.heartbeatMs ?? 5000, refresh: (id) => bulk.get(id).catch(() => null) },
    leads: repos ? createLeadsService(repos) : noLeadsService,
    oldClients: oldClientServices(repos, singleScan, bulk),
  };
  const worker = options.worker
    ? createScanWorker({ config, redisUrl, logger, store, scan: scanDeps, retries: config.limits.retries, backoffMs: config.limits.backoffMs, publisher, bus, sink, bulk, onJobFinished })
    : undefined;
  const persistWorker = repos ? createPersistWorker(config, redisUrl, store, repos, logger) : undefined;

  return {
    services,
    store,
    queues,
    worker,
    redis,
    repos,
    health: { redis: () => redis.ping(), ...(options.db ? { database: () => options.db!.query('SELECT 1') } : {}) },
    async close() {
      await worker?.close();
      await persistWorker?.close();
      await publisher.flush();
      await sink.drain();
      await queues.close();
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof buildRuntime>>;

/**
 * The composition root: builds every dependency once. The API and the worker are two modes of
 * one build: `npm start` = API + in-process worker, `npm run worker` = worker only.
 */
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { bullErrorLogger, createConnectionState, watchDatabase } from './infra/connection-state.js';
import { checkRedisClient, createRedis } from './infra/redis.js';
import { observeDomainOutcomes } from './observability/domain-outcomes.js';
import { instrumentGate } from './observability/gate-metrics.js';
import { observeJobLifecycle } from './observability/job-lifecycle.js';
import { watchQueueDepth, withTimeout } from './observability/metrics.js';
import { createJobStore } from './jobs/job.store.js';
import { createLeadPublisher, createProgressBus, createProgressPublisher } from './jobs/progress.js';
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
  // shutdown: subscriptions send their final message and end
  const closing = new AbortController();
  // one line per change of the database connection too (seen on use and by /healthz/ready)
  const db = options.db ? watchDatabase(options.db, createConnectionState(logger, 'database')) : undefined;
  const repos = db ? createRepositories(db) : undefined;
  // a lead written to the database leaves Redis (the job store reads it back from there)
  const sink = options.sink ?? (repos ? createDbSink(repos, logger, { leadsWritten: (rows) => store.evictResults(rows) }) : noopSink);
  const archive = options.archive ?? (repos ? createDbArchive(repos) : undefined);
  // one line per change of the Redis connection, however many clients see it
  const redisState = createConnectionState(logger, 'redis');
  const redis: Redis = createRedis(redisUrl, 'scout', redisState);
  const subscriber: Redis = createRedis(redisUrl, 'scout-sub', redisState);
  const prefix = config.jobs.redisPrefix;

  const persisted = repos ? (jobId: string, from: number, to: number) => repos.leads.jobResultsRange(jobId, from, to) : undefined;
  const store = observeDomainOutcomes(createJobStore(redis, { prefix, ttlSeconds: config.jobs.ttlSeconds, persisted }), logger);
  const bus = createProgressBus(redis, subscriber, prefix);
  const publisher = observeJobLifecycle(createProgressPublisher(bus), logger);
  const leads = createLeadPublisher(bus);
  const gateOptions = {
    dnsRate: config.limits.dnsRate,
    whoisRate: config.limits.whoisRate,
    dnsBurst: config.limits.dnsBurst,
    whoisBurst: config.limits.whoisBurst,
    backoffMs: config.limits.backoffMs,
  };
  const gate = instrumentGate(config.limits.scope === 'cluster' ? createClusterGate(redis, prefix, gateOptions) : createLocalGate(gateOptions), logger);
  const scanDeps: ScanDeps = { config: config.scan, gate, bootstrap: createRdapBootstrap({ url: config.scan.rdapBootstrapUrl }), now: options.now };
  const queues = createQueues(config, redisUrl);
  for (const queue of [queues.domainQueue, queues.controlQueue, queues.persistQueue]) queue.on('error', bullErrorLogger(logger, redisState, `queue ${queue.name}`));
  const unwatchQueues = watchQueueDepth(queues.domainQueue, queues.controlQueue, queues.persistQueue);
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
    progress: { bus, store, prefix, heartbeatMs: options.heartbeatMs ?? 5000, refresh: (id) => bulk.get(id, 'system').catch(() => null), closing: closing.signal },
    leads: repos ? createLeadsService(repos) : noLeadsService,
    oldClients: oldClientServices(repos, singleScan, bulk, config.jobs.maxBulk),
  };
  const worker = options.worker
    ? createScanWorker({ config, redisUrl, logger, store, scan: scanDeps, retries: config.limits.retries, backoffMs: config.limits.backoffMs, publisher, leads, sink, bulk, onJobFinished, redisState })
    : undefined;
  const persistWorker = repos ? createPersistWorker(config, redisUrl, store, repos, logger, redisState) : undefined;

  return {
    services,
    store,
    queues,
    worker,
    redis,
    repos,
    // bounded: a dead Redis or database fails the check within a second instead of hanging it
    health: {
      redis: () => withTimeout(checkRedisClient(redis), 800),
      ...(db ? { database: () => withTimeout(db.query('SELECT 1'), 800) } : {}),
    },
    redisState,
    /** Shutdown, step one: every subscription sends its final message and ends. */
    closeSubscriptions() {
      closing.abort();
    },
    /** The worker finishes its domains in flight and hands the rest back; buffers flush. */
    async close() {
      closing.abort();
      await worker?.close();
      await persistWorker?.close();
      await leads.flush();
      await publisher.flush();
      await sink.drain();
      unwatchQueues();
      await queues.close();
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof buildRuntime>>;

/**
 * A scan worker: BullMQ workers on the domain queue (units of up to SCOUT_CHUNK_SIZE domains;
 * at most SCOUT_CONCURRENCY domains in flight at once over all the units it holds) and on the
 * control queue (job timeouts). Needs only Redis to join.
 */
import { Queue, Worker } from 'bullmq';
import type { Config } from '../config.js';
import { bullErrorLogger, createConnectionState, type ConnectionState } from '../infra/connection-state.js';
import { redisOptions } from '../infra/redis.js';
import { QUEUE_NAMES, type DomainScanJobData } from '../jobs/job.types.js';
import { bullPrefix, continuationOf, type JobControlData } from '../jobs/queue.js';
import type { Logger } from '../logger.js';
import { ScanError } from '../scan/scan.errors.js';
import { backoffDelay } from '../scan/scan-domain.js';
import type { BulkScanService } from '../services/bulk-scan.service.js';
import { createDomainProcessor, failureOf, parseUnit, type ProcessorDeps } from './processor.js';
import { createSlots } from './slots.js';

export interface ScanWorkerOptions extends ProcessorDeps {
  config: Config;
  redisUrl: string;
  bulk: Pick<BulkScanService, 'timeOut'>;
  logger: Logger;
  /** Where connection errors go (one log line per change); default: a state of its own. */
  redisState?: ConnectionState;
}

export function createScanWorker(options: ScanWorkerOptions) {
  const { config, redisUrl, logger } = options;
  const connection = redisOptions(redisUrl);
  const prefix = bullPrefix(config);
  const slots = createSlots(config.limits.concurrency);
  // units held at once: enough queued domains to keep every slot busy while one unit finishes
  // its last domains, yet few, so a job submitted later waits for little besides its turn
  const unitsInFlight = Math.max(2, Math.ceil(config.limits.concurrency / config.jobs.chunkSize) + 1);
  // where a unit whose time slice is up queues the rest of its range
  const continuations = new Queue<DomainScanJobData, unknown, string>(QUEUE_NAMES.domainScan, { connection, prefix });
  let stopping = false;
  const processUnit = createDomainProcessor({
    ...options,
    slots,
    isStopping: () => stopping,
    onUnitTaken: (priority) => options.store.advanceRound(priority),
    sliceMs: config.jobs.unitSliceMs,
    continueUnit: async (data, priority) => {
      const unit = continuationOf(config, data, priority);
      await continuations.add(unit.name, unit.data, unit.opts);
    },
  });
  const redisState = options.redisState ?? createConnectionState(logger, 'redis');
  continuations.on('error', bullErrorLogger(logger, redisState, 'continuations queue'));

  const domainWorker = new Worker<DomainScanJobData, unknown, string>(QUEUE_NAMES.domainScan, processUnit, {
    connection,
    prefix,
    concurrency: unitsInFlight,
    lockDuration: config.jobs.workerLockMs,
    stalledInterval: Math.max(1000, Math.floor(config.jobs.workerLockMs / 2)),
    // a unit re-run after its worker died skips what was counted (job store); allow several
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (attemptsMade, _type, error) =>
        Math.max(backoffDelay(attemptsMade, config.limits.backoffMs), error instanceof ScanError ? (error.retryAfterMs ?? 0) : 0),
    },
  });
  domainWorker.on('failed', (job, error) => {
    // Reached only for failures the processor did not record itself (an unexpected error on
    // the last attempt, a unit stalled too often): count it once so the bulk job still ends.
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const unit = parseUnit(job.data);
    if (!unit) return;
    logger.warn({ jobId: unit.jobId, start: unit.start, count: unit.count, err: error }, 'domain unit failed outside the processor');
    void (async () => {
      // every domain of the unit not counted yet ends failed, once
      for (const entry of await options.store.unit(unit.jobId, unit.start, unit.count)) {
        if (entry.done) continue;
        const failure = failureOf(entry.domain, error, job.attemptsMade, new Date());
        const recorded = await options.store.record(unit.jobId, entry.domain, { kind: 'failed', failure });
        if (!recorded.counted) continue;
        options.sink.saveFailure(unit.jobId, failure);
        await options.publisher.publish(recorded.snapshot);
        if (recorded.snapshot.status !== 'running') await options.onJobFinished?.(unit.jobId);
      }
    })().catch((e: unknown) => logger.error({ err: e }, 'could not record a failed unit'));
  });
  domainWorker.on('error', bullErrorLogger(logger, redisState, 'domain worker'));

  const controlWorker = new Worker<JobControlData, unknown, string>(
    QUEUE_NAMES.jobControl,
    async (job) => {
      if (job.data.kind === 'timeout') await options.bulk.timeOut(job.data.jobId);
    },
    { connection, prefix, concurrency: 1 },
  );
  controlWorker.on('error', bullErrorLogger(logger, redisState, 'control worker'));

  return {
    domainWorker,
    /** Graceful: units finish their domains in flight and hand the rest back to the queue. */
    async close() {
      stopping = true;
      await Promise.all([domainWorker.close(), controlWorker.close()]);
      await continuations.close();
    },
  };
}

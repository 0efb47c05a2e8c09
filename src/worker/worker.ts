/**
 * A scan worker: BullMQ workers on the domain queue (at most SCOUT_CONCURRENCY domains at
 * once) and on the control queue (job timeouts). Needs only Redis to join.
 */
import { Worker } from 'bullmq';
import type { Config } from '../config.js';
import { redisOptions } from '../infra/redis.js';
import { QUEUE_NAMES, type DomainScanJobData } from '../jobs/job.types.js';
import { bullPrefix, type JobControlData } from '../jobs/queue.js';
import type { Logger } from '../logger.js';
import { ScanError } from '../scan/scan.errors.js';
import { backoffDelay } from '../scan/scan-domain.js';
import type { BulkScanService } from '../services/bulk-scan.service.js';
import { createDomainProcessor, failureOf, type ProcessorDeps } from './processor.js';

export interface ScanWorkerOptions extends ProcessorDeps {
  config: Config;
  redisUrl: string;
  bulk: Pick<BulkScanService, 'timeOut'>;
  logger: Logger;
}

export function createScanWorker(options: ScanWorkerOptions) {
  const { config, redisUrl, logger } = options;
  const connection = redisOptions(redisUrl);
  const prefix = bullPrefix(config);
  const processDomain = createDomainProcessor(options);

  const domainWorker = new Worker<DomainScanJobData, unknown, string>(QUEUE_NAMES.domainScan, processDomain, {
    connection,
    prefix,
    concurrency: config.limits.concurrency,
    lockDuration: config.jobs.workerLockMs,
    stalledInterval: Math.max(1000, Math.floor(config.jobs.workerLockMs / 2)),
    // a unit re-run after its worker died is counted once anyway (job store); allow several
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
    logger.warn({ domain: job.data.domain, err: error }, 'domain unit failed outside the processor');
    const failure = failureOf(job.data.domain, error, job.attemptsMade, new Date());
    void options.store
      .record(job.data.jobId, job.data.domain, { kind: 'failed', failure })
      .then(async (recorded) => {
        if (!recorded.counted) return;
        options.sink.saveFailure(job.data.jobId, failure);
        await options.publisher.publish(recorded.snapshot);
        if (recorded.snapshot.status !== 'running') await options.onJobFinished?.(job.data.jobId);
      })
      .catch((e: unknown) => logger.error({ err: e }, 'could not record a failed unit'));
  });
  domainWorker.on('error', (error) => logger.error({ err: error }, 'domain worker error'));

  const controlWorker = new Worker<JobControlData, unknown, string>(
    QUEUE_NAMES.jobControl,
    async (job) => {
      if (job.data.kind === 'timeout') await options.bulk.timeOut(job.data.jobId);
    },
    { connection, prefix, concurrency: 1 },
  );
  controlWorker.on('error', (error) => logger.error({ err: error }, 'control worker error'));

  return {
    domainWorker,
    async close() {
      await Promise.all([domainWorker.close(), controlWorker.close()]);
    },
  };
}


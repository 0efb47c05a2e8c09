/** The BullMQ queues: one unit of work per domain, and delayed control jobs (job timeouts). */
import { Queue, type JobsOptions } from 'bullmq';
import type { Config } from '../config.js';
import { redisOptions } from '../infra/redis.js';
import { QUEUE_NAMES, type DomainScanJobData } from './job.types.js';

export interface JobControlData {
  kind: 'timeout';
  jobId: string;
}

export interface JobPersistData {
  jobId: string;
}

/** BullMQ key prefix: a hash tag keeps every queue key in one Redis Cluster slot. */
export const bullPrefix = (config: Config) => `{${config.jobs.redisPrefix}}:bull`;

export const BACKOFF_TYPE = 'scout-jitter';

export function domainJobOptions(config: Config): JobsOptions {
  return {
    attempts: config.limits.retries + 1,
    backoff: { type: BACKOFF_TYPE, delay: config.limits.backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: config.jobs.ttlSeconds },
  };
}

export function createQueues(config: Config, redisUrl: string) {
  const connection = redisOptions(redisUrl);
  const prefix = bullPrefix(config);
  const domainQueue = new Queue<DomainScanJobData, unknown, string>(QUEUE_NAMES.domainScan, { connection, prefix });
  const controlQueue = new Queue<JobControlData, unknown, string>(QUEUE_NAMES.jobControl, { connection, prefix });
  const persistQueue = new Queue<JobPersistData, unknown, string>(QUEUE_NAMES.jobPersist, { connection, prefix });
  return {
    domainQueue,
    controlQueue,
    persistQueue,
    /** Schedule the copy of a finished job into the database (deduplicated per job). */
    async schedulePersist(jobId: string) {
      await persistQueue.add(
        'persist',
        { jobId },
        { jobId: `persist-${jobId}`, attempts: 12, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { age: config.jobs.ttlSeconds } },
      );
    },
    async close() {
      await Promise.all([domainQueue.close(), controlQueue.close(), persistQueue.close()]);
    },
  };
}

export type Queues = ReturnType<typeof createQueues>;

/**
 * The BullMQ queues: units of work naming ranges of a job's domains, delayed control jobs (job
 * timeouts), persist jobs.
 *
 * Fair sharing: every unit has a BullMQ priority, a virtual round. A job's unit k gets round
 * `base + k`, where `base` is the round being served when the job was submitted (the largest
 * priority a worker has taken so far; kept in the job store). Workers take the lowest round
 * first, so jobs running at the same time take turns unit by unit. A unit that runs longer than
 * SCOUT_UNIT_SLICE_MS queues the rest of its range one round later and ends, so no unit holds
 * the slots for long: a job submitted while a huge one runs waits for about one slice, not for
 * the huge job.
 */
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

/** BullMQ's largest priority. */
export const MAX_PRIORITY = 2_097_151;

const roundOf = (round: number) => Math.max(1, Math.min(MAX_PRIORITY, round));

/**
 * The rest of a unit whose time slice is up (positions [start, start + count)), queued one
 * round later: behind the units of other jobs in the same round.
 */
export function continuationOf(config: Config, data: DomainScanJobData, priority: number) {
  return { name: 'scan', data, opts: { ...domainJobOptions(config), priority: roundOf(priority + 1), jobId: `${data.jobId}-${data.start}` } };
}

/** The units of positions [from, to) of a job whose unit 0 has round `base + 1`. */
export function unitsOf(config: Config, jobId: string, from: number, to: number, base: number) {
  const size = config.jobs.chunkSize;
  const options = domainJobOptions(config);
  const units = [];
  for (let start = from; start < to; start += size) {
    const count = Math.min(size, to - start);
    units.push({
      name: 'scan',
      data: { jobId, start, count } satisfies DomainScanJobData,
      opts: { ...options, priority: roundOf(base + Math.floor(start / size)), jobId: `${jobId}-${start}` },
    });
  }
  return units;
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
    /** Queue the units of positions [from, to) of a job (`from` a multiple of the chunk size). */
    async enqueueRange(jobId: string, from: number, to: number, base: number) {
      const units = unitsOf(config, jobId, from, to, base);
      for (let i = 0; i < units.length; i += 1000) await domainQueue.addBulk(units.slice(i, i + 1000));
    },
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

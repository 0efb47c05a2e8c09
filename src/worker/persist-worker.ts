/** Consumes `job-persist`: copies each finished job from Redis into the database. Runs only where a database is open. */
import { Worker } from 'bullmq';
import type { Config } from '../config.js';
import { bullErrorLogger, createConnectionState, type ConnectionState } from '../infra/connection-state.js';
import { redisOptions } from '../infra/redis.js';
import type { JobStore } from '../jobs/job.store.js';
import { QUEUE_NAMES } from '../jobs/job.types.js';
import { bullPrefix, type JobPersistData } from '../jobs/queue.js';
import type { Logger } from '../logger.js';
import type { Repositories } from '../store/db-sink.js';
import { persistJob } from '../store/persist-job.js';

export function createPersistWorker(config: Config, redisUrl: string, store: JobStore, repos: Repositories, logger: Logger, redisState: ConnectionState = createConnectionState(logger, 'redis')) {
  const worker = new Worker<JobPersistData, unknown, string>(
    QUEUE_NAMES.jobPersist,
    async (job) => {
      const written = await persistJob(job.data.jobId, store, repos);
      logger.debug({ jobId: job.data.jobId, ...written }, 'job persisted');
      return written;
    },
    { connection: redisOptions(redisUrl), prefix: bullPrefix(config), concurrency: 1 },
  );
  worker.on('failed', (job, error) => logger.warn({ jobId: job?.data.jobId, err: error }, 'persisting a job failed; will retry'));
  worker.on('error', bullErrorLogger(logger, redisState, 'persist worker'));
  return worker;
}

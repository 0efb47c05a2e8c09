/**
 * The domain-scan processor: one BullMQ job = one domain of one bulk job. Thin: validate the
 * payload, run one scan attempt, record the outcome once, publish progress.
 * Transient failures are retried in place with jittered backoff (a retry must not queue behind
 * the rest of the job), the finished stages saved in the unit's data for a re-run after a
 * crash; permanent ones and the last attempt are recorded as failures and the BullMQ unit
 * completes, so one bad domain never stops the bulk job. BullMQ's own attempts are left for
 * unexpected errors (e.g. Redis briefly unreachable while recording).
 */
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { JobStore } from '../jobs/job.store.js';
import type { createProgressPublisher, ProgressBus } from '../jobs/progress.js';
import type { ResultSink } from '../jobs/result-sink.js';
import { scanWithRetries, type ScanDeps, type ScanPartial } from '../scan/scan-domain.js';
import { toScanError, type ScanFailure } from '../scan/scan.errors.js';
import type { Logger } from '../logger.js';

const jobDataSchema = z.object({
  jobId: z.string().min(1),
  domain: z.string().min(1),
  position: z.number().int().min(0),
  partial: z.unknown().optional(),
});
export type ProcessorJobData = z.infer<typeof jobDataSchema>;

export interface ProcessorDeps {
  store: JobStore;
  scan: ScanDeps;
  /** Retries of a transient failure, done in place (SCOUT_RETRIES). */
  retries: number;
  /** Base of the exponential backoff (SCOUT_BACKOFF_MS). */
  backoffMs: number;
  publisher: ReturnType<typeof createProgressPublisher>;
  bus: ProgressBus;
  sink: ResultSink;
  logger: Logger;
  now?: () => Date;
  /** A job reached a final status (here: its last domain was counted). */
  onJobFinished?: (jobId: string) => Promise<void>;
}

/** The bulk job ended while one of its domains was being retried. */
class JobEndedError extends Error {
  constructor() {
    super('bulk job ended');
    this.name = 'JobEndedError';
  }
}

export type ProcessOutcome = 'succeeded' | 'failed' | 'skipped' | 'duplicate';

export function failureOf(domain: string, error: unknown, attempts: number, now: Date): ScanFailure {
  const scanError = toScanError(error);
  return { domain, category: scanError.category, code: scanError.code, message: scanError.message, attempts, timestamp: now.toISOString() };
}

export function createDomainProcessor(deps: ProcessorDeps) {
  const { store, publisher, bus, sink, logger } = deps;
  const now = deps.now ?? (() => new Date());

  return async function processDomain(job: Job, _token?: string, signal?: AbortSignal): Promise<ProcessOutcome> {
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ bullJob: job.id, issues: parsed.error.issues }, 'malformed domain-scan job dropped');
      return 'skipped';
    }
    const { jobId, domain, position } = parsed.data;
    const status = await store.status(jobId);
    // the bulk job ended (cancelled, timed out) or expired: drain its remaining units cheaply
    if (status === null || store.isFinished(status)) return 'skipped';
    if (status === 'pending' && (await store.markStarted(jobId, now()))) {
      const snapshot = await store.snapshot(jobId);
      if (snapshot) await publisher.publish(snapshot);
    }

    let outcome: Parameters<JobStore['record']>[2];
    try {
      const result = await scanWithRetries(domain, deps.scan, {
        retries: deps.retries,
        backoffMs: deps.backoffMs,
        signal,
        partial: parsed.data.partial as ScanPartial | undefined,
        onRetry: async (_error, partial) => {
          // the bulk job ended (cancelled, timed out) while we backed off: stop spending queries
          if (store.isFinished(await store.status(jobId))) throw new JobEndedError();
          if (partial) await job.updateData({ ...parsed.data, partial });
        },
      });
      outcome = { kind: 'succeeded', lead: result.lead };
      if (result.whoisError) sink.saveFailure(jobId, failureOf(domain, result.whoisError, result.attempts, now()));
    } catch (error) {
      if (error instanceof JobEndedError) return 'skipped';
      if (signal?.aborted) throw error;
      const scanError = toScanError(error);
      outcome = { kind: 'failed', failure: failureOf(domain, scanError, scanError.attempts, now()) };
    }

    const recorded = await store.record(jobId, domain, outcome, now());
    if (!recorded.counted) return recorded.reason === 'duplicate' ? 'duplicate' : 'skipped';
    if (outcome.kind === 'succeeded') {
      sink.saveLead(jobId, position, outcome.lead);
      await bus.publishLead(jobId, outcome.lead).catch(() => {});
    } else {
      sink.saveFailure(jobId, outcome.failure);
    }
    await publisher.publish(recorded.snapshot);
    if (recorded.snapshot.status !== 'running') {
      sink.saveJob(recorded.snapshot, (await store.options(jobId)) ?? {});
      await deps.onJobFinished?.(jobId);
    }
    return outcome.kind;
  };
}

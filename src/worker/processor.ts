/**
 * The domain-scan processor: one BullMQ unit = a range of one bulk job's domain list (positions
 * `start` .. `start + count - 1`, the domains read from the job's Redis list). The unit's
 * domains run side by side through the worker's shared slots (SCOUT_CONCURRENCY domains in
 * flight per worker, whatever the number of units held); each domain: one scan with its
 * retries, the outcome recorded once, progress published. A unit still running after its time
 * slice starts no more domains: it queues the rest of its range behind the other jobs' units at
 * once (fair sharing) and ends once its domains in flight are done.
 *
 * Transient failures are retried in place with jittered backoff (a retry must not queue behind
 * the rest of the job), the finished stages saved in the job's `partial` hash for the retry or
 * a re-run after a crash; permanent ones and the last attempt are recorded as failures, so one
 * bad domain never stops the bulk job. A unit re-run (its worker died, or an unexpected error
 * such as Redis briefly unreachable) skips the domains its `done` hash already counts.
 */
import { setMaxListeners } from 'node:events';
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { JobStore, UnitEntry } from '../jobs/job.store.js';
import type { createProgressPublisher, LeadPublisher } from '../jobs/progress.js';
import type { ResultSink } from '../jobs/result-sink.js';
import { scanWithRetries, type ScanDeps, type ScanPartial } from '../scan/scan-domain.js';
import { toScanError, type ScanFailure } from '../scan/scan.errors.js';
import type { Logger } from '../logger.js';
import { createJobEndedCache } from './job-ended-cache.js';
import { createSlots, type Slots } from './slots.js';

const unitSchema = z.object({
  jobId: z.string().min(1),
  start: z.number().int().min(0),
  count: z.number().int().min(1),
});
export type ProcessorJobData = z.infer<typeof unitSchema>;

export interface ProcessorDeps {
  store: JobStore;
  scan: ScanDeps;
  /** Retries of a transient failure, done in place (SCOUT_RETRIES). */
  retries: number;
  /** Base of the exponential backoff (SCOUT_BACKOFF_MS). */
  backoffMs: number;
  publisher: ReturnType<typeof createProgressPublisher>;
  /** Live leads, coalesced per job (the results channel). */
  leads: LeadPublisher;
  sink: ResultSink;
  logger: Logger;
  now?: () => Date;
  /** A job reached a final status (here: its last domain was counted). */
  onJobFinished?: (jobId: string) => Promise<void>;
  /** Domains in flight in this process (default: 5 slots of its own). */
  slots?: Slots;
  /**
   * The process is stopping (SIGTERM): a unit finishes the domains it has in flight and hands
   * the rest of its range back through `continueUnit` instead of starting more.
   */
  isStopping?: () => boolean;
  /** A unit was taken (its priority): fair-sharing bookkeeping. */
  onUnitTaken?: (priority: number) => Promise<void>;
  /** After this long a unit starts no more domains and hands the rest of its range to `continueUnit`. */
  sliceMs?: number;
  /** Queue the rest of a unit (one round after `priority`). */
  continueUnit?: (data: ProcessorJobData, priority: number) => Promise<void>;
}

/** The bulk job ended while one of its domains was being retried. */
class JobEndedError extends Error {
  constructor() {
    super('bulk job ended');
    this.name = 'JobEndedError';
  }
}

export type ProcessOutcome = 'succeeded' | 'failed' | 'skipped' | 'duplicate';
export type UnitOutcome = Record<ProcessOutcome, number>;

export function failureOf(domain: string, error: unknown, attempts: number, now: Date): ScanFailure {
  const scanError = toScanError(error);
  return { domain, category: scanError.category, code: scanError.code, message: scanError.message, attempts, timestamp: now.toISOString() };
}

export function parseUnit(data: unknown): ProcessorJobData | null {
  const parsed = unitSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

export function createDomainProcessor(deps: ProcessorDeps) {
  const { store, publisher, leads, sink, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const slots = deps.slots ?? createSlots(5);
  // no status read per domain: fresh within 100 ms, and every record reply refreshes it
  const ended = createJobEndedCache(async (jobId) => store.isFinished(await store.status(jobId)));

  async function processDomain(jobId: string, entry: UnitEntry, signal: AbortSignal | undefined): Promise<ProcessOutcome> {
    const { domain, position } = entry;
    // the bulk job ended (cancelled, timed out) or expired: drain the rest of the unit cheaply
    if (await ended.hasEnded(jobId)) return 'skipped';
    let outcome: Parameters<JobStore['record']>[2];
    try {
      const result = await scanWithRetries(domain, deps.scan, {
        retries: deps.retries,
        backoffMs: deps.backoffMs,
        signal,
        partial: entry.partial ? (JSON.parse(entry.partial) as ScanPartial) : undefined,
        onRetry: async (_error, partial) => {
          // the bulk job ended (cancelled, timed out) while we backed off: stop spending queries
          if (store.isFinished(await store.status(jobId))) throw new JobEndedError();
          if (partial) await store.savePartial(jobId, domain, partial);
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
    ended.learn(jobId, recorded.counted ? store.isFinished(recorded.snapshot.status) : recorded.reason === 'finished');
    if (!recorded.counted) return recorded.reason === 'duplicate' ? 'duplicate' : 'skipped';
    if (outcome.kind === 'succeeded') {
      sink.saveLead(jobId, position, outcome.lead);
      leads.add(jobId, recorded.payload);
    } else {
      sink.saveFailure(jobId, outcome.failure);
    }
    const final = recorded.snapshot.status !== 'running';
    // the job's last leads go out before its final snapshot
    if (final) await leads.flush(jobId);
    await publisher.publish(recorded.snapshot);
    if (final) {
      sink.saveJob(recorded.snapshot, (await store.options(jobId)) ?? {});
      await deps.onJobFinished?.(jobId);
    }
    return outcome.kind;
  }

  return async function processUnit(job: Job, _token?: string, signal?: AbortSignal): Promise<UnitOutcome> {
    const outcome: UnitOutcome = { succeeded: 0, failed: 0, skipped: 0, duplicate: 0 };
    const unit = parseUnit(job.data);
    if (!unit) {
      logger.error({ bullJob: job.id }, 'malformed domain-scan unit dropped');
      return outcome;
    }
    const { jobId, start, count } = unit;
    const priority = job.opts.priority ?? 0;
    await deps.onUnitTaken?.(priority).catch(() => {});
    const status = await store.status(jobId);
    if (status === null || store.isFinished(status)) {
      outcome.skipped = count;
      return outcome;
    }
    if (status === 'pending' && (await store.markStarted(jobId, now()))) {
      const snapshot = await store.snapshot(jobId);
      if (snapshot) await publisher.publish(snapshot);
    }
    // every domain in flight listens to the unit's signal (its budgets too)
    if (signal) setMaxListeners(slots.size * 4 + 10, signal);
    const entries = await store.unit(jobId, start, count);
    const todo = entries.filter((e) => !e.done);
    outcome.duplicate = entries.length - todo.length;

    let next = 0;
    let unexpected: unknown;
    const sliceEnds = deps.continueUnit && deps.sliceMs ? Date.now() + deps.sliceMs : Infinity;
    // handing back needs somewhere to hand to: without continueUnit a stopping worker finishes its unit
    const stopping = deps.continueUnit ? (deps.isStopping ?? (() => false)) : () => false;
    let handedOff: Promise<void> | undefined;
    /**
     * Slice over, or the worker is stopping: the domains not started yet go behind the other
     * jobs at once, while the ones in flight finish here. Queued before this unit completes, so
     * a crash loses nothing (a re-run of this unit skips what the done hash counts); queued
     * without waiting for the slowest domain in flight, so no slot idles meanwhile.
     */
    const handOff = () => {
      if (handedOff || next >= todo.length) return;
      const from = todo[next].position;
      next = todo.length;
      handedOff = deps.continueUnit!({ jobId, start: from, count: start + count - from }, priority);
    };
    const runner = async () => {
      while (next < todo.length && unexpected === undefined && !signal?.aborted) {
        if (Date.now() >= sliceEnds || stopping()) {
          handOff();
          break;
        }
        const entry = todo[next++];
        const release = await slots.acquire(priority);
        try {
          outcome[await processDomain(jobId, entry, signal)]++;
        } catch (error) {
          // e.g. Redis unreachable while recording: the unit is retried, its counted domains skipped
          unexpected ??= error;
        } finally {
          release();
        }
      }
    };
    // as many runners as the process has slots: each waits for a slot before its next domain
    await Promise.all(Array.from({ length: Math.min(todo.length, slots.size) }, runner));
    if (handedOff) await handedOff;
    if (unexpected !== undefined) throw unexpected;
    if (signal?.aborted) throw new Error('unit aborted');
    return outcome;
  };
}

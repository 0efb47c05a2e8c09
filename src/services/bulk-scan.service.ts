/**
 * Bulk scans: validate and normalise the list, create the job in Redis, enqueue units of up to
 * SCOUT_CHUNK_SIZE domains, and read job state back (with the job timeout applied lazily on read, so a
 * job with no live worker still ends on time).
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { JobStore } from '../jobs/job.store.js';
import { FINISHED_STATUSES, type JobSnapshot } from '../jobs/job.types.js';
import type { createProgressPublisher } from '../jobs/progress.js';
import type { Queues } from '../jobs/queue.js';
import type { ResultSink } from '../jobs/result-sink.js';
import type { QuotaService } from './quota.service.js';
import { normalizeDomainList } from '../scan/normalize.js';
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Lead } from '../scan/scan.types.js';
import { canView, type Viewer } from '../auth/principal.js';
import { InputError, NotFoundError, StateError, truncateForEcho } from './input.errors.js';
import { createBulkStreamStart } from './bulk-stream.js';
import { isJobId } from '../jobs/job-id.js';


export interface StartBulkResult {
  job: JobSnapshot;
  total: number;
  rejected: { input: string; error: string }[];
  duplicates: number;
}

/** Where finished jobs are read from once their Redis state has expired (the database). */
export interface JobArchive {
  snapshot(id: string): Promise<JobSnapshot | null>;
  results(id: string): Promise<Lead[]>;
  /** Leads at positions [from, to), in order: big archived results stream page by page. */
  resultsRange?(id: string, from: number, to: number): Promise<Lead[]>;
  errors(id: string): Promise<ScanFailure[]>;
}

export interface BulkScanDeps {
  config: Config;
  store: JobStore;
  queues: Queues;
  publisher: ReturnType<typeof createProgressPublisher>;
  sink: ResultSink;
  archive?: JobArchive;
  now?: () => Date;
  onJobFinished?: (jobId: string) => Promise<void>;
  /** Per-caller quotas, checked before a job is created; none by default. */
  quota?: QuotaService;
}

export const jobTimeoutMs = (config: Config, total: number) =>
  Math.max(config.jobs.timeoutMinMs, Math.ceil((config.jobs.timeoutMsPer100 * total) / 100));

const RESULTS_PAGE = 500;

export function createBulkScanService(deps: BulkScanDeps) {
  const { config, store, queues, publisher, sink } = deps;
  const now = deps.now ?? (() => new Date());

  function validateList(input: unknown): unknown[] {
    if (input === undefined || input === null) {
      throw new InputError('field required: domain_list', [{ loc: ['body', 'domain_list'], msg: 'field required', type: 'value_error.missing' }]);
    }
    if (!Array.isArray(input)) {
      throw new InputError('domain_list must be a list of strings', [{ loc: ['body', 'domain_list'], msg: 'value is not a valid list', type: 'type_error.list' }]);
    }
    if (input.length === 0) {
      throw new InputError('domain_list is empty', [{ loc: ['body', 'domain_list'], msg: 'ensure this value has at least 1 items', type: 'value_error.list.min_items' }]);
    }
    if (input.length > config.jobs.maxBulk) {
      throw new InputError(`domain_list has ${input.length} entries; the maximum is ${config.jobs.maxBulk}`, [
        { loc: ['body', 'domain_list'], msg: `ensure this value has at most ${config.jobs.maxBulk} items`, type: 'value_error.list.max_items' },
      ]);
    }
    const notString = input.findIndex((x) => typeof x !== 'string');
    if (notString >= 0) {
      throw new InputError(`domain_list[${notString}] is not a string`, [{ loc: ['body', 'domain_list', notString], msg: 'str type expected', type: 'type_error.str' }]);
    }
    return input;
  }

  /** Finish a job whose time is up (lazy, idempotent); returns the fresh snapshot. */
  async function applyTimeout(snapshot: JobSnapshot): Promise<JobSnapshot> {
    if (FINISHED_STATUSES.has(snapshot.status) || Date.parse(snapshot.timeoutAt) > now().getTime()) return snapshot;
    return (await timeOut(snapshot.id)) ?? snapshot;
  }

  async function endJob(id: string, status: 'failed' | 'cancelled', code: 'job_timeout' | 'job_cancelled', message: string) {
    const ended = await store.finish(id, status, { code, message }, now());
    const snapshot = await store.snapshot(id);
    // already finished (e.g. the timeout of a job that completed): nothing to announce
    if (!ended) return snapshot;
    await deps.onJobFinished?.(id);
    if (snapshot) {
      await publisher.publish(snapshot);
      sink.saveJob(snapshot, (await store.options(id)) ?? {});
    }
    return snapshot;
  }

  function timeOut(id: string) {
    return endJob(id, 'failed', 'job_timeout', 'Job timed out: remaining domains were cancelled; finished results are kept.');
  }

  /**
   * The job as `viewer` may see it. A job of another key is answered exactly like an unknown
   * id, so ids of other keys' jobs cannot be probed.
   */
  async function find(id: string, viewer: Viewer): Promise<JobSnapshot> {
    // an id no job can have (NUL, "%", 1 MB) is unknown without asking Redis or the database
    if (!isJobId(id)) throw new NotFoundError(`Job ${truncateForEcho(id, 80)} not found`);
    const snapshot = (await store.snapshot(id)) ?? (await deps.archive?.snapshot(id)) ?? null;
    if (!snapshot || !canView(viewer, snapshot.submittedBy)) throw new NotFoundError(`Job ${id} not found`);
    return applyTimeout(snapshot);
  }

  return {
    /**
     * `quotaSubject`: the caller a door starts the job for (quotas apply, before anything is
     * created); in-process callers (rescans, ingests, tests) leave it out.
     * @throws QuotaError over a quota
     */
    async start(input: unknown, submittedBy: string | null = null, quotaSubject?: string): Promise<StartBulkResult> {
      const list = validateList(input);
      const { domains, rejected, duplicates } = normalizeDomainList(list);
      if (domains.length === 0) {
        throw new InputError('no valid domain in domain_list', rejected.map((r, i) => ({ loc: ['body', 'domain_list', i], msg: `${r.input}: ${r.error}`, type: 'value_error.domain' })));
      }
      // RFC 4122 v4 (122 random bits), as the old docs promise; older 32-hex ids stay valid
      const id = randomUUID();
      if (quotaSubject !== undefined && deps.quota) await deps.quota.admitJob(quotaSubject, id, domains.length);
      const createdAt = now();
      const timeoutMs = jobTimeoutMs(config, domains.length);
      const options = { retries: config.limits.retries, timeoutMs, rejected: rejected.length, duplicates };
      const job = await store.create({ id, domains, createdAt, timeoutAt: new Date(createdAt.getTime() + timeoutMs), submittedBy, options });
      // units naming ranges of the job's list, queued after the round being served (fair sharing)
      await queues.enqueueRange(id, 0, domains.length, await store.currentRound());
      await queues.controlQueue.add('timeout', { kind: 'timeout', jobId: id }, { delay: timeoutMs, jobId: `timeout-${id}`, removeOnComplete: true, removeOnFail: true });
      sink.saveJob(job, options);
      await publisher.publish(job);
      return { job, total: domains.length, rejected, duplicates };
    },

    /** The streaming doors (CSV, text, NDJSON, file upload): see bulk-stream.ts. */
    startStream: createBulkStreamStart({ config, store, queues, publisher, sink, quota: deps.quota, now, jobTimeoutMs: (total) => jobTimeoutMs(config, total), onJobFinished: deps.onJobFinished }),

    get: find,

    async cancel(id: string, viewer: Viewer): Promise<JobSnapshot> {
      const snapshot = await find(id, viewer);
      if (FINISHED_STATUSES.has(snapshot.status)) return snapshot;
      return (await endJob(id, 'cancelled', 'job_cancelled', 'Job cancelled: remaining domains were cancelled; finished results are kept.')) ?? snapshot;
    },

    timeOut,

    /** Finished leads so far, in submission order (partial while running). */
    async partialResults(id: string, viewer: Viewer, offset: number, limit: number) {
      await find(id, viewer);
      const live = await store.snapshot(id);
      if (live) return store.results(id, offset, limit);
      const archived = await deps.archive?.results(id);
      if (!archived) throw new NotFoundError(`Job ${id} not found`);
      const page = archived.slice(offset, offset + limit).map((lead, i) => ({ ...lead, position: offset + i }));
      return { leads: page, nextOffset: offset + limit < archived.length ? offset + limit : null };
    },

    /**
     * The results of a finished job (REST: 400 until finished), in submission order, as pages of
     * up to 500 leads read on demand: a 10 000-domain result streams out instead of sitting in
     * memory whole.
     */
    async finishedResults(id: string, viewer: Viewer): Promise<{ job: JobSnapshot; pages: AsyncIterable<Lead[]> }> {
      const job = await find(id, viewer);
      if (!FINISHED_STATUSES.has(job.status)) throw new StateError(`Job ${id} is not completed yet. Status: ${job.status}`);
      const live = (await store.status(id)) !== null;
      async function* pages(): AsyncGenerator<Lead[]> {
        if (!live) {
          const archive = deps.archive;
          if (!archive?.resultsRange) {
            yield (await archive?.results(id)) ?? [];
            return;
          }
          for (let from = 0; from < job.total; from += RESULTS_PAGE) {
            const page = await archive.resultsRange(id, from, from + RESULTS_PAGE);
            if (page.length) yield page;
          }
          return;
        }
        let offset: number | null = 0;
        while (offset !== null) {
          const page = await store.results(id, offset, RESULTS_PAGE);
          if (page.leads.length) yield page.leads.map(({ position: _p, ...lead }) => lead as Lead);
          offset = page.nextOffset;
        }
      }
      return { job, pages: pages() };
    },

    async errors(id: string, viewer: Viewer): Promise<ScanFailure[]> {
      await find(id, viewer);
      if (await store.status(id)) return store.errors(id);
      return (await deps.archive?.errors(id)) ?? [];
    },
  };
}

export type BulkScanService = ReturnType<typeof createBulkScanService>;

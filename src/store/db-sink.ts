/**
 * The database side of finished work: a ResultSink that writes leads, failures and job rows
 * through write buffers (batched; retried while the database is down), and the job archive
 * that serves jobs whose Redis state has expired.
 */
import type { JobSnapshot } from '../jobs/job.types.js';
import type { ResultSink } from '../jobs/result-sink.js';
import type { Logger } from '../logger.js';
import type { JobArchive } from '../services/bulk-scan.service.js';
import type { Db } from './db.js';
import { createCompanyRepository } from './companies.repository.js';
import { createJobRepository } from './jobs.repository.js';
import { createLeadRepository } from './leads.repository.js';
import type { ErrorRow, ScanRow, StoredJob } from './store.types.js';
import { createWriteBuffer } from './write-buffer.js';

export function storedJobOf(snapshot: JobSnapshot, options: Record<string, unknown> = {}): StoredJob {
  return {
    id: snapshot.id,
    status: snapshot.status,
    total: snapshot.total,
    processed: snapshot.processed,
    succeeded: snapshot.succeeded,
    failed: snapshot.failed,
    createdAt: snapshot.createdAt,
    startedAt: snapshot.startedAt,
    finishedAt: snapshot.finishedAt,
    options,
    submittedBy: snapshot.submittedBy,
    error: snapshot.error,
  };
}

export function snapshotOf(job: StoredJob): JobSnapshot {
  return {
    id: job.id,
    status: job.status,
    total: job.total,
    processed: job.processed,
    succeeded: job.succeeded,
    failed: job.failed,
    progress: job.total > 0 ? Math.floor((job.processed * 100) / job.total) : 100,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    timeoutAt: job.finishedAt ?? job.createdAt,
    etaSeconds: null,
    error: job.error as JobSnapshot['error'],
    submittedBy: job.submittedBy,
  };
}

export function createRepositories(db: Db) {
  return { leads: createLeadRepository(db), jobs: createJobRepository(db), companies: createCompanyRepository(db) };
}
export type Repositories = ReturnType<typeof createRepositories>;

export interface DbSinkHooks {
  /** Leads are in the database (e.g. to let them leave Redis); a failure here is logged only. */
  leadsWritten?: (rows: ScanRow[]) => Promise<void>;
}

export function createDbSink(repos: Repositories, logger: Logger, hooks: DbSinkHooks = {}): ResultSink & { pendingWrites(): number } {
  const onError = (what: string) => (error: unknown, info: { items: number; failures: number; retryInMs: number }) =>
    logger.warn({ err: error, ...info }, `database write of ${what} failed; kept in memory (and Redis), retrying`);
  const leads = createWriteBuffer<ScanRow>({
    flush: async (rows) => {
      await repos.leads.saveScans(rows);
      await hooks.leadsWritten?.(rows).catch((error: unknown) => logger.warn({ err: error }, 'written leads could not leave Redis; they expire with their job'));
    },
    onError: onError('leads'),
  });
  const errors = createWriteBuffer<ErrorRow>({ flush: (rows) => repos.jobs.saveErrors(rows), onError: onError('errors') });
  // job rows: the last snapshot per job wins, written one by one (few)
  const jobs = createWriteBuffer<StoredJob>({
    flush: async (rows) => {
      const latest = new Map(rows.map((r) => [r.id, r]));
      for (const job of latest.values()) await repos.jobs.upsertJob(job);
    },
    onError: onError('jobs'),
  });
  return {
    saveLead: (jobId, position, lead) => leads.push({ jobId, position, lead }),
    saveFailure: (jobId, failure) => errors.push({ ...failure, jobId }),
    saveJob: (snapshot, options) => jobs.push(storedJobOf(snapshot, options)),
    /** Write what is buffered; gives up after `timeoutMs` (the rows are in Redis, and the job's persist step writes them). */
    async drain(timeoutMs = 10_000) {
      const results = await Promise.allSettled([jobs.drain({ timeoutMs }), leads.drain({ timeoutMs }), errors.drain({ timeoutMs })]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) logger.warn({ err: (failed as PromiseRejectedResult).reason, pending: leads.size + errors.size + jobs.size }, 'database writes still pending at shutdown');
    },
    pendingWrites: () => leads.size + errors.size + jobs.size,
  };
}

export function createDbArchive(repos: Repositories): JobArchive {
  return {
    async snapshot(id) {
      const job = await repos.jobs.getJob(id);
      return job ? snapshotOf(job) : null;
    },
    results: (id) => repos.leads.jobResults(id),
    async resultsRange(id, from, to) {
      return (await repos.leads.jobResultsRange(id, from, to)).map(({ position: _position, ...lead }) => lead as never);
    },
    async errors(id) {
      // the error log also keeps the WHOIS errors of `whois_failed` leads; a job's `errors`
      // are its failed domains: those without a lead in the job
      const [errors, leads] = await Promise.all([repos.jobs.jobErrors(id), repos.leads.jobResults(id)]);
      const succeeded = new Set(leads.map((lead) => lead.domain));
      return errors.filter((error) => !succeeded.has(error.domain));
    },
  };
}

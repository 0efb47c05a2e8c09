/** Shapes of bulk jobs, shared by the job store, the worker, GraphQL, REST and the database. */
import type { ScanFailure } from '../scan/scan.errors.js';

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINISHED_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** A job-level error: why a job ended `failed` or `cancelled`. */
export interface JobError {
  code: 'job_timeout' | 'job_cancelled' | 'upload_incomplete';
  message: string;
}

/** The progress snapshot of a job: what every door shows, and what subscriptions emit. */
export interface JobSnapshot {
  id: string;
  status: JobStatus;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  /** floor(processed * 100 / total). */
  progress: number;
  /** ISO timestamps. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When the job times out if not finished (ISO). */
  timeoutAt: string;
  /** Estimated seconds to completion from the rate so far; null when unknown or finished. */
  etaSeconds: number | null;
  error: JobError | null;
  submittedBy: string | null;
}

/**
 * One queued unit of work: a range of a bulk job's domain list (positions `start` to
 * `start + count - 1`; the domains themselves sit once in the job's Redis list).
 */
export interface DomainScanJobData {
  jobId: string;
  start: number;
  count: number;
}

/** A finished domain as the job store records it. */
export type DomainOutcome = { kind: 'succeeded'; lead: import('../scan/scan.types.js').Lead } | { kind: 'failed'; failure: ScanFailure };

export const QUEUE_NAMES = {
  domainScan: 'domain-scan',
  jobControl: 'job-control',
  /** Copy a finished job into the database; consumed only by processes that have one. */
  jobPersist: 'job-persist',
} as const;

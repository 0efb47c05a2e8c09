/** Shapes of the persistence layer: what the repositories take and return. */
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Lead, PriorityCategory, Provider, Segment } from '../scan/scan.types.js';

import type { JobStatus } from '../jobs/job.types.js';

/** Status of a bulk job: the job queue's own type. */
export type StoredJobStatus = JobStatus;

/** A bulk job as the `bulk_jobs` table keeps it, after its Redis state has expired. */
export interface StoredJob {
  id: string;
  status: StoredJobStatus;
  /** Domains submitted. */
  total: number;
  /** Domains finished, whether they succeeded or failed. */
  processed: number;
  succeeded: number;
  failed: number;
  /** ISO timestamps, stored to the millisecond and returned as `Date#toISOString()`. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The options the job was submitted with (set at insert, never updated). */
  options: Record<string, unknown>;
  /** Who submitted the job (set at insert, never updated); null when unknown. */
  submittedBy: string | null;
  /** Why the job ended `failed` or `cancelled`. */
  error: { code: string; message: string } | null;
}

/** One finished scan to store. */
export interface ScanRow {
  /** The bulk job it belongs to; null for a single scan. */
  jobId: string | null;
  /** 0-based position of the domain in the job's submitted list; null for a single scan. */
  position: number | null;
  lead: Lead;
}

/** One failure to store in the permanent error log. */
export type ErrorRow = ScanFailure & { jobId: string | null };

/** Filters of `listLeads`; every given filter must hold (AND). */
export interface LeadFilter {
  provider?: Provider;
  segment?: Segment;
  /** Exact priority score, 1 (best) .. 7 (worst). */
  priorityScore?: number;
  /** Exact priority category, `P1` .. `P6`. */
  priorityCategory?: PriorityCategory;
  /** The lead carries this tag. */
  tag?: string;
  /** Score at least this (0..100). */
  minScore?: number;
  /** Scanned at or after this ISO timestamp. */
  scannedSince?: string;
}

/** A page of a cursor-paginated list (Relay style: pass `endCursor` as the next `after`). */
export interface Page<T> {
  items: T[];
  /** Cursor of the last item, null when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/** A lead with its earlier scans. */
export interface LeadWithHistory {
  /** The latest scan. */
  lead: Lead;
  /** Earlier scans of the domain, newest first (the latest scan is not repeated here). */
  history: Lead[];
}

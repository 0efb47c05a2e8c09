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
  /** Case-insensitive substring of the domain, the company name or the provider. */
  search?: string;
}

/** Columns a lead list can be sorted by (ties broken by domain, ascending). */
export const LEAD_SORT_FIELDS = ['domain', 'readiness_score', 'priority_score', 'segment', 'provider', 'scanned_at'] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

/** Order of a lead list. */
export interface LeadSort {
  by: LeadSortField;
  order: 'asc' | 'desc';
}

/** A lead with its company (`companies`), when one was ingested. */
export interface LeadWithCompany {
  lead: Lead;
  companyId: number | null;
  companyName: string | null;
}

/** One numbered page of leads (`GET /leads`). */
export interface NumberedPage {
  rows: LeadWithCompany[];
  /** Rows matching the filter, all pages. */
  total: number;
}

/** Counters over the scanned leads (`GET /dashboard`). */
export interface LeadCounters {
  total: number;
  bySegment: Record<Segment, number>;
  /** Mean readiness score, 2 decimals; 0 when there are no leads. */
  avgScore: number;
  maxScore: number | null;
  /** Migration leads with a readiness score of 70 or more. */
  highPriority: number;
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

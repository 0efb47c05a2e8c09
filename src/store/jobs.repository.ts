/** Bulk jobs (`bulk_jobs`) and the permanent error log (`scan_errors`). */
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Db } from './db.js';
import type { ErrorRow, Page, StoredJob } from './store.types.js';
import { decodeCursor, encodeCursor, isoTimestamp, jsonParam, pageSize } from './store.values.js';

/** Rows per statement in `saveErrors`; a larger call is split (in one transaction). */
const SAVE_CHUNK = 1000;

// Timestamps are truncated to the millisecond, JavaScript's precision, so that what comes back
// as a Date equals what went in and a cursor made from it matches the row exactly.
const UPSERT_JOB = `
  INSERT INTO bulk_jobs (
    id, status, total, processed, succeeded, failed,
    created_at, started_at, finished_at,
    options, submitted_by, error_code, error_message
  ) VALUES (
    $1, $2, $3, $4, $5, $6,
    date_trunc('milliseconds', $7::timestamptz),
    date_trunc('milliseconds', $8::timestamptz),
    date_trunc('milliseconds', $9::timestamptz),
    $10::jsonb, $11, $12, $13
  )
  ON CONFLICT (id) DO UPDATE SET
    status        = excluded.status,
    total         = excluded.total,
    processed     = excluded.processed,
    succeeded     = excluded.succeeded,
    failed        = excluded.failed,
    started_at    = excluded.started_at,
    finished_at   = excluded.finished_at,
    error_code    = excluded.error_code,
    error_message = excluded.error_message,
    updated_at    = now()`;

const JOB_COLUMNS = `
  id, status, total, processed, succeeded, failed, created_at, started_at, finished_at,
  options, submitted_by, error_code, error_message`;

const INSERT_ERRORS = `
  INSERT INTO scan_errors (job_id, domain, category, code, message, attempts, occurred_at)
  SELECT job_id, domain, category, code, message, attempts, date_trunc('milliseconds', occurred_at)
  FROM jsonb_to_recordset($1::jsonb) AS e(
    job_id text, domain text, category text, code text, message text, attempts integer, occurred_at timestamptz
  )
  ON CONFLICT DO NOTHING`;

interface JobRow {
  id: string;
  status: StoredJob['status'];
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  options: Record<string, unknown>;
  submitted_by: string | null;
  error_code: string | null;
  error_message: string | null;
}

function toJob(row: JobRow): StoredJob {
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    createdAt: isoTimestamp(row.created_at),
    startedAt: isoTimestamp(row.started_at),
    finishedAt: isoTimestamp(row.finished_at),
    options: row.options,
    submittedBy: row.submitted_by,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
  };
}

/** Data access for bulk jobs and their errors. Both engines, same SQL. */
export function createJobRepository(db: Db) {
  return {
    /**
     * Insert a job, or update its status, counters, `startedAt`, `finishedAt` and error.
     * `createdAt`, `options` and `submittedBy` are kept from the first write. The last write
     * wins: callers send snapshots in order (e.g. from one place per job).
     */
    async upsertJob(job: StoredJob): Promise<void> {
      await db.query(UPSERT_JOB, [
        job.id,
        job.status,
        job.total,
        job.processed,
        job.succeeded,
        job.failed,
        job.createdAt,
        job.startedAt,
        job.finishedAt,
        jsonParam(job.options),
        job.submittedBy,
        job.error?.code ?? null,
        job.error?.message ?? null,
      ]);
    },

    /** A job by id, null when unknown. */
    async getJob(id: string): Promise<StoredJob | null> {
      const { rows } = await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM bulk_jobs WHERE id = $1`, [id]);
      return rows.length === 0 ? null : toJob(rows[0]);
    },

    /**
     * Job history, newest first (`createdAt` descending, then id descending), `first` per page
     * (at most 1000); `after` is the previous page's `endCursor` (keyset pagination).
     */
    /** Newest first; `owner` (when not null) keeps only the jobs that key name submitted. */
    async listJobs(first: number, after?: string | null, owner: string | null = null): Promise<Page<StoredJob>> {
      const limit = pageSize(first);
      const cursor = after ? decodeCursor(after, ['timestamp', 'string'] as const) : null;
      const where: string[] = [];
      const params: unknown[] = [];
      if (cursor) {
        params.push(cursor[0], cursor[1]);
        where.push(`(created_at, id) < ($1::timestamptz, $2)`);
      }
      if (owner !== null) {
        params.push(owner);
        where.push(`submitted_by = $${params.length}`);
      }
      params.push(limit + 1);
      const { rows } = await db.query<JobRow>(
        `SELECT ${JOB_COLUMNS} FROM bulk_jobs
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC
         LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, limit).map(toJob);
      const last = items.at(-1);
      return {
        items,
        endCursor: last ? encodeCursor([last.createdAt, last.id]) : null,
        hasNextPage: rows.length > limit,
      };
    },

    /**
     * Append failures to the permanent error log, in one transaction. A failure is identified
     * by (job, domain, code, attempts, timestamp): writing it again is a no-op.
     */
    async saveErrors(rows: readonly ErrorRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db.transaction(async (tx) => {
        for (let start = 0; start < rows.length; start += SAVE_CHUNK) {
          const batch = rows.slice(start, start + SAVE_CHUNK).map((row) => ({
            job_id: row.jobId,
            domain: row.domain,
            category: row.category,
            code: row.code,
            message: row.message,
            attempts: row.attempts,
            occurred_at: row.timestamp,
          }));
          await tx.query(INSERT_ERRORS, [jsonParam(batch)]);
        }
      });
    },

    /** The failures of a job, oldest first (timestamps as `Date#toISOString()`). */
    async jobErrors(jobId: string): Promise<ScanFailure[]> {
      const { rows } = await db.query<{
        domain: string;
        category: ScanFailure['category'];
        code: ScanFailure['code'];
        message: string;
        attempts: number;
        occurred_at: Date;
      }>(
        `SELECT domain, category, code, message, attempts, occurred_at
         FROM scan_errors
         WHERE job_id = $1
         ORDER BY occurred_at, id`,
        [jobId],
      );
      return rows.map((row) => ({
        domain: row.domain,
        category: row.category,
        code: row.code,
        message: row.message,
        attempts: row.attempts,
        timestamp: isoTimestamp(row.occurred_at),
      }));
    },
  };
}

/** Data access for bulk jobs and errors (see {@link createJobRepository}). */
export type JobRepository = ReturnType<typeof createJobRepository>;

/** Companies (`companies`: a stable integer id per domain) and CSV ingest jobs (`ingest_jobs`). */
import type { Db } from './db.js';
import { isoTimestamp, jsonParam } from './store.values.js';

/** A company to record; a null `companyName` keeps the stored one (the domain on first insert). */
export interface CompanyInput {
  domain: string;
  companyName: string | null;
  email?: string | null;
  website?: string | null;
}

/** A CSV upload as stored. */
export interface IngestJob {
  id: string;
  totalRows: number;
  ingested: number;
  errors: string[];
  /** The bulk job the upload started (auto_scan), null when it scanned nothing. */
  bulkJobId: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The API key name that uploaded it; null when anonymous. */
  submittedBy: string | null;
}

// The id is GENERATED ALWAYS: an upsert never changes it, so a domain keeps its id for ever.
const UPSERT_MANY = `
  INSERT INTO companies (domain, company_name, email, website)
  SELECT DISTINCT ON (domain) domain, coalesce(company_name, domain), email, website
  FROM jsonb_to_recordset($1::jsonb) AS c(n integer, domain text, company_name text, email text, website text)
  ORDER BY domain, n DESC
  ON CONFLICT (domain) DO UPDATE SET
    company_name = coalesce(nullif(excluded.company_name, excluded.domain), companies.company_name),
    email        = coalesce(excluded.email, companies.email),
    website      = coalesce(excluded.website, companies.website),
    updated_at   = now()
  RETURNING id, domain`;

/** Rows per statement of `upsertMany`. */
const CHUNK = 1000;

export function createCompanyRepository(db: Db) {
  return {
    /**
     * Insert or update companies (the last entry of a domain wins) in one transaction; returns
     * each domain's id.
     */
    async upsertMany(companies: readonly CompanyInput[]): Promise<Map<string, number>> {
      const ids = new Map<string, number>();
      if (companies.length === 0) return ids;
      await db.transaction(async (tx) => {
        for (let start = 0; start < companies.length; start += CHUNK) {
          const batch = companies.slice(start, start + CHUNK).map((c, n) => ({
            n,
            domain: c.domain,
            company_name: c.companyName,
            email: c.email ?? null,
            website: c.website ?? null,
          }));
          const { rows } = await tx.query<{ id: number; domain: string }>(UPSERT_MANY, [jsonParam(batch)]);
          for (const row of rows) ids.set(row.domain, row.id);
        }
      });
      return ids;
    },

    async saveIngestJob(job: IngestJob): Promise<void> {
      await db.query(
        `INSERT INTO ingest_jobs (id, total_rows, ingested, errors, bulk_job_id, created_at, finished_at, submitted_by)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6::timestamptz, $7::timestamptz, $8)
         ON CONFLICT (id) DO NOTHING`,
        [job.id, job.totalRows, job.ingested, jsonParam(job.errors), job.bulkJobId, job.createdAt, job.finishedAt, job.submittedBy],
      );
    },

    async getIngestJob(id: string): Promise<IngestJob | null> {
      const { rows } = await db.query<{
        id: string;
        total_rows: number;
        ingested: number;
        errors: string[];
        bulk_job_id: string | null;
        created_at: Date;
        finished_at: Date | null;
        submitted_by: string | null;
      }>('SELECT * FROM ingest_jobs WHERE id = $1', [id]);
      const row = rows[0];
      if (!row) return null;
      return {
        id: row.id,
        totalRows: row.total_rows,
        ingested: row.ingested,
        errors: row.errors,
        bulkJobId: row.bulk_job_id,
        createdAt: isoTimestamp(row.created_at),
        finishedAt: isoTimestamp(row.finished_at),
        submittedBy: row.submitted_by,
      };
    },
  };
}

export type CompanyRepository = ReturnType<typeof createCompanyRepository>;

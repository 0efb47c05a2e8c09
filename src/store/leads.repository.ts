/**
 * Leads: the latest scan per domain (`leads`), every scan (`lead_history`) and which scans a
 * bulk job produced (`job_leads`).
 */
import { LEAD_FIELDS, type Lead } from '../scan/scan.types.js';
import type { Db } from './db.js';
import type { LeadFilter, LeadWithHistory, Page, ScanRow } from './store.types.js';
import { decodeCursor, encodeCursor, jsonParam, pageSize } from './store.values.js';

/** Rows per statement in `saveScans`; a larger call is split (in one transaction). */
const SAVE_CHUNK = 500;

const LEAD_COLUMNS = LEAD_FIELDS.join(', ');
const UPDATE_LEAD_COLUMNS = LEAD_FIELDS.filter((field) => field !== 'domain')
  .map((field) => `${field} = excluded.${field}`)
  .join(',\n      ');

/**
 * The batch parameter `$1` as rows: `job_id`, `position`, `lead` (the jsonb) and every lead
 * field as a typed column, mapped by name onto the `leads` row type.
 */
const SCANS = `
  SELECT s.job_id, s.position, s.lead, l.*
  FROM jsonb_to_recordset($1::jsonb) AS s(job_id text, position integer, lead jsonb)
  CROSS JOIN LATERAL jsonb_populate_record(NULL::leads, s.lead) AS l`;

// Each statement dedupes the batch first: ON CONFLICT DO UPDATE may not touch a row twice.
const INSERT_HISTORY = `
  WITH scans AS (${SCANS})
  INSERT INTO lead_history (domain, scanned_at, provider, segment, score, priority_score, data)
  SELECT DISTINCT ON (domain, scanned_at) domain, scanned_at, provider, segment, score, priority_score, lead
  FROM scans
  ORDER BY domain, scanned_at
  ON CONFLICT (domain, scanned_at) DO NOTHING`;

const UPSERT_LATEST = `
  WITH scans AS (${SCANS})
  INSERT INTO leads (${LEAD_COLUMNS}, data)
  SELECT DISTINCT ON (domain) ${LEAD_COLUMNS}, lead
  FROM scans
  ORDER BY domain, scanned_at DESC
  ON CONFLICT (domain) DO UPDATE SET
      ${UPDATE_LEAD_COLUMNS},
      data = excluded.data,
      stored_at = now()
    WHERE leads.scanned_at <= excluded.scanned_at`;

// A domain retried within a job links to its latest scan; its position does not change.
const LINK_JOB_RESULTS = `
  WITH scans AS (${SCANS})
  INSERT INTO job_leads (job_id, position, domain, scanned_at)
  SELECT DISTINCT ON (job_id, domain) job_id, position, domain, scanned_at
  FROM scans
  WHERE job_id IS NOT NULL
  ORDER BY job_id, domain, scanned_at DESC
  ON CONFLICT (job_id, domain) DO UPDATE SET scanned_at = excluded.scanned_at
    WHERE job_leads.scanned_at < excluded.scanned_at`;

/** Options of `getLead`. */
export interface GetLeadOptions {
  /** Most earlier scans to return, newest first. Default 100. */
  historyLimit?: number;
}

/** The lead stored as jsonb, with its properties back in `LEAD_FIELDS` order (jsonb sorts keys). */
function toLead(data: Record<string, unknown>): Lead {
  const lead: Record<string, unknown> = {};
  for (const field of LEAD_FIELDS) lead[field] = data[field];
  for (const [key, value] of Object.entries(data)) if (!(key in lead)) lead[key] = value;
  return lead as unknown as Lead;
}

/** Data access for leads. Both engines, same SQL. */
export function createLeadRepository(db: Db) {
  return {
    /**
     * Store finished scans in one transaction, whatever their number.
     *
     * - `lead_history` gets every scan once: a scan is identified by (domain, scanned_at), so a
     *   retried or re-sent write of the same scan is a no-op.
     * - `leads` gets the latest scan per domain: an existing row is replaced only by a scan
     *   with an equal or newer `scanned_at`, so late, out-of-order writes never regress it.
     * - `job_leads` links each job's domains to their scan, keeping the submission position.
     */
    async saveScans(rows: readonly ScanRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db.transaction(async (tx) => {
        for (let start = 0; start < rows.length; start += SAVE_CHUNK) {
          const batch = jsonParam(
            rows.slice(start, start + SAVE_CHUNK).map((row) => ({ job_id: row.jobId, position: row.position, lead: row.lead })),
          );
          await tx.query(INSERT_HISTORY, [batch]);
          await tx.query(UPSERT_LATEST, [batch]);
          await tx.query(LINK_JOB_RESULTS, [batch]);
        }
      });
    },

    /** The latest scan of a domain and its earlier scans, null when it was never scanned. */
    async getLead(domain: string, options: GetLeadOptions = {}): Promise<LeadWithHistory | null> {
      const { historyLimit = 100 } = options;
      const latest = await db.query<{ data: Record<string, unknown> }>(
        'SELECT data FROM leads WHERE domain = $1',
        [domain],
      );
      if (latest.rows.length === 0) return null;
      const history = await db.query<{ data: Record<string, unknown> }>(
        `SELECT data FROM lead_history
         WHERE domain = $1 AND scanned_at < (SELECT scanned_at FROM leads WHERE domain = $1)
         ORDER BY scanned_at DESC
         LIMIT $2`,
        [domain, historyLimit],
      );
      return { lead: toLead(latest.rows[0].data), history: history.rows.map((row) => toLead(row.data)) };
    },

    /**
     * Stored leads matching `filter`, best first (score descending, then domain), `first` per
     * page (at most 1000). Keyset pagination: `after` is the `endCursor` of the previous page, so
     * pages have no gaps or duplicates while rows are added, and deep pages cost no more than
     * the first one. A cursor is valid with any filter.
     */
    async listLeads(filter: LeadFilter, first: number, after?: string | null): Promise<Page<Lead>> {
      const limit = pageSize(first);
      const params: unknown[] = [];
      const where: string[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };

      if (filter.provider !== undefined) where.push(`provider = ${param(filter.provider)}`);
      if (filter.segment !== undefined) where.push(`segment = ${param(filter.segment)}`);
      if (filter.priorityScore !== undefined) where.push(`priority_score = ${param(filter.priorityScore)}`);
      if (filter.priorityCategory !== undefined) where.push(`priority_category = ${param(filter.priorityCategory)}`);
      if (filter.tag !== undefined) where.push(`tags @> ARRAY[${param(filter.tag)}::text]`);
      if (filter.minScore !== undefined) where.push(`score >= ${param(filter.minScore)}`);
      if (filter.scannedSince !== undefined) where.push(`scanned_at >= ${param(filter.scannedSince)}::timestamptz`);
      if (after) {
        const [score, domain] = decodeCursor(after, ['number', 'string'] as const);
        const s = param(score);
        const d = param(domain);
        // `score <= s` is redundant with the OR but gives the index scan its start key.
        where.push(`score <= ${s} AND (score < ${s} OR domain > ${d})`);
      }

      const { rows } = await db.query<{ data: Record<string, unknown>; score: number; domain: string }>(
        `SELECT data, score, domain FROM leads
         ${where.length > 0 ? `WHERE ${where.join('\n           AND ')}` : ''}
         ORDER BY score DESC, domain
         LIMIT ${param(limit + 1)}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => toLead(row.data)),
        endCursor: last ? encodeCursor([last.score, last.domain]) : null,
        hasNextPage: rows.length > limit,
      };
    },

    /**
     * The leads a bulk job produced, in submission order, each as it was scanned in that job
     * (not a later rescan). For when the job's Redis state has expired.
     */
    async jobResults(jobId: string): Promise<Lead[]> {
      const { rows } = await db.query<{ data: Record<string, unknown> }>(
        `SELECT h.data
         FROM job_leads j
         JOIN lead_history h ON h.domain = j.domain AND h.scanned_at = j.scanned_at
         WHERE j.job_id = $1
         ORDER BY j.position NULLS LAST, j.domain`,
        [jobId],
      );
      return rows.map((row) => toLead(row.data));
    },
  };
}

/** Data access for leads (see {@link createLeadRepository}). */
export type LeadRepository = ReturnType<typeof createLeadRepository>;

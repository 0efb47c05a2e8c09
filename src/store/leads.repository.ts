/**
 * Leads: the latest scan per domain (`leads`), every scan (`lead_history`) and which scans a
 * bulk job produced (`job_leads`).
 */
import { LEAD_FIELDS, type Lead } from '../scan/scan.types.js';
import type { Db } from './db.js';
import type { LeadCounters, LeadFilter, LeadSort, LeadWithCompany, LeadWithHistory, NumberedPage, Page, ScanRow } from './store.types.js';
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

/** `%`, `_` and `\\` taken literally in an ILIKE pattern. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Sort columns: `readiness_score` is `score` (the same value, and `score` has the indexes). */
const SORT_COLUMNS: Readonly<Record<LeadSort['by'], { column: string; type: 'number' | 'string' | 'timestamp'; cast: string }>> = {
  domain: { column: 'l.domain', type: 'string', cast: '' },
  readiness_score: { column: 'l.score', type: 'number', cast: '::int' },
  priority_score: { column: 'l.priority_score', type: 'number', cast: '::int' },
  segment: { column: 'l.segment', type: 'string', cast: '' },
  provider: { column: 'l.provider', type: 'string', cast: '' },
  scanned_at: { column: 'l.scanned_at', type: 'timestamp', cast: '::timestamptz' },
};

/** Leads joined with their company: the FROM clause of every list query. */
const LEADS_WITH_COMPANY = 'leads l LEFT JOIN companies c ON c.domain = l.domain';

/** WHERE terms of a filter over {@link LEADS_WITH_COMPANY}; `param` binds a value. */
function filterTerms(filter: LeadFilter, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (filter.provider !== undefined) where.push(`l.provider = ${param(filter.provider)}`);
  if (filter.segment !== undefined) where.push(`l.segment = ${param(filter.segment)}`);
  if (filter.priorityScore !== undefined) where.push(`l.priority_score = ${param(filter.priorityScore)}`);
  if (filter.priorityCategory !== undefined) where.push(`l.priority_category = ${param(filter.priorityCategory)}`);
  if (filter.tag !== undefined) where.push(`l.tags @> ARRAY[${param(filter.tag)}::text]`);
  if (filter.minScore !== undefined) where.push(`l.score >= ${param(filter.minScore)}`);
  if (filter.scannedSince !== undefined) where.push(`l.scanned_at >= ${param(filter.scannedSince)}::timestamptz`);
  if (filter.search !== undefined && filter.search !== '') {
    const p = param(likePattern(filter.search));
    where.push(`(l.domain ILIKE ${p} OR c.company_name ILIKE ${p} OR l.provider ILIKE ${p})`);
  }
  return where;
}

function whereSql(where: readonly string[]): string {
  return where.length > 0 ? `WHERE ${where.join('\n           AND ')}` : '';
}

/** A statement's parameters, bound in order. */
function binder() {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { params, param };
}

/**
 * ORDER BY of `GET /leads`: the sort column (ties by domain), or the default order, priority
 * score ascending, then readiness score descending, then domain.
 */
function numberedOrder(sort: LeadSort | undefined): string {
  if (!sort) return 'l.priority_score ASC, l.score DESC, l.domain ASC';
  const { column } = SORT_COLUMNS[sort.by];
  return column === 'l.domain' ? `l.domain ${sort.order}` : `${column} ${sort.order}, l.domain ASC`;
}

interface CompanyLeadRow {
  data: Record<string, unknown>;
  company_id: number | null;
  company_name: string | null;
}

const withCompany = (row: CompanyLeadRow): LeadWithCompany => ({
  lead: toLead(row.data),
  companyId: row.company_id,
  companyName: row.company_name,
});

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
    async listLeads(filter: LeadFilter, first: number, after?: string | null, sort?: LeadSort): Promise<Page<Lead>> {
      const limit = pageSize(first);
      const { params, param } = binder();
      const where = filterTerms(filter, param);
      // keyset on (sort column, domain); the default order is (score DESC, domain)
      const key = sort ? SORT_COLUMNS[sort.by] : SORT_COLUMNS.readiness_score;
      const descending = sort ? sort.order === 'desc' : true;
      if (after) {
        const [value, domain] = decodeCursor(after, [key.type, 'string'] as const);
        const beyond = descending ? '<' : '>';
        if (key.column === 'l.domain') {
          where.push(`l.domain ${beyond} ${param(domain)}`);
        } else {
          const v = `${param(value)}${key.cast}`;
          const d = param(domain);
          // `column <=/>= v` is redundant with the OR but gives the index scan its start key.
          where.push(`${key.column} ${beyond}= ${v} AND (${key.column} ${beyond} ${v} OR l.domain > ${d})`);
        }
      }
      const order =
        key.column === 'l.domain' ? `l.domain ${descending ? 'DESC' : 'ASC'}` : `${key.column} ${descending ? 'DESC' : 'ASC'}, l.domain`;

      const { rows } = await db.query<{ data: Record<string, unknown>; sort_key: number | string | Date; domain: string }>(
        `SELECT l.data, ${key.column} AS sort_key, l.domain FROM ${LEADS_WITH_COMPANY}
         ${whereSql(where)}
         ORDER BY ${order}
         LIMIT ${param(limit + 1)}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const lastKey = last ? (last.sort_key instanceof Date ? last.sort_key.toISOString() : last.sort_key) : null;
      return {
        items: page.map((row) => toLead(row.data)),
        endCursor: last ? encodeCursor([lastKey!, last.domain]) : null,
        hasNextPage: rows.length > limit,
      };
    },

    /**
     * One numbered page of the filtered leads with their companies (`GET /leads`): the whole
     * filtered set is sorted, then `offset`/`limit` cut the page; `total` counts every match.
     */
    async pageLeads(filter: LeadFilter, sort: LeadSort | undefined, offset: number, limit: number): Promise<NumberedPage> {
      const counted = binder();
      const count = await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${LEADS_WITH_COMPANY} ${whereSql(filterTerms(filter, counted.param))}`,
        counted.params,
      );
      const { params, param } = binder();
      const where = filterTerms(filter, param);
      const { rows } = await db.query<CompanyLeadRow>(
        `SELECT l.data, c.id AS company_id, c.company_name FROM ${LEADS_WITH_COMPANY}
         ${whereSql(where)}
         ORDER BY ${numberedOrder(sort)}
         LIMIT ${param(limit)} OFFSET ${param(offset)}`,
        params,
      );
      return { rows: rows.map(withCompany), total: count.rows[0]?.total ?? 0 };
    },

    /** The latest scan of a domain with its company, null when it was never scanned. */
    async leadWithCompany(domain: string): Promise<LeadWithCompany | null> {
      const { rows } = await db.query<CompanyLeadRow>(
        `SELECT l.data, c.id AS company_id, c.company_name FROM ${LEADS_WITH_COMPANY} WHERE l.domain = $1`,
        [domain],
      );
      return rows[0] ? withCompany(rows[0]) : null;
    },

    /** The newest stored scan of a domain (from `lead_history`), null when there is none. */
    async latestScan(domain: string): Promise<Lead | null> {
      const { rows } = await db.query<{ data: Record<string, unknown> }>(
        'SELECT data FROM lead_history WHERE domain = $1 ORDER BY scanned_at DESC LIMIT 1',
        [domain],
      );
      return rows[0] ? toLead(rows[0].data) : null;
    },

    /** Counters over every scanned lead (one row per domain). */
    async counters(): Promise<LeadCounters> {
      const { rows } = await db.query<{
        total: number;
        existing: number;
        migration: number;
        cold: number;
        skip: number;
        avg_score: number | null;
        max_score: number | null;
        high_priority: number;
      }>(
        `SELECT count(*)::int AS total,
                (count(*) FILTER (WHERE segment = 'Existing'))::int AS existing,
                (count(*) FILTER (WHERE segment = 'Migration'))::int AS migration,
                (count(*) FILTER (WHERE segment = 'Cold'))::int AS cold,
                (count(*) FILTER (WHERE segment = 'Skip'))::int AS skip,
                round(avg(score), 2)::float8 AS avg_score,
                max(score)::int AS max_score,
                (count(*) FILTER (WHERE segment = 'Migration' AND score >= 70))::int AS high_priority
         FROM leads`,
      );
      const row = rows[0];
      return {
        total: row.total,
        bySegment: { Existing: row.existing, Migration: row.migration, Cold: row.cold, Skip: row.skip },
        avgScore: row.avg_score ?? 0,
        maxScore: row.max_score,
        highPriority: row.high_priority,
      };
    },

    /**
     * The leads a bulk job produced, in submission order, each as it was scanned in that job
     * (not a later rescan). For when the job's Redis state has expired.
     */
    /** A job's leads at positions [from, to), in submission order (a page read from the database). */
    async jobResultsRange(jobId: string, from: number, to: number): Promise<(Lead & { position: number })[]> {
      const { rows } = await db.query<{ data: Record<string, unknown>; position: number }>(
        `SELECT h.data, j.position
         FROM job_leads j
         JOIN lead_history h ON h.domain = j.domain AND h.scanned_at = j.scanned_at
         WHERE j.job_id = $1 AND j.position >= $2 AND j.position < $3
         ORDER BY j.position`,
        [jobId, from, to],
      );
      return rows.map((row) => ({ ...toLead(row.data), position: Number(row.position) }));
    },

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

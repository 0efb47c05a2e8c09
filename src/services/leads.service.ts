/**
 * Stored leads and job history (the database): `Query.lead`, `Query.leads`, `Query.dashboard`,
 * `Query.bulkScans`, and the old clients' `GET /leads*` and `GET /dashboard*`.
 */
import type { Viewer } from '../auth/principal.js';
import type { JobSnapshot } from '../jobs/job.types.js';
import { normalizeDomain } from '../scan/normalize.js';
import type { Lead } from '../scan/scan.types.js';
import { snapshotOf, type Repositories } from '../store/db-sink.js';
import type { LeadCounters, LeadFilter, LeadSort, LeadWithCompany, LeadWithHistory, NumberedPage, Page } from '../store/store.types.js';
import { InputError, NotFoundError } from './input.errors.js';
import { checkLeadFilter } from './lead-filter.js';
import { scoreBreakdownOf, type ScoreBreakdown } from './score-breakdown.js';

/** Rows per database read while exporting. */
const EXPORT_PAGE = 1000;

export interface LeadsService {
  lead(domain: string): Promise<LeadWithHistory | null>;
  leads(filter: LeadFilter, first: number, after?: string, sort?: LeadSort): Promise<Page<Lead>>;
  /** Job history the viewer may see (with keys: its own jobs only). */
  jobs(first: number, after?: string, viewer?: Viewer): Promise<Page<JobSnapshot>>;
  /** Page `page` (1-based) of `pageSize` rows of the filtered, sorted leads, with the total. */
  page(filter: LeadFilter, sort: LeadSort | undefined, page: number, pageSize: number): Promise<NumberedPage>;
  /**
   * The stored lead of a domain with its company.
   * @throws InputError for an invalid domain; NotFoundError when it was never scanned
   */
  row(domain: string): Promise<LeadWithCompany>;
  /** The score breakdown of a stored lead (same errors as `row`). */
  breakdown(domain: string): Promise<ScoreBreakdown>;
  /** Every filtered lead in `page` order, read a page at a time. */
  exportRows(filter: LeadFilter): AsyncIterable<LeadWithCompany[]>;
  counters(): Promise<LeadCounters>;
}

export const notScannedMessage = (domain: string) => `Domain ${domain} has not been scanned yet. Please use /scan/domain first.`;

const EMPTY_COUNTERS: LeadCounters = {
  total: 0,
  bySegment: { Existing: 0, Migration: 0, Cold: 0, Skip: 0 },
  avgScore: 0,
  maxScore: null,
  highPriority: 0,
};

function normalized(input: string): string {
  const result = normalizeDomain(input);
  if (!result.ok) throw new InputError(result.error, [{ loc: ['path', 'domain'], msg: result.error, type: 'value_error.domain' }]);
  return result.domain;
}

export function createLeadsService(repos: Repositories): LeadsService {
  async function row(input: string): Promise<LeadWithCompany> {
    const domain = normalized(input);
    const found = await repos.leads.leadWithCompany(domain);
    if (!found) throw new NotFoundError(notScannedMessage(domain));
    return found;
  }
  return {
    async lead(input) {
      const result = normalizeDomain(input);
      if (!result.ok) throw new InputError(result.error);
      return repos.leads.getLead(result.domain);
    },
    leads: (filter, first, after, sort) => repos.leads.listLeads(checkLeadFilter(filter), first, after, sort),
    async jobs(first, after, viewer = 'system') {
      const page = await repos.jobs.listJobs(first, after, viewer === 'system' ? null : viewer.owner);
      return { ...page, items: page.items.map(snapshotOf) };
    },
    page: (filter, sort, page, pageSize) => repos.leads.pageLeads(checkLeadFilter(filter, 'query'), sort, (page - 1) * pageSize, pageSize),
    row,
    breakdown: async (domain) => scoreBreakdownOf((await row(domain)).lead),
    exportRows(filter) {
      // checked now, before the response starts: an error mid-stream could no longer be a 422
      checkLeadFilter(filter, 'query');
      return (async function* () {
        for (let offset = 0; ; offset += EXPORT_PAGE) {
          const { rows } = await repos.leads.pageLeads(filter, undefined, offset, EXPORT_PAGE);
          if (rows.length > 0) yield rows;
          if (rows.length < EXPORT_PAGE) return;
        }
      })();
    },
    counters: () => repos.leads.counters(),
  };
}

/** Without a database there is nothing stored to read. */
export const noLeadsService: LeadsService = {
  lead: async () => null,
  leads: async () => ({ items: [], endCursor: null, hasNextPage: false }),
  jobs: async () => ({ items: [], endCursor: null, hasNextPage: false }),
  page: async () => ({ rows: [], total: 0 }),
  row: async (domain) => {
    throw new NotFoundError(notScannedMessage(normalized(domain)));
  },
  breakdown: async (domain) => {
    throw new NotFoundError(notScannedMessage(normalized(domain)));
  },
  exportRows: async function* () {},
  counters: async () => EMPTY_COUNTERS,
};

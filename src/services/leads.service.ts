/** Stored leads and job history (the database), for `Query.lead`, `Query.leads`, `Query.bulkScans`. */
import type { JobSnapshot } from '../jobs/job.types.js';
import { normalizeDomain } from '../scan/normalize.js';
import type { Lead } from '../scan/scan.types.js';
import { snapshotOf, type Repositories } from '../store/db-sink.js';
import type { LeadFilter, LeadWithHistory, Page } from '../store/store.types.js';
import { InputError } from './input.errors.js';

export interface LeadsService {
  lead(domain: string): Promise<LeadWithHistory | null>;
  leads(filter: LeadFilter, first: number, after?: string): Promise<Page<Lead>>;
  jobs(first: number, after?: string): Promise<Page<JobSnapshot>>;
}

export function createLeadsService(repos: Repositories): LeadsService {
  return {
    async lead(input) {
      const normalized = normalizeDomain(input);
      if (!normalized.ok) throw new InputError(normalized.error);
      return repos.leads.getLead(normalized.domain);
    },
    leads: (filter, first, after) => repos.leads.listLeads(filter, first, after),
    async jobs(first, after) {
      const page = await repos.jobs.listJobs(first, after);
      return { ...page, items: page.items.map(snapshotOf) };
    },
  };
}

/** Without a database there is nothing stored to read. */
export const noLeadsService: LeadsService = {
  lead: async () => null,
  leads: async () => ({ items: [], endCursor: null, hasNextPage: false }),
  jobs: async () => ({ items: [], endCursor: null, hasNextPage: false }),
};

/** Thin resolvers over stored leads and job history. */
import { viewerOf } from '../auth/principal.js';
import type { GraphQLContext } from '../schema/builder.js';
import type { LeadFilter, LeadSort } from '../store/store.types.js';
import { translateErrors } from './errors.js';

type FilterArgs = { [K in keyof LeadFilter]?: LeadFilter[K] | null };

/** GraphQL passes explicit nulls for unset input fields; the repository wants them absent. */
function cleanFilter(filter: FilterArgs): LeadFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== null && v !== undefined)) as LeadFilter;
}

export const lead = (ctx: GraphQLContext, domain: string) => translateErrors(() => ctx.services.leads.lead(domain));

export const leads = (ctx: GraphQLContext, filter: FilterArgs, first: number, after?: string, sort?: LeadSort) =>
  translateErrors(() => ctx.services.leads.leads(cleanFilter(filter), first, after, sort));

export const bulkScans = (ctx: GraphQLContext, first: number, after?: string) => translateErrors(() => ctx.services.leads.jobs(first, after, viewerOf(ctx.principal)));

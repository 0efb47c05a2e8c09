/** Stored leads and job history: `Query.lead`, `Query.leads` (filter, search, sort), `Query.bulkScans`. */
import { PRIORITY_CATEGORIES } from '../scan/scan.types.js';
import * as stored from '../resolvers/stored-leads.resolvers.js';
import type { JobSnapshot } from '../jobs/job.types.js';
import { LEAD_SORT_FIELDS, type LeadSortField, type LeadWithHistory } from '../store/store.types.js';
import { builder } from './builder.js';
import { BulkScanRef, LeadPageRef } from './bulk-scan.js';
import { LeadRef, ProviderEnum, SegmentEnum } from './lead.js';

const PriorityCategoryEnum = builder.enumType('PriorityCategory', { values: PRIORITY_CATEGORIES });

const LeadWithHistoryRef = builder.objectRef<LeadWithHistory>('LeadWithHistory').implement({
  fields: (t) => ({
    lead: t.field({ type: LeadRef, description: 'The latest scan.', resolve: (r) => r.lead }),
    history: t.field({ type: [LeadRef], description: 'Earlier scans, newest first.', resolve: (r) => r.history }),
  }),
});

export const LeadFilterInput = builder.inputType('LeadFilter', {
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, required: false }),
    segment: t.field({ type: SegmentEnum, required: false }),
    priorityScore: t.int({ required: false, description: 'Exact priority score, 1 (best) .. 7.' }),
    priorityCategory: t.field({ type: PriorityCategoryEnum, required: false }),
    tag: t.string({ required: false, description: 'e.g. migration-ready, security-risk, google-workspace' }),
    minScore: t.int({ required: false }),
    scannedSince: t.string({ required: false, description: 'ISO date or timestamp.' }),
    search: t.string({ required: false, description: 'Case-insensitive substring of the domain, the company name or the provider.' }),
  }),
});

const LeadSortFieldEnum = builder.enumType('LeadSortField', {
  values: Object.fromEntries(LEAD_SORT_FIELDS.map((f) => [f.toUpperCase(), { value: f }])) as Record<Uppercase<LeadSortField>, { value: LeadSortField }>,
});
const SortOrderEnum = builder.enumType('SortOrder', { values: { ASC: { value: 'asc' }, DESC: { value: 'desc' } } as const });

export const LeadSortInput = builder.inputType('LeadSort', {
  description: 'Order of a lead list; ties are broken by domain (ascending).',
  fields: (t) => ({
    by: t.field({ type: LeadSortFieldEnum, required: true }),
    order: t.field({ type: SortOrderEnum, required: false, defaultValue: 'asc' }),
  }),
});

const BulkScanPageRef = builder.objectRef<{ items: JobSnapshot[]; endCursor: string | null; hasNextPage: boolean }>('BulkScanPage').implement({
  fields: (t) => ({
    items: t.field({ type: [BulkScanRef], resolve: (p) => p.items }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
  }),
});

builder.queryField('lead', (t) =>
  t.field({
    type: LeadWithHistoryRef,
    nullable: true,
    description: 'The stored lead of a domain (latest scan) with its earlier scans.',
    args: { domain: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => stored.lead(ctx, args.domain),
  }),
);

builder.queryField('leads', (t) =>
  t.field({
    type: LeadPageRef,
    description: 'Stored leads, filtered; best score first unless `sort` says otherwise; cursor pagination (a cursor belongs to its sort).',
    args: {
      filter: t.arg({ type: LeadFilterInput, required: false }),
      sort: t.arg({ type: LeadSortInput, required: false }),
      first: t.arg.int({ defaultValue: 50, description: 'Page size (max 1000).' }),
      after: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) =>
      stored.leads(ctx, args.filter ?? {}, args.first ?? 50, args.after ?? undefined, args.sort ? { by: args.sort.by, order: args.sort.order ?? 'asc' } : undefined),
  }),
);

builder.queryField('bulkScans', (t) =>
  t.field({
    type: BulkScanPageRef,
    description: 'Job history, newest first.',
    args: { first: t.arg.int({ defaultValue: 20 }), after: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => stored.bulkScans(ctx, args.first ?? 20, args.after ?? undefined),
  }),
);

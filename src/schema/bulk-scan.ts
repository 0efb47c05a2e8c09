/** `BulkScan` (a job), its mutations, query and subscriptions. */
import { JOB_STATUSES, type JobSnapshot } from '../jobs/job.types.js';
import type { ScanFailure } from '../scan/scan.errors.js';
import type { Lead } from '../scan/scan.types.js';
import * as bulk from '../resolvers/bulk-scan.resolvers.js';
import { builder } from './builder.js';
import { LeadRef } from './lead.js';

export const JobStatusEnum = builder.enumType('JobStatus', { values: JOB_STATUSES });

export const ScanErrorRef = builder.objectRef<ScanFailure>('ScanError').implement({
  description: 'A domain that failed (permanent error, or transient with retries used up).',
  fields: (t) => ({
    domain: t.exposeString('domain'),
    category: t.exposeString('category', { description: 'transient | permanent' }),
    code: t.exposeString('code', { description: 'Stable snake_case code, e.g. domain_not_found, dns_timeout.' }),
    message: t.exposeString('message'),
    attempts: t.exposeInt('attempts'),
    timestamp: t.exposeString('timestamp'),
  }),
});

const JobErrorRef = builder.objectRef<NonNullable<JobSnapshot['error']>>('JobError').implement({
  fields: (t) => ({ code: t.exposeString('code'), message: t.exposeString('message') }),
});

export interface LeadPage {
  items: Lead[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export const LeadPageRef = builder.objectRef<LeadPage>('LeadPage').implement({
  fields: (t) => ({
    items: t.field({ type: [LeadRef], resolve: (p) => p.items }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
  }),
});

export const BulkScanRef = builder.objectRef<JobSnapshot>('BulkScan').implement({
  description: 'A bulk scan job. Counters are the same numbers REST-compat polling shows.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: JobStatusEnum, resolve: (j) => j.status }),
    progress: t.exposeInt('progress', { description: 'floor(processed * 100 / total)' }),
    total: t.exposeInt('total'),
    processed: t.exposeInt('processed'),
    succeeded: t.exposeInt('succeeded'),
    failed: t.exposeInt('failed'),
    createdAt: t.exposeString('createdAt'),
    startedAt: t.exposeString('startedAt', { nullable: true }),
    finishedAt: t.exposeString('finishedAt', { nullable: true }),
    timeoutAt: t.exposeString('timeoutAt'),
    etaSeconds: t.exposeInt('etaSeconds', { nullable: true }),
    error: t.field({ type: JobErrorRef, nullable: true, resolve: (j) => j.error }),
    errors: t.field({ type: [ScanErrorRef], resolve: (j, _args, ctx) => bulk.jobErrors(ctx, j.id) }),
    results: t.field({
      type: LeadPageRef,
      description: 'Finished leads in submission order (partial while running).',
      args: {
        first: t.arg.int({ defaultValue: 100, description: 'Page size (max 1000).' }),
        after: t.arg.string({ required: false, description: 'endCursor of the previous page.' }),
      },
      resolve: (j, args, ctx) => bulk.jobResults(ctx, j.id, args.first ?? 100, args.after ?? undefined),
    }),
  }),
});

export const RejectedInputRef = builder.objectRef<{ input: string; error: string }>('RejectedInput').implement({
  fields: (t) => ({ input: t.exposeString('input'), error: t.exposeString('error') }),
});

const StartBulkScanPayload = builder.objectRef<{ job: JobSnapshot; total: number; rejected: { input: string; error: string }[]; duplicates: number }>('StartBulkScanPayload').implement({
  fields: (t) => ({
    job: t.field({ type: BulkScanRef, resolve: (p) => p.job }),
    total: t.exposeInt('total', { description: 'Unique valid domains queued.' }),
    duplicates: t.exposeInt('duplicates', { description: 'Entries that repeated a domain already in the list.' }),
    rejected: t.field({ type: [RejectedInputRef], resolve: (p) => p.rejected }),
  }),
});

builder.mutationField('startBulkScan', (t) =>
  t.field({
    type: StartBulkScanPayload,
    description: 'Queue a list of domains (URLs and e-mail addresses are reduced to their domain).',
    args: { domains: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => bulk.startBulkScan(ctx, args.domains),
  }),
);

builder.mutationField('cancelBulkScan', (t) =>
  t.field({
    type: BulkScanRef,
    description: 'Cancel the remaining work of a job; finished results are kept.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => bulk.cancelBulkScan(ctx, String(args.id)),
  }),
);

builder.queryField('bulkScan', (t) =>
  t.field({
    type: BulkScanRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => bulk.bulkScan(ctx, String(args.id)),
  }),
);

builder.subscriptionType({ description: 'Live progress, pushed from the workers through Redis.' });

builder.subscriptionField('bulkScanProgress', (t) =>
  t.field({
    type: BulkScanRef,
    description: 'The current snapshot at once, then every change (a heartbeat at least every 5 s); completes after the final event.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => bulk.subscribeProgress(ctx, String(args.id)),
    resolve: (snapshot: JobSnapshot) => snapshot,
  }),
);

builder.subscriptionField('bulkScanResults', (t) =>
  t.field({
    type: LeadRef,
    description: 'Each lead as it finishes (those finished before subscribing first); completes when the job ends.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => bulk.subscribeResults(ctx, String(args.id)),
    resolve: (lead: Lead) => lead,
  }),
);

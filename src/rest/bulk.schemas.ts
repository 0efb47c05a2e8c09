/** Bulk-scan shapes on the REST wire (spec/api.md): request, answers, job status. */
import { z } from '@hono/zod-openapi';
import { JOB_STATUSES } from '../jobs/job.types.js';
import { LeadSchema } from './lead.schemas.js';

/**
 * `domain_list` (or its alias `domains`). Entries stay `unknown` here: the bulk service checks
 * them one by one, so a bad entry is named by its index and the rest of the list is kept.
 */
export const BulkScanRequestSchema = z
  .object({
    domain_list: z.unknown().optional().openapi({ type: 'array', items: { type: 'string' }, example: ['example.com', 'https://www.example.org/about'] }),
    domains: z.unknown().optional().openapi({ type: 'array', items: { type: 'string' }, description: 'Alias of domain_list' }),
  })
  .openapi('BulkScanRequest');

export const RejectedInputSchema = z.object({ input: z.string(), error: z.string() }).openapi('RejectedInput');

export const BulkScanStartedSchema = z
  .object({
    job_id: z.string(),
    message: z.string(),
    total: z.number().int().openapi({ description: 'Unique valid domains queued' }),
    rejected: z.array(RejectedInputSchema).openapi({ description: 'Entries that are not domains (a streamed upload lists the first ones)' }),
    rejected_count: z.number().int().optional().openapi({ description: 'All rejected entries of a streamed upload, listed or not' }),
    duplicates: z.number().int().optional().openapi({ description: 'Entries dropped as repeats after normalisation' }),
  })
  .openapi('BulkScanStarted');
export type BulkScanStarted = z.infer<typeof BulkScanStartedSchema>;

export const ScanErrorSchema = z
  .object({
    domain: z.string(),
    error: z.string(),
    category: z.enum(['transient', 'permanent']),
    code: z.string(),
    attempts: z.number().int(),
    timestamp: z.string(),
  })
  .openapi('ScanError');

export const JobStatusSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(JOB_STATUSES),
    progress: z.number().int().min(0).max(100),
    total: z.number().int(),
    processed: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    errors: z.array(ScanErrorSchema),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    eta_seconds: z.number().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .openapi('BulkJobStatus');

export const JobResultsSchema = z
  .object({
    job_id: z.string(),
    total: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    results: z.array(LeadSchema),
  })
  .openapi('BulkJobResults');

export const JobIdParamSchema = z.object({
  job_id: z.string().openapi({ param: { name: 'job_id', in: 'path' }, example: '3f0c2c2e-8c7a-4d65-9c36-1b1c3e6f0a55' }),
});

export const ResultsQuerySchema = z.object({
  format: z.enum(['json', 'csv', 'ndjson']).optional().openapi({ description: 'json (default), csv, or ndjson (one lead per line)' }),
});

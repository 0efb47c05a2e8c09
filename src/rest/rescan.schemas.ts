/** Rescans on the old clients' wire (spec/api.md, part 2). */
import { z } from '@hono/zod-openapi';
import { LeadSchema } from './lead.schemas.js';

const signalChange = z.object({
  type: z.enum(['mx_changed', 'spf_changed', 'dkim_changed', 'dmarc_added', 'dmarc_changed']),
  old_value: z.unknown(),
  new_value: z.unknown(),
});
const expireSoon = z.object({ type: z.literal('expire_soon'), days_until_expiry: z.number().int(), expires_at: z.string() });
const priorityChange = z.object({
  type: z.literal('priority_score_changed'),
  old_priority: z.number().int(),
  new_priority: z.number().int(),
  old_score: z.number().int(),
  new_score: z.number().int(),
  old_segment: z.string(),
  new_segment: z.string(),
});
const segmentChange = z.object({
  type: z.literal('segment_changed'),
  old_segment: z.string(),
  new_segment: z.string(),
  old_score: z.number().int(),
  new_score: z.number().int(),
});

export const LeadChangeSchema = z.union([signalChange, expireSoon, priorityChange, segmentChange]).openapi('LeadChange');

export const RescanResultSchema = z
  .object({
    domain: z.string(),
    success: z.boolean(),
    changes_detected: z.boolean(),
    signal_changes: z.number().int(),
    score_changes: z.number().int(),
    alerts_created: z.literal(0).openapi({ description: 'Alerts are not kept: always 0' }),
    changes: z.array(LeadChangeSchema),
    result: LeadSchema.nullable(),
    error: z.string().nullable(),
  })
  .openapi('RescanResult');

export const BulkRescanQuerySchema = z.object({
  domain_list: z.string().optional().openapi({ param: { name: 'domain_list', in: 'query' }, description: 'Comma-separated, at most 1000', example: 'a.com,b.com' }),
});

export const BulkRescanStartedSchema = z
  .object({ job_id: z.string(), status: z.literal('pending'), total: z.number().int(), message: z.string() })
  .openapi('BulkRescanStarted');

/** Stored leads on the old clients' wire (spec/api.md, part 2): rows, pages, breakdown, export. */
import { z } from '@hono/zod-openapi';
import { LEAD_SORT_FIELDS } from '../store/store.types.js';
import { LeadSchema } from './lead.schemas.js';

/** A scan result plus the company and the old service's lead fields (null: not collected). */
export const LeadRowSchema = LeadSchema.extend({
  company_id: z.number().int().nullable().openapi({ description: 'Set once the domain was ingested' }),
  canonical_name: z.string().openapi({ description: 'The company name, else the domain' }),
  country: z.string().nullable(),
  contact_emails: z.array(z.string()).nullable(),
  contact_quality_score: z.number().nullable(),
  linkedin_pattern: z.string().nullable(),
  infrastructure_summary: z.string().openapi({ example: 'Google (high confidence); SPF yes; DKIM yes; DMARC none' }),
}).openapi('LeadRow');

/** An empty query value (`?segment=&page=`, as the old UI sends unset fields) is an absent one. */
const blankIsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);

const intParam = (name: string, min: number, max?: number) => {
  let schema = z.coerce.number().int().min(min);
  if (max !== undefined) schema = schema.max(max);
  return blankIsAbsent(schema.optional()).openapi({ param: { name, in: 'query' } });
};

/** Query text the database can hold (no NUL) of a sane length. */
const text = () => blankIsAbsent(z.string().max(200).regex(/^[^\0]*$/, 'must not contain NUL characters').optional());

/** Filters shared by `/leads` and `/leads/export`. */
const filterShape = {
  segment: text().openapi({ description: 'Exact segment: Migration, Existing, Cold, Skip' }),
  min_score: intParam('min_score', 0, 100),
  provider: text().openapi({ description: 'Exact provider, e.g. Google' }),
  search: text().openapi({ description: 'Case-insensitive substring of domain, company name or provider' }),
};

export const LeadsQuerySchema = z.object({
  ...filterShape,
  sort_by: text().openapi({ description: `One of ${LEAD_SORT_FIELDS.join(', ')}; anything else: the default order` }),
  sort_order: blankIsAbsent(z.enum(['asc', 'desc']).optional()).openapi({ description: 'asc (default) or desc' }),
  page: intParam('page', 1),
  page_size: intParam('page_size', 1, 200),
});

export const LeadsPageSchema = z
  .object({
    leads: z.array(LeadRowSchema),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    total_pages: z.number().int().openapi({ description: 'ceil(total / page_size), 0 when empty' }),
  })
  .openapi('LeadsPage');

export const ExportQuerySchema = z.object({
  ...filterShape,
  format: blankIsAbsent(z.enum(['csv', 'xlsx']).optional()).openapi({ description: 'csv (default) or xlsx' }),
});

export const DomainParamSchema = z.object({
  domain: z.string().openapi({ param: { name: 'domain', in: 'path' }, example: 'example.com' }),
});

const points = z.record(z.string(), z.number().int());

export const ScoreBreakdownSchema = z
  .object({
    base_score: z.number().int(),
    provider: z.object({ name: z.string(), points: z.number().int() }),
    signal_points: points.openapi({ description: 'Positive terms: spf, dkim, dmarc_quarantine, dmarc_reject' }),
    risk_points: points.openapi({ description: 'Negative terms: no_spf, no_dkim, dmarc_none, spf_multiple_includes, hosting_mx_weak' }),
    adjustment_points: points.openapi({ description: 'clamp_to_range when the raw sum left 0..100' }),
    total_score: z.number().int().openapi({ description: 'Sum of every part above; equals readiness_score' }),
    tenant_size: z.enum(['small', 'medium', 'large']).nullable(),
    local_provider: z.string().nullable(),
    dmarc_policy: z.enum(['none', 'quarantine', 'reject']).nullable(),
    dmarc_coverage: z.number().nullable(),
    ip_enrichment: z.null(),
    technical_heat: z.enum(['Hot', 'Warm', 'Cold']),
    commercial_segment: z.enum(['GREENFIELD', 'COMPETITIVE', 'WEAK_PARTNER', 'RENEWAL', 'LOW_INTENT', 'NO_GO']),
    commercial_heat: z.enum(['HIGH', 'MEDIUM', 'LOW']),
    priority_category: z.string(),
    priority_label: z.string(),
  })
  .openapi('ScoreBreakdown');

/** Columns of `GET /leads/export`, in order. */
export const EXPORT_COLUMNS = [
  'domain',
  'company_name',
  'provider',
  'country',
  'segment',
  'readiness_score',
  'priority_score',
  'spf',
  'dkim',
  'dmarc_policy',
  'mx_root',
  'registrar',
  'expires_at',
  'nameservers',
  'scan_status',
  'scanned_at',
  'reason',
] as const;

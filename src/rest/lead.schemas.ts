/**
 * The scan result (one lead) on the REST wire: the zod schema that documents it in OpenAPI and
 * checks it in tests. Compile-time tied to the `Lead` type of the scan core, so neither can
 * drift from the other.
 */
import { z } from '@hono/zod-openapi';
import { PRIORITY_CATEGORIES, PROVIDERS, SEGMENTS, type Lead } from '../scan/scan.types.js';

const nullableString = z.string().nullable();

export const LeadSchema = z
  .object({
    domain: z.string().openapi({ example: 'example.com' }),
    score: z.number().int().min(0).max(100),
    segment: z.enum(SEGMENTS),
    reason: z.string(),
    provider: z.enum(PROVIDERS),
    local_provider: nullableString,
    tenant_size: z.enum(['small', 'medium', 'large']).nullable(),
    mx_root: nullableString,
    mx_hosts: z.array(z.string()),
    mail_gateway: nullableString,
    provider_confidence: z.enum(['high', 'medium', 'low']),
    spf: z.boolean(),
    spf_includes: z.array(z.string()),
    dkim: z.boolean(),
    dkim_selector: nullableString,
    dmarc_policy: z.enum(['none', 'quarantine', 'reject']).nullable(),
    dmarc_coverage: z.number().nullable(),
    registrar: nullableString,
    created_at: nullableString.openapi({ description: 'Registration date (ISO)' }),
    expires_at: nullableString.openapi({ description: 'Expiry date (ISO)' }),
    nameservers: z.array(z.string()).nullable(),
    whois_source: z.enum(['rdap', 'whois']).nullable(),
    scan_status: z.enum(['completed', 'whois_failed']),
    scanned_at: z.string().openapi({ description: 'ISO timestamp of the scan' }),
    readiness_score: z.number().int().min(0).max(100).openapi({ description: 'Equals score' }),
    priority_score: z.number().int(),
    technical_heat: z.enum(['Hot', 'Warm', 'Cold']),
    commercial_segment: z.enum(['GREENFIELD', 'COMPETITIVE', 'WEAK_PARTNER', 'RENEWAL', 'LOW_INTENT', 'NO_GO']),
    commercial_heat: z.enum(['HIGH', 'MEDIUM', 'LOW']),
    priority_category: z.enum(PRIORITY_CATEGORIES),
    priority_label: z.string(),
    tags: z.array(z.string()),
  })
  .openapi('ScanResult');

// the schema and the scan core's type are the same shape, both ways
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof LeadSchema>, Lead> = true;
void sameShape;

/** A scan that failed: `POST /scan/domain` 422 (permanent) or 503 (transient). */
export const ScanFailureBodySchema = z
  .object({
    detail: z.string(),
    category: z.enum(['transient', 'permanent']),
    code: z.string().openapi({ example: 'domain_not_found' }),
    attempts: z.number().int(),
  })
  .openapi('ScanFailure');

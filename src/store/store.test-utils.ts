/** Typed sample rows for the store tests and the write benchmark. */
import type { Lead } from '../scan/scan.types.js';

/** A complete, plausible lead (a Google Workspace migration candidate); override any field. */
export function buildLead(overrides: Partial<Lead> & { domain: string }): Lead {
  const { domain, ...rest } = overrides;
  return {
    domain,
    score: 75,
    segment: 'Migration',
    reason: 'Migration lead with readiness score 75/100: mail runs on Google.',
    provider: 'Google',
    local_provider: null,
    tenant_size: null,
    mx_root: 'google.com',
    mx_hosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'],
    mail_gateway: null,
    provider_confidence: 'high',
    spf: true,
    spf_includes: ['_spf.google.com'],
    dkim: true,
    dkim_selector: 'google',
    dmarc_policy: 'none',
    dmarc_coverage: 100,
    registrar: 'Example Registrar, Inc.',
    created_at: '2004-03-15',
    expires_at: '2027-03-15',
    nameservers: ['ns1.example.net', 'ns2.example.net'],
    whois_source: 'rdap',
    scan_status: 'completed',
    scanned_at: '2026-01-10T12:00:00.000Z',
    readiness_score: 75,
    priority_score: 2,
    technical_heat: 'Warm',
    commercial_segment: 'COMPETITIVE',
    commercial_heat: 'HIGH',
    priority_category: 'P2',
    priority_label: 'Competitive Takeover',
    tags: ['migration-ready', 'weak-spf', 'google-workspace'],
    ...rest,
  };
}

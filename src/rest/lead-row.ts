/** A stored lead as the old clients read it: the lead row and the export row. Pure. */
import type { LeadWithCompany } from '../store/store.types.js';
import type { Lead } from '../scan/scan.types.js';
import { EXPORT_COLUMNS } from './leads.schemas.js';

/** One line on the mail setup, e.g. `Google (high confidence); SPF yes; DKIM yes; DMARC none`. */
export function infrastructureSummary(lead: Lead): string {
  const gateway = lead.mail_gateway ? ` behind ${lead.mail_gateway}` : '';
  const dmarc = lead.dmarc_policy ?? (lead.dmarc_coverage === null ? 'missing' : 'no policy');
  return `${lead.provider}${gateway} (${lead.provider_confidence} confidence); SPF ${lead.spf ? 'yes' : 'no'}; DKIM ${lead.dkim ? 'yes' : 'no'}; DMARC ${dmarc}`;
}

export function leadRow({ lead, companyId, companyName }: LeadWithCompany) {
  return {
    ...lead,
    company_id: companyId,
    canonical_name: companyName ?? lead.domain,
    country: null,
    contact_emails: null,
    contact_quality_score: null,
    linkedin_pattern: null,
    infrastructure_summary: infrastructureSummary(lead),
  };
}

export type ExportValue = string | number | null;

/** The export columns of one lead (`spf`/`dkim` as Yes/No, nameservers joined with `, `). */
export function exportRow({ lead, companyName }: LeadWithCompany): ExportValue[] {
  const values: Record<(typeof EXPORT_COLUMNS)[number], ExportValue> = {
    domain: lead.domain,
    company_name: companyName ?? lead.domain,
    provider: lead.provider,
    country: null,
    segment: lead.segment,
    readiness_score: lead.readiness_score,
    priority_score: lead.priority_score,
    spf: lead.spf ? 'Yes' : 'No',
    dkim: lead.dkim ? 'Yes' : 'No',
    dmarc_policy: lead.dmarc_policy,
    mx_root: lead.mx_root,
    registrar: lead.registrar,
    expires_at: lead.expires_at,
    nameservers: lead.nameservers ? lead.nameservers.join(', ') : null,
    scan_status: lead.scan_status,
    scanned_at: lead.scanned_at,
    reason: lead.reason,
  };
  return EXPORT_COLUMNS.map((column) => values[column]);
}

/**
 * The score breakdown of a stored lead (`GET /leads/{domain}/score-breakdown`): the terms the
 * scoring code itself sums (`scoreTerms`), grouped by kind, so the points always add up to the
 * readiness score. Pure.
 */
import { scoreTerms, sumTerms } from '../scan/score.js';
import type { DmarcRecord, Lead, SpfRecord } from '../scan/scan.types.js';

export interface ScoreBreakdown {
  /** Scoring starts at 0 (domain model §5). */
  base_score: number;
  provider: { name: string; points: number };
  /** Positive terms: `spf`, `dkim`, `dmarc_quarantine`, `dmarc_reject`. */
  signal_points: Record<string, number>;
  /** Negative terms: `no_spf`, `no_dkim`, `dmarc_none`, `spf_multiple_includes`, `hosting_mx_weak`. */
  risk_points: Record<string, number>;
  /** `clamp_to_range` when the raw sum left 0..100 (so the parts still sum to the total). */
  adjustment_points: Record<string, number>;
  total_score: number;
  tenant_size: Lead['tenant_size'];
  local_provider: string | null;
  dmarc_policy: Lead['dmarc_policy'];
  dmarc_coverage: number | null;
  ip_enrichment: null;
  technical_heat: Lead['technical_heat'];
  commercial_segment: Lead['commercial_segment'];
  commercial_heat: Lead['commercial_heat'];
  priority_category: Lead['priority_category'];
  priority_label: string;
}

/** The scoring input as far as a stored lead keeps it (all that the score reads). */
function scoringInputOf(lead: Lead) {
  const spf: SpfRecord | null = lead.spf ? { raw: '', includes: lead.spf_includes, redirect: null, all: null } : null;
  const dmarc: DmarcRecord | null =
    lead.dmarc_policy === null && lead.dmarc_coverage === null
      ? null
      : { raw: '', policy: lead.dmarc_policy, coverage: lead.dmarc_coverage ?? 100, tags: {} };
  return { provider: lead.provider, spf, dkim: lead.dkim, dmarc, hasMx: lead.mx_hosts.length > 0 };
}

export function scoreBreakdownOf(lead: Lead): ScoreBreakdown {
  const terms = scoreTerms(scoringInputOf(lead));
  const group = (kind: string) => Object.fromEntries(terms.filter((t) => t.kind === kind).map((t) => [t.name, t.points]));
  return {
    base_score: 0,
    provider: { name: lead.provider, points: terms.find((t) => t.kind === 'provider')?.points ?? 0 },
    signal_points: group('signal'),
    risk_points: group('risk'),
    adjustment_points: group('adjustment'),
    total_score: sumTerms(terms),
    tenant_size: lead.tenant_size,
    local_provider: lead.local_provider,
    dmarc_policy: lead.dmarc_policy,
    dmarc_coverage: lead.dmarc_coverage,
    ip_enrichment: null,
    technical_heat: lead.technical_heat,
    commercial_segment: lead.commercial_segment,
    commercial_heat: lead.commercial_heat,
    priority_category: lead.priority_category,
    priority_label: lead.priority_label,
  };
}

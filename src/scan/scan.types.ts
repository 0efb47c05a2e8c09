/**
 * The shapes of the scan core. One definition per shape: the REST-compat serializer, the
 * GraphQL types, the job payloads and the database rows all use these.
 *
 * The lead is kept in snake_case because that is the wire contract of the REST-compat API
 * (`spec/api.md`) and the column naming of the database; GraphQL exposes camelCase fields that
 * read these properties.
 */

export const PROVIDERS = [
  'M365',
  'Google',
  'Yandex',
  'Zoho',
  'Amazon',
  'SendGrid',
  'Mailgun',
  'Hosting',
  'Local',
  'Unknown',
] as const;
export type Provider = (typeof PROVIDERS)[number];

export const SEGMENTS = ['Existing', 'Migration', 'Cold', 'Skip'] as const;
export type Segment = (typeof SEGMENTS)[number];

export type ProviderConfidence = 'high' | 'medium' | 'low';
export type TenantSize = 'small' | 'medium' | 'large';
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
export type TechnicalHeat = 'Hot' | 'Warm' | 'Cold';
export type CommercialSegment =
  | 'GREENFIELD'
  | 'COMPETITIVE'
  | 'WEAK_PARTNER'
  | 'RENEWAL'
  | 'LOW_INTENT'
  | 'NO_GO';
export type CommercialHeat = 'HIGH' | 'MEDIUM' | 'LOW';
export const PRIORITY_CATEGORIES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'] as const;
export type PriorityCategory = (typeof PRIORITY_CATEGORIES)[number];
export type WhoisSource = 'rdap' | 'whois';
/** `completed`: every signal read; `whois_failed`: DNS read, WHOIS/RDAP not. */
export type LeadScanStatus = 'completed' | 'whois_failed';

/** One MX record, host lowercased without the trailing dot. */
export interface MxRecord {
  preference: number;
  host: string;
}

/** Parsed SPF record (RFC 7208), only what classification and scoring need. */
export interface SpfRecord {
  raw: string;
  includes: string[];
  redirect: string | null;
  /** Qualifier of the `all` mechanism (`-`, `~`, `?`, `+`), null when there is none. */
  all: '-' | '~' | '?' | '+' | null;
}

/** Parsed DMARC record (RFC 7489). */
export interface DmarcRecord {
  raw: string;
  policy: DmarcPolicy | null;
  /** `pct` clamped to 0..100, 100 when absent. */
  coverage: number;
  tags: Record<string, string>;
}

/** Everything DNS told us about a domain; the input of classification and scoring. */
export interface DnsSignals {
  mx: MxRecord[];
  spf: SpfRecord | null;
  spfRecordCount: number;
  dmarc: DmarcRecord | null;
  dkimSelector: string | null;
  nameservers: string[];
  /** `MS=ms...` tenant proof token present in the apex TXT. */
  msVerification: boolean;
  /** `google-site-verification=` token present in the apex TXT. */
  googleVerification: boolean;
}

/** Registration facts from RDAP or WHOIS. */
export interface RegistrationInfo {
  registrar: string | null;
  /** ISO date `YYYY-MM-DD`. */
  created_at: string | null;
  /** ISO date `YYYY-MM-DD`. */
  expires_at: string | null;
  /** Lowercase, no trailing dot, sorted, deduped; null when unknown. */
  nameservers: string[] | null;
  whois_source: WhoisSource | null;
}

/** Result of provider classification (pure function of MX hosts + SPF). */
export interface Classification {
  provider: Provider;
  provider_confidence: ProviderConfidence;
  mail_gateway: string | null;
  mx_root: string | null;
  local_provider: string | null;
  tenant_size: TenantSize | null;
}

/** Result of scoring (pure function of classification + DNS signals + registration). */
export interface LeadScore {
  score: number;
  segment: Segment;
  reason: string;
  readiness_score: number;
  priority_score: number;
  technical_heat: TechnicalHeat;
  commercial_segment: CommercialSegment;
  commercial_heat: CommercialHeat;
  priority_category: PriorityCategory;
  priority_label: string;
  tags: string[];
}

/** One lead: the scan result of `spec/api.md`, every field present (null where unknown). */
export interface Lead extends Classification, LeadScore {
  domain: string;
  mx_hosts: string[];
  spf: boolean;
  spf_includes: string[];
  dkim: boolean;
  dkim_selector: string | null;
  dmarc_policy: DmarcPolicy | null;
  dmarc_coverage: number | null;
  registrar: string | null;
  created_at: string | null;
  expires_at: string | null;
  nameservers: string[] | null;
  whois_source: WhoisSource | null;
  scan_status: LeadScanStatus;
  /** ISO timestamp. */
  scanned_at: string;
}

/** The order of the lead fields on the wire and in CSV exports. */
export const LEAD_FIELDS = [
  'domain',
  'score',
  'segment',
  'reason',
  'provider',
  'local_provider',
  'tenant_size',
  'mx_root',
  'mx_hosts',
  'mail_gateway',
  'provider_confidence',
  'spf',
  'spf_includes',
  'dkim',
  'dkim_selector',
  'dmarc_policy',
  'dmarc_coverage',
  'registrar',
  'created_at',
  'expires_at',
  'nameservers',
  'whois_source',
  'scan_status',
  'scanned_at',
  'readiness_score',
  'priority_score',
  'technical_heat',
  'commercial_segment',
  'commercial_heat',
  'priority_category',
  'priority_label',
  'tags',
] as const satisfies readonly (keyof Lead)[];

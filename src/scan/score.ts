/**
 * Lead scoring (`spec/domain-model.md` section 5): readiness score, segment, priority and the
 * commercial model, as small rule tables. Pure: the current time comes in as `now`.
 */
import { PROVIDER_POINTS } from './providers.data.js';
import type {
  CommercialHeat,
  CommercialSegment,
  DmarcPolicy,
  DmarcRecord,
  LeadScore,
  PriorityCategory,
  Provider,
  Segment,
  SpfRecord,
  TechnicalHeat,
} from './scan.types.js';

/** What scoring reads: the classification plus the DNS and registration signals. */
export interface ScoreInput {
  provider: Provider;
  /** Name of the security gateway in front of the mailbox, null when there is none. */
  mailGateway: string | null;
  /** False when the domain has no MX or only an RFC 7505 null MX. */
  hasMx: boolean;
  /** The parsed SPF record, null when there is none. */
  spf: SpfRecord | null;
  dkim: boolean;
  /** The parsed DMARC record, null when there is none. */
  dmarc: DmarcRecord | null;
  /** Registration expiry, ISO date `YYYY-MM-DD`; null when unknown. */
  expiresAt: string | null;
  /** The clock reading that `expire-soon` is measured from. */
  now: Date;
}

/** The commercial reading of a scored lead. */
export interface CommercialModel {
  technical_heat: TechnicalHeat;
  commercial_segment: CommercialSegment;
  commercial_heat: CommercialHeat;
  priority_category: PriorityCategory;
  priority_label: string;
}

export const HARD_FAIL_NO_MX_REASON = 'Hard-fail: no MX record';

const DMARC_POINTS: Readonly<Record<DmarcPolicy, number>> = {
  reject: 20,
  quarantine: 15,
  none: -10,
};

/** More `include:` terms than this cost points (the lookup budget of RFC 7208 is 10). */
const MAX_SPF_INCLUDES = 3;

const MIGRATION_PROVIDERS: ReadonlySet<Provider> = new Set<Provider>([
  'Google',
  'Yandex',
  'Zoho',
  'Hosting',
  'Local',
  'Amazon',
  'SendGrid',
  'Mailgun',
]);

/** Mailbox products a Microsoft partner competes with head-on. */
const COMPETITOR_PROVIDERS: ReadonlySet<Provider> = new Set<Provider>(['Google', 'Zoho', 'Yandex']);

/** Where a scoring term comes from: the breakdown groups terms by kind. */
export type ScoreTermKind = 'provider' | 'signal' | 'risk' | 'adjustment';

/** One term of the readiness score; the score is the sum of its terms. */
export interface ScoreTerm {
  /** `provider`, `spf`, `dkim`, `dmarc_reject`, `no_spf`, `hosting_mx_weak`, `clamp_to_range`, ... */
  name: string;
  kind: ScoreTermKind;
  points: number;
}

/**
 * The terms of the readiness score of a domain that has MX, in rule order. The last term,
 * `clamp_to_range` (kind `adjustment`), is present only when the raw sum leaves 0..100: it
 * brings the sum back into range, so the terms always add up to the score.
 */
export function readinessTerms(input: Pick<ScoreInput, 'provider' | 'spf' | 'dkim' | 'dmarc'>): ScoreTerm[] {
  const { provider, spf, dkim, dmarc } = input;
  const terms: ScoreTerm[] = [{ name: 'provider', kind: 'provider', points: PROVIDER_POINTS[provider] }];
  terms.push(spf ? { name: 'spf', kind: 'signal', points: 10 } : { name: 'no_spf', kind: 'risk', points: -10 });
  terms.push(dkim ? { name: 'dkim', kind: 'signal', points: 10 } : { name: 'no_dkim', kind: 'risk', points: -15 });
  // A record whose `p` is missing or invalid has no policy to reward or punish: 0, as no record.
  if (dmarc?.policy) {
    const points = DMARC_POINTS[dmarc.policy];
    terms.push({ name: `dmarc_${dmarc.policy}`, kind: points > 0 ? 'signal' : 'risk', points });
  }
  if (provider === 'Hosting' && !spf && !dkim) terms.push({ name: 'hosting_mx_weak', kind: 'risk', points: -10 });
  // fix: computed from the parsed record (the old service never counted them).
  if (spf && spf.includes.length > MAX_SPF_INCLUDES) terms.push({ name: 'spf_multiple_includes', kind: 'risk', points: -5 });
  const raw = sumTerms(terms);
  const clamped = clamp(raw, 0, 100);
  if (clamped !== raw) terms.push({ name: 'clamp_to_range', kind: 'adjustment', points: clamped - raw });
  return terms;
}

/**
 * The terms of a lead's score: {@link readinessTerms}, or none for the no-MX hard fail (score 0).
 * `scoreLead` sums exactly these, so a breakdown built from them always matches the score.
 */
export function scoreTerms(input: Pick<ScoreInput, 'provider' | 'spf' | 'dkim' | 'dmarc' | 'hasMx'>): ScoreTerm[] {
  return isHardFail(input) ? [] : readinessTerms(input);
}

export function sumTerms(terms: readonly ScoreTerm[]): number {
  return terms.reduce((sum, term) => sum + term.points, 0);
}

/** Readiness score of a domain that has MX (the no-MX hard fail is `scoreLead`'s), 0..100. */
export function readinessScore(input: Pick<ScoreInput, 'provider' | 'spf' | 'dkim' | 'dmarc'>): number {
  return sumTerms(readinessTerms(input));
}

/** No MX (or classified `Unknown`, which means the same). */
function isHardFail(input: Pick<ScoreInput, 'provider' | 'hasMx'>): boolean {
  return !input.hasMx || input.provider === 'Unknown';
}

const SEGMENT_RULES: readonly { segment: Segment; when: (p: Provider, score: number) => boolean }[] = [
  { segment: 'Existing', when: (p) => p === 'M365' },
  { segment: 'Migration', when: (p, s) => s >= 60 && MIGRATION_PROVIDERS.has(p) },
  { segment: 'Cold', when: (p, s) => p === 'Local' && s >= 5 && s <= 59 },
  { segment: 'Cold', when: (_, s) => s >= 40 && s <= 59 },
];

/** The segment of a lead that has MX: the first matching rule wins, Skip otherwise. */
export function segmentFor(provider: Provider, score: number): Segment {
  return SEGMENT_RULES.find((rule) => rule.when(provider, score))?.segment ?? 'Skip';
}

/** Priority bands per segment: the first `min` the score reaches gives the priority. */
const PRIORITY_BANDS: Readonly<Record<Segment, readonly (readonly [min: number, priority: number])[]>> = {
  Migration: [[80, 1], [70, 2], [60, 3], [-Infinity, 4]],
  Existing: [[70, 3], [50, 4], [30, 5], [-Infinity, 6]],
  Cold: [[40, 5], [20, 6], [-Infinity, 7]],
  Skip: [[-Infinity, 7]],
};

/** Priority score, 1 (best) .. 7 (worst). */
export function priorityScoreFor(segment: Segment, score: number): number {
  // Every band list ends at -Infinity, so a band always matches.
  return PRIORITY_BANDS[segment].find(([min]) => score >= min)![1];
}

const PRIORITY_LABELS: Readonly<Record<PriorityCategory, string>> = {
  P1: 'High Potential Greenfield',
  P2: 'Competitive Takeover',
  P3: 'Existing Microsoft but Weak Partner',
  P4: 'Renewal Pressure',
  P5: 'Low Intent / Long Nurturing',
  P6: 'No-Go / Archive',
};

/** Technical heat, commercial segment and heat, priority category and its label. */
export function commercialModelFor(segment: Segment, provider: Provider, score: number): CommercialModel {
  const technicalHeat = technicalHeatFor(segment, provider);
  const commercialSegment = commercialSegmentFor(segment, provider, score);
  const commercialHeat = commercialHeatFor(commercialSegment, score);
  const category = priorityCategoryFor(technicalHeat, commercialHeat, commercialSegment);
  return {
    technical_heat: technicalHeat,
    commercial_segment: commercialSegment,
    commercial_heat: commercialHeat,
    priority_category: category,
    priority_label: PRIORITY_LABELS[category],
  };
}

function technicalHeatFor(segment: Segment, provider: Provider): TechnicalHeat {
  if (segment === 'Existing') return 'Hot';
  if (segment === 'Migration' && COMPETITOR_PROVIDERS.has(provider)) return 'Warm';
  return 'Cold';
}

function commercialSegmentFor(segment: Segment, provider: Provider, score: number): CommercialSegment {
  const greenfieldMigration = segment === 'Migration' && (provider === 'Local' || provider === 'Hosting');
  const greenfieldCold = segment === 'Cold' && provider === 'Local' && score >= 5 && score <= 59;
  if (greenfieldMigration || greenfieldCold) return 'GREENFIELD';
  if (segment === 'Migration' && COMPETITOR_PROVIDERS.has(provider)) return 'COMPETITIVE';
  if (segment === 'Existing') return score <= 69 ? 'WEAK_PARTNER' : 'RENEWAL';
  if (segment === 'Cold' && score >= 20 && score <= 59) return 'LOW_INTENT';
  return 'NO_GO';
}

function commercialHeatFor(segment: CommercialSegment, score: number): CommercialHeat {
  if (segment === 'GREENFIELD' || segment === 'COMPETITIVE') return 'HIGH';
  if (segment === 'WEAK_PARTNER') return score >= 50 ? 'HIGH' : 'MEDIUM';
  if (segment === 'RENEWAL') return 'MEDIUM';
  return 'LOW';
}

const CATEGORY_RULES: readonly {
  category: PriorityCategory;
  heat: TechnicalHeat;
  commercialHeat: readonly CommercialHeat[];
  segment: CommercialSegment;
}[] = [
  { category: 'P1', heat: 'Cold', commercialHeat: ['HIGH'], segment: 'GREENFIELD' },
  { category: 'P2', heat: 'Warm', commercialHeat: ['HIGH'], segment: 'COMPETITIVE' },
  { category: 'P3', heat: 'Hot', commercialHeat: ['MEDIUM', 'HIGH'], segment: 'WEAK_PARTNER' },
  { category: 'P4', heat: 'Hot', commercialHeat: ['MEDIUM'], segment: 'RENEWAL' },
  { category: 'P5', heat: 'Cold', commercialHeat: ['LOW'], segment: 'LOW_INTENT' },
];

function priorityCategoryFor(
  heat: TechnicalHeat,
  commercialHeat: CommercialHeat,
  segment: CommercialSegment,
): PriorityCategory {
  const rule = CATEGORY_RULES.find(
    (r) => r.heat === heat && r.commercialHeat.includes(commercialHeat) && r.segment === segment,
  );
  return rule?.category ?? 'P6';
}

const EXPIRE_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Whole calendar days (UTC) from `now` to an ISO `YYYY-MM-DD` date; null when the date is not
 * a valid calendar date.
 */
export function daysUntil(isoDate: string, now: Date): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(Date.UTC(year, month, day));
  // Date.UTC rolls 2026-02-31 over to March; such a date is invalid, not March 3rd.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) {
    return null;
  }
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((date.getTime() - today) / DAY_MS);
}

/** Tags in a fixed order, each present when its rule holds. */
function tagsFor(input: ScoreInput, segment: Segment, score: number): string[] {
  const days = input.expiresAt === null ? null : daysUntil(input.expiresAt, input.now);
  const rules: readonly [tag: string, holds: boolean][] = [
    ['security-risk', !input.spf && !input.dkim],
    ['migration-ready', segment === 'Migration' && score >= 60],
    ['expire-soon', days !== null && days > 0 && days < EXPIRE_SOON_DAYS],
    // "DMARC none" is the policy p=none; a missing DMARC record is not tagged.
    ['weak-spf', input.spf !== null && input.dmarc?.policy === 'none'],
    ['google-workspace', input.provider === 'Google'],
    ['local-mx', input.provider === 'Local'],
    ['gateway', input.mailGateway !== null],
  ];
  return rules.filter(([, holds]) => holds).map(([tag]) => tag);
}

function reasonFor(segment: Segment, score: number, input: ScoreInput): string {
  const via = input.mailGateway ? ` behind ${input.mailGateway}` : '';
  return `${segment} lead with readiness score ${score}/100: mail runs on ${input.provider}${via}.`;
}

/**
 * Score a domain as a sales lead.
 *
 * A domain without MX (or classified `Unknown`, which means the same) is a hard fail: score 0,
 * segment Skip, reason `Hard-fail: no MX record`; its tags are still reported.
 */
export function scoreLead(input: ScoreInput): LeadScore {
  const hardFail = isHardFail(input);
  const score = sumTerms(scoreTerms(input));
  const segment = hardFail ? 'Skip' : segmentFor(input.provider, score);
  return {
    score,
    segment,
    reason: hardFail ? HARD_FAIL_NO_MX_REASON : reasonFor(segment, score, input),
    readiness_score: score,
    priority_score: priorityScoreFor(segment, score),
    ...commercialModelFor(segment, input.provider, score),
    tags: tagsFor(input, segment, score),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

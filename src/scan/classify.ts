/**
 * Provider classification (`spec/domain-model.md` section 3): who receives a domain's mail,
 * from its MX hosts and, behind a security gateway, its SPF includes. Pure.
 */
import { parse } from 'tldts';
import {
  GATEWAY_SUFFIXES,
  LOCAL_HOSTERS,
  MX_PROVIDER_SUFFIXES,
  SPF_PROVIDER_RULES,
  type MxProvider,
} from './providers.data.js';
import type { Classification, MxRecord, TenantSize } from './scan.types.js';

/** Public Suffix List, ICANN section only: `foo.blogspot.com` -> `blogspot.com`. */
const PSL_OPTIONS = { allowPrivateDomains: false } as const;

/**
 * Whether `host` is `suffix` or lies under it, on a label boundary: `x.outlook.com` matches
 * `outlook.com`, `evil-outlook.com` does not. Case-insensitive, trailing dots ignored.
 */
export function matchesSuffix(host: string, suffix: string): boolean {
  const h = normalizeHost(host);
  const s = normalizeHost(suffix);
  return s !== '' && (h === s || h.endsWith(`.${s}`));
}

/**
 * The registrable domain of a host by the ICANN section of the Public Suffix List:
 * `inbound-smtp.eu-west-1.amazonaws.com` -> `amazonaws.com`. Null for IP addresses, bare
 * public suffixes and single labels.
 */
export function registrableDomain(host: string): string | null {
  return parse(normalizeHost(host), PSL_OPTIONS).domain;
}

/**
 * MX records in delivery order: by preference, then host name (code-unit order), hosts
 * lowercased without trailing dot. RFC 7505 null MX entries (host `.` or empty) are dropped:
 * they accept no mail, so a domain whose only MX is null has no MX.
 */
export function sortMx(mx: readonly MxRecord[]): MxRecord[] {
  return mx
    .map((r) => ({ preference: r.preference, host: normalizeHost(r.host) }))
    .filter((r) => r.host !== '')
    .sort((a, b) => a.preference - b.preference || compare(a.host, b.host));
}

/**
 * The mailbox provider named by SPF includes, for a domain whose MX is a security gateway.
 * The first rule of `SPF_PROVIDER_RULES` that any include matches wins; null when none does.
 */
export function inferProviderFromSpf(spfIncludes: readonly string[]): MxProvider | null {
  for (const rule of SPF_PROVIDER_RULES) {
    if (spfIncludes.some((include) => matchesSpfRule(include, rule.include))) return rule.provider;
  }
  return null;
}

/**
 * Tenant size from the full MX host (**fix** of the spec: not from the MX root), for M365 and
 * Google; null for every other provider.
 */
export function tenantSizeOf(provider: MxProvider, host: string): TenantSize | null {
  const h = normalizeHost(host);
  if (provider === 'M365') {
    if (h.endsWith('.mail.protection.outlook.com')) return 'large';
    // The spec names the host patterns without `*.`; a tenant prefix in front of them (as in
    // `outlook-com.olc.protection.outlook.com`) is accepted too.
    if (/(?:^|\.)(?:[a-z]{3}\d{2}|olc)\.protection\.outlook\.com$/.test(h)) return 'small';
    return 'medium';
  }
  if (provider === 'Google') {
    // The classic Google Workspace MX set: aspmx.l.google.com, alt1..4.aspmx.l.google.com and
    // the legacy aspmx2..5.googlemail.com backups.
    if (matchesSuffix(h, 'aspmx.l.google.com') || /^aspmx\d*\.googlemail\.com$/.test(h)) {
      return 'medium';
    }
    if (matchesSuffix(h, 'smtp.google.com')) return 'medium';
    return 'large';
  }
  return null;
}

/**
 * Classify who receives a domain's mail.
 *
 * The lowest-preference MX hosts decide; among several of equal preference, the first in name
 * order that matches a known provider or gateway, else the first in name order (Local). Backup
 * MX hosts with a higher preference never decide.
 *
 * @param mx - the domain's MX records, in any order (null MX and an empty list mean no MX).
 * @param spfIncludes - the domain's SPF `include:` targets; only read when the deciding host is
 *   a security gateway.
 */
export function classifyProvider(
  mx: readonly MxRecord[],
  spfIncludes: readonly string[],
): Classification {
  const deciding = pickDecidingHost(sortMx(mx));
  if (deciding === null) {
    return {
      provider: 'Unknown',
      provider_confidence: 'low',
      mail_gateway: null,
      mx_root: null,
      local_provider: null,
      tenant_size: null,
    };
  }

  const { host, match } = deciding;
  const mxRoot = registrableDomain(host);

  if (match?.kind === 'provider') {
    return {
      provider: match.provider,
      provider_confidence: 'high',
      mail_gateway: null,
      mx_root: mxRoot,
      local_provider: match.provider === 'Hosting' ? localProviderOf(mxRoot) : null,
      tenant_size: tenantSizeOf(match.provider, host),
    };
  }

  if (match?.kind === 'gateway') {
    const inferred = inferProviderFromSpf(spfIncludes);
    return {
      provider: inferred ?? 'Local',
      provider_confidence: inferred ? 'medium' : 'low',
      mail_gateway: match.name,
      mx_root: mxRoot,
      // The MX root is the gateway's, never a regional hoster's.
      local_provider: null,
      // The tenant size is read from the provider's own MX host, which the gateway hides.
      tenant_size: null,
    };
  }

  return {
    provider: 'Local',
    provider_confidence: 'low',
    mail_gateway: null,
    mx_root: mxRoot,
    local_provider: localProviderOf(mxRoot),
    tenant_size: null,
  };
}

type HostMatch =
  | { kind: 'provider'; provider: MxProvider; suffix: string }
  | { kind: 'gateway'; name: string; suffix: string };

const HOST_RULES: readonly HostMatch[] = [
  ...Object.entries(MX_PROVIDER_SUFFIXES).flatMap(([provider, suffixes]) =>
    suffixes.map((suffix): HostMatch => ({ kind: 'provider', provider: provider as MxProvider, suffix })),
  ),
  ...Object.entries(GATEWAY_SUFFIXES).flatMap(([name, suffixes]) =>
    suffixes.map((suffix): HostMatch => ({ kind: 'gateway', name, suffix })),
  ),
];

/** The rules' suffixes normalised once, for {@link matchHost} (the hot path of every scan). */
const NORMALIZED_RULES: readonly { rule: HostMatch; suffix: string }[] = HOST_RULES.map((rule) => ({ rule, suffix: normalizeHost(rule.suffix) })).filter(
  (r) => r.suffix !== '',
);

/** `matchesSuffix` for a host and a suffix that are both normalised already (no allocation). */
function isUnder(host: string, suffix: string): boolean {
  return host === suffix || (host.length > suffix.length && host.endsWith(suffix) && host.charCodeAt(host.length - suffix.length - 1) === 0x2e);
}

/** The most specific (longest) matching suffix wins, so table order never matters. */
function matchHost(host: string): HostMatch | null {
  const h = normalizeHost(host);
  let best: HostMatch | null = null;
  for (const { rule, suffix } of NORMALIZED_RULES) {
    if (isUnder(h, suffix) && (!best || rule.suffix.length > best.suffix.length)) best = rule;
  }
  return best;
}

/** The deciding MX host (see classifyProvider) and what it matches (null: no rule). */
function pickDecidingHost(sorted: readonly MxRecord[]): { host: string; match: HostMatch | null } | null {
  if (sorted.length === 0) return null;
  const preference = sorted[0].preference;
  for (const r of sorted) {
    if (r.preference !== preference) break;
    const match = matchHost(r.host);
    if (match) return { host: r.host, match };
  }
  return { host: sorted[0].host, match: null };
}

function localProviderOf(mxRoot: string | null): string | null {
  return mxRoot !== null && Object.hasOwn(LOCAL_HOSTERS, mxRoot) ? LOCAL_HOSTERS[mxRoot] : null;
}

function matchesSpfRule(include: string, pattern: string): boolean {
  if (pattern.endsWith('.*')) {
    return parse(normalizeHost(include), PSL_OPTIONS).domainWithoutSuffix === pattern.slice(0, -2);
  }
  return matchesSuffix(include, pattern);
}

function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase();
  // most hosts have no trailing dot: skip the regex for them (hot path)
  return h.charCodeAt(h.length - 1) === 0x2e ? h.replace(/\.+$/, '') : h;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

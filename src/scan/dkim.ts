/**
 * DKIM selector probing (domain-model §2). Pure helpers + the probe over a DnsLookup.
 */
import { matchesSuffix } from './classify.js';
import type { DnsLookup } from './dns/dns.client.js';
import type { Provider } from './scan.types.js';

/** Selectors each provider publishes itself: they are probed first. */
const PROVIDER_SELECTORS: Partial<Record<Provider, string[]>> = {
  M365: ['selector1', 'selector2'],
  Google: ['google'],
};

/** SPF includes that name a provider of `PROVIDER_SELECTORS` as a sender of the domain. */
const SPF_SENDERS: readonly { include: string; provider: Provider }[] = [
  { include: 'spf.protection.outlook.com', provider: 'M365' },
  { include: 'spf.protection.office365.us', provider: 'M365' },
  { include: 'spf.protection.partner.outlook.cn', provider: 'M365' },
  { include: '_spf.google.com', provider: 'Google' },
];

/** What the DNS stage knows about a domain's mail when DKIM is probed. */
export interface DkimContext {
  provider: Provider;
  /** The security gateway in front of the mailbox, if any (the provider is then only inferred). */
  mailGateway: string | null;
  spfIncludes: readonly string[];
}

/**
 * The order in which the configured selectors are probed; every one of them is still probed
 * until one hits, so the order decides only how many queries it takes and, for a domain that
 * publishes more than one of them, which one is named.
 * 1. The provider's own selectors (M365: selector1/selector2, Google: google): domain-model §2.
 * 2. Selectors of no particular provider (`default`, `k1`, ...), in the configured order.
 * 3. Last, the selectors another provider publishes for its own customers (M365's, Google's) when
 *    neither the MX nor the SPF names that provider as a sender of the domain. Behind a security
 *    gateway the provider is only inferred, so there the configured order is kept after step 1.
 */
export function orderDkimSelectors(selectors: readonly string[], context: DkimContext | Provider): string[] {
  const { provider, mailGateway, spfIncludes } = typeof context === 'string' ? { provider: context, mailGateway: null, spfIncludes: [] } : context;
  const own = (PROVIDER_SELECTORS[provider] ?? []).filter((s) => selectors.includes(s));
  const rest = [...new Set(selectors)].filter((s) => !own.includes(s));
  if (mailGateway !== null) return [...own, ...rest];
  const senders = new Set<Provider>([provider]);
  for (const rule of SPF_SENDERS) if (spfIncludes.some((include) => matchesSuffix(include, rule.include))) senders.add(rule.provider);
  const ownerOf = (selector: string) =>
    (Object.entries(PROVIDER_SELECTORS) as [Provider, string[]][]).find(([, list]) => list.includes(selector))?.[0];
  const foreign = (selector: string) => {
    const owner = ownerOf(selector);
    return owner !== undefined && !senders.has(owner);
  };
  return [...own, ...rest.filter((s) => !foreign(s)), ...rest.filter(foreign)];
}

/** A TXT record (character-strings joined without separator) that is a DKIM key record. */
export function isDkimRecord(txt: string[]): boolean {
  const joined = txt.join('');
  return /(^|;)\s*v\s*=\s*DKIM1\b/i.test(joined) || /(^|;)\s*p\s*=/i.test(joined);
}

/**
 * Whether to ask `_domainkey.<domain>` before `selectorCount` selectors. Its NXDOMAIN (nothing
 * below exists, RFC 8020) saves the selectorCount - 1 queries after the first; any other answer
 * costs one query more. With one selector there is nothing to save: that selector's own answer
 * settles "no DKIM" as well (NXDOMAIN or NODATA), so the probe could only add a query.
 */
function needsDomainkeyProbe(selectorCount: number): boolean {
  return selectorCount > 1;
}

/**
 * Find the first selector with a DKIM record, in `orderDkimSelectors`' order. `_domainkey.<domain>`
 * is asked first (`needsDomainkeyProbe`): NXDOMAIN there means no name exists below it
 * (RFC 8020), so no selector can hit and one query settles "no DKIM" (most domains of most
 * kinds). Otherwise every selector is tried until one hits (fix: not only after NXDOMAIN of
 * `default`); an NXDOMAIN on a selector says nothing of its siblings, so it ends nothing.
 * CNAMEs (Microsoft's `selector1-<tenant>._domainkey.<tenant>.onmicrosoft.com`) are followed by
 * the resolver. Returns the selector that hit, or null.
 */
export async function probeDkim(domain: string, context: DkimContext | Provider, selectors: readonly string[], dns: DnsLookup): Promise<string | null> {
  const ordered = orderDkimSelectors(selectors, context);
  if (ordered.length === 0) return null;
  if (needsDomainkeyProbe(ordered.length)) {
    const parent = await dns.queryTxt(`_domainkey.${domain}`);
    if (parent.kind === 'nxdomain') return null;
  }
  for (const selector of ordered) {
    const answer = await dns.queryTxt(`${selector}._domainkey.${domain}`);
    if (answer.kind === 'records' && answer.records.some(isDkimRecord)) return selector;
  }
  return null;
}

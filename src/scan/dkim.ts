/**
 * DKIM selector probing (domain-model §2). Pure helpers + the probe over a DnsLookup.
 */
import type { DnsLookup } from './dns/dns.client.js';
import type { Provider } from './scan.types.js';

/** Selectors each provider publishes itself: they are probed first. */
const PROVIDER_SELECTORS: Partial<Record<Provider, string[]>> = {
  M365: ['selector1', 'selector2'],
  Google: ['google'],
};

/** The configured selectors, the provider's own first, each once. */
export function orderDkimSelectors(selectors: readonly string[], provider: Provider): string[] {
  const own = (PROVIDER_SELECTORS[provider] ?? []).filter((s) => selectors.includes(s));
  return [...new Set([...own, ...selectors])];
}

/** A TXT record (character-strings joined without separator) that is a DKIM key record. */
export function isDkimRecord(txt: string[]): boolean {
  const joined = txt.join('');
  return /(^|;)\s*v\s*=\s*DKIM1\b/i.test(joined) || /(^|;)\s*p\s*=/i.test(joined);
}

/**
 * Find the first selector with a DKIM record. The provider's own selector is asked first; when
 * it misses, `_domainkey.<domain>` is asked once: NXDOMAIN there means no name exists below it
 * (RFC 8020), so no selector can hit and the remaining probes are skipped. Otherwise every
 * remaining selector is tried until one hits (fix: not only after NXDOMAIN of `default`).
 * CNAMEs (Microsoft's `selector1-<tenant>._domainkey.<tenant>.onmicrosoft.com`) are followed by
 * the resolver. Returns the selector that hit, or null.
 */
export async function probeDkim(domain: string, provider: Provider, selectors: readonly string[], dns: DnsLookup): Promise<string | null> {
  const ordered = orderDkimSelectors(selectors, provider);
  const hits = async (selector: string) => {
    const answer = await dns.queryTxt(`${selector}._domainkey.${domain}`);
    return answer.kind === 'records' && answer.records.some(isDkimRecord);
  };

  const hasOwnSelector = (PROVIDER_SELECTORS[provider] ?? []).some((s) => ordered[0] === s);
  let next = 0;
  if (hasOwnSelector) {
    if (await hits(ordered[0])) return ordered[0];
    next = 1;
  }
  if (next < ordered.length) {
    const parent = await dns.queryTxt(`_domainkey.${domain}`);
    if (parent.kind === 'nxdomain') return null;
  }
  for (const selector of ordered.slice(next)) {
    if (await hits(selector)) return selector;
  }
  return null;
}

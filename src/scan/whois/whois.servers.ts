/**
 * Which port-43 server answers for a public suffix. A shipped table for the common suffixes;
 * for the rest, IANA's `refer:` answer (asked once per suffix, cached in memory).
 */
import { queryWhois } from './whois.client.js';

/** Keyed by public suffix (`com.tr`) or TLD (`tr`): the longest key that matches wins. */
const WHOIS_SERVERS: Record<string, string> = {
  com: 'whois.verisign-grs.com',
  net: 'whois.verisign-grs.com',
  org: 'whois.pir.org',
  info: 'whois.nic.info',
  biz: 'whois.nic.biz',
  io: 'whois.nic.io',
  co: 'whois.nic.co',
  me: 'whois.nic.me',
  ai: 'whois.nic.ai',
  app: 'whois.nic.google',
  dev: 'whois.nic.google',
  xyz: 'whois.nic.xyz',
  online: 'whois.nic.online',
  shop: 'whois.nic.shop',
  tr: 'whois.trabis.gov.tr',
  de: 'whois.denic.de',
  nl: 'whois.domain-registry.nl',
  eu: 'whois.eu',
  fr: 'whois.nic.fr',
  uk: 'whois.nic.uk',
  it: 'whois.nic.it',
  es: 'whois.nic.es',
  be: 'whois.dns.be',
  at: 'whois.nic.at',
  ch: 'whois.nic.ch',
  pl: 'whois.dns.pl',
  se: 'whois.iis.se',
  dk: 'whois.dk-hostmaster.dk',
  no: 'whois.norid.no',
  fi: 'whois.fi',
  cz: 'whois.nic.cz',
  ru: 'whois.tcinet.ru',
  us: 'whois.nic.us',
  ca: 'whois.cira.ca',
  au: 'whois.auda.org.au',
  in: 'whois.registry.in',
  jp: 'whois.jprs.jp',
  br: 'whois.registro.br',
};

/** The shipped server for a public suffix, or undefined. */
export function lookupWhoisServer(publicSuffix: string): string | undefined {
  const labels = publicSuffix.split('.');
  for (let i = 0; i < labels.length; i++) {
    const server = WHOIS_SERVERS[labels.slice(i).join('.')];
    if (server) return server;
  }
  return undefined;
}

/**
 * Extract the `refer:` / `whois:` server of an IANA reply: a host name only (no port, no
 * address literal: a referral is asked on port 43 of a public address). Pure.
 */
export function parseIanaReferral(raw: string): string | undefined {
  const host = /^(?:refer|whois):\s*(\S+)/im.exec(raw)?.[1]?.toLowerCase();
  return host && /^(?=.*[a-z])[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(host) ? host : undefined;
}

const ianaCache = new Map<string, Promise<string | undefined>>();

/** The WHOIS server for a suffix: shipped table first, IANA otherwise (cached). */
export async function resolveWhoisServer(publicSuffix: string, timeoutMs: number): Promise<string | undefined> {
  const known = lookupWhoisServer(publicSuffix);
  if (known) return known;
  const tld = publicSuffix.split('.').pop()!;
  let pending = ianaCache.get(tld);
  if (!pending) {
    pending = queryWhois({ host: 'whois.iana.org', port: 43, query: tld, timeoutMs, publicOnly: true })
      .then(parseIanaReferral)
      .catch(() => {
        ianaCache.delete(tld);
        return undefined;
      });
    ianaCache.set(tld, pending);
  }
  return pending;
}

/**
 * Input normalisation (domain-model §1): whatever a user pastes -> the registrable domain as an
 * A-label, or a specific reason why it is not a domain. Pure.
 */
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { truncateForEcho } from '../services/input.errors.js';

export type NormalizeResult = { ok: true; domain: string } | { ok: false; error: string };

const JUNK_VALUES = new Set(['nan', 'n/a', 'na', 'none', 'null', 'web', 'website', 'web sitesi', 'http', 'https']);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

const invalid = (why: string): NormalizeResult => ({ ok: false, error: `invalid_domain: ${why}` });

/** Reduce a URL, an e-mail address or a `host[:port][/path]` to its host part. */
export function extractHost(input: string): string {
  let value = input.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  if (scheme) value = value.slice(scheme[0].length);
  // user@host (an e-mail address or URL credentials): the host is after the last @
  const at = value.lastIndexOf('@');
  if (at >= 0) value = value.slice(at + 1);
  // drop path, query and fragment
  value = value.split(/[/?#]/, 1)[0];
  // drop a port (`example.com:443`); a bracketed IPv6 literal keeps its brackets for the IP check
  if (!value.startsWith('[')) value = value.replace(/:\d*$/, '');
  return value;
}

/**
 * Normalise one user-supplied entry to a registrable domain (punycode A-label), e.g.
 * `https://www.Mail.Example.co.uk:443/x` -> `example.co.uk`, `münchen.de` -> `xn--mnchen-3ya.de`.
 */
export function normalizeDomain(input: unknown): NormalizeResult {
  if (typeof input !== 'string') return invalid('not a string');
  const trimmed = input.trim();
  if (trimmed === '') return invalid('empty');
  if (JUNK_VALUES.has(trimmed.toLowerCase())) return invalid(`"${trimmed}" is not a domain`);

  let host = extractHost(trimmed).replace(/\.+$/, '').toLowerCase();
  if (host === '') return invalid('no host name');
  if (host.startsWith('[') || host.includes(':') || IPV4.test(host)) return invalid('an IP address is not a domain');
  if (/\s/.test(host)) return invalid('contains whitespace');

  if (/[^\x00-\x7f]/.test(host)) {
    // IDN -> A-labels (UTS #46). domainToASCII returns '' for names it cannot convert.
    const ascii = domainToASCII(host);
    if (!ascii) return invalid('not a valid internationalised domain name');
    host = ascii;
  }
  while (host.startsWith('www.')) host = host.slice(4);
  if (host.length > 253) return invalid('longer than 253 characters');

  const labels = host.split('.');
  if (labels.length < 2) return invalid('needs at least a name and a public suffix');
  for (const label of labels) {
    if (label.length === 0) return invalid('empty label');
    if (label.length > 63) return invalid(`label "${label.slice(0, 20)}…" longer than 63 characters`);
    if (!LABEL.test(label)) {
      return invalid(`label "${label}" must be letters, digits and inner hyphens`);
    }
  }

  const parsed = parseDomain(host, { allowPrivateDomains: false });
  if (parsed.isIp) return invalid('an IP address is not a domain');
  if (!parsed.publicSuffix || parsed.isIcann !== true) {
    return invalid(`unknown top-level domain ".${labels[labels.length - 1]}"`);
  }
  if (!parsed.domain) return invalid(`"${host}" is a public suffix, not a domain`);
  return { ok: true, domain: parsed.domain };
}

export interface NormalizedList {
  /** Unique valid domains in first-seen order. */
  domains: string[];
  /** Rejected entries with their reasons, in input order. */
  rejected: { input: string; error: string }[];
  /** Entries that normalised to a domain already in the list. */
  duplicates: number;
}

/** Normalise and dedupe a list; every rejected entry is reported with its reason. */
export function normalizeDomainList(inputs: readonly unknown[]): NormalizedList {
  const seen = new Set<string>();
  const domains: string[] = [];
  const rejected: NormalizedList['rejected'] = [];
  let duplicates = 0;
  for (const input of inputs) {
    const result = normalizeDomain(input);
    if (!result.ok) {
      // echoed back to the client: a 1 MB entry comes back as its first 200 characters
      rejected.push({ input: truncateForEcho(typeof input === 'string' ? input : JSON.stringify(input) ?? String(input)), error: result.error });
    } else if (seen.has(result.domain)) {
      duplicates++;
    } else {
      seen.add(result.domain);
      domains.push(result.domain);
    }
  }
  return { domains, rejected, duplicates };
}

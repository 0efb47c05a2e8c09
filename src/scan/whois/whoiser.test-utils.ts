/**
 * whoiser's WHOIS parser (`parseDomainWhois`, whoiser 1.18, a devDependency kept only for this
 * comparison) behind our `ParsedRegistration` shape, so the accuracy test can report its figures
 * on the same samples. Its dates come back as written; they are read with the corpus
 * comparator's own reader (`normalizeExpectedDate`), not ours, so whoiser is not credited or
 * blamed for our date reader. whoiser has no "not registered" verdict: a parse with no dates and
 * no name servers is counted as one, the most generous reading.
 */
import { createRequire } from 'node:module';
import { normalizeExpectedDate, normalizeExpectedRegistrar, type ReplyVerdict } from './whois.accuracy.js';
import type { ParsedRegistration } from './whois.parse.js';

type WhoiserParse = (domain: string, whois: string, ignorePrivacy?: boolean) => Record<string, unknown>;

const require = createRequire(import.meta.url);
const { parseDomainWhois } = require('whoiser/src/parsers.js') as { parseDomainWhois: WhoiserParse };

function text(value: unknown): string | null {
  if (Array.isArray(value)) return text(value[0]);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function isoDate(value: unknown): string | null {
  const raw = text(value);
  return raw ? normalizeExpectedDate(raw) : null;
}

/** whoiser's reading of a reply; null where it has none or it throws. */
export function parseWithWhoiser(domain: string, raw: string): ParsedRegistration {
  let data: Record<string, unknown>;
  try {
    data = parseDomainWhois(domain, raw);
  } catch {
    return { registrar: null, created_at: null, expires_at: null, nameservers: null };
  }
  const servers = Array.isArray(data['Name Server']) ? (data['Name Server'] as unknown[]) : [];
  const hosts = servers
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim().toLowerCase().replace(/\.$/, ''))
    .filter((v) => v !== '');
  return {
    registrar: normalizeExpectedRegistrar(text(data.Registrar)),
    created_at: isoDate(data['Created Date']),
    expires_at: isoDate(data['Expiry Date']),
    nameservers: hosts.length > 0 ? [...new Set(hosts)].sort() : null,
  };
}

/** whoiser's implicit verdict: a reply it reads no dates and no name servers from is "not registered". */
export function classifyWithWhoiser(domain: string, raw: string): ReplyVerdict {
  const parsed = parseWithWhoiser(domain, raw);
  return parsed.created_at || parsed.expires_at || parsed.nameservers ? 'registered' : 'not_found';
}

/**
 * Port-43 WHOIS replies to registration facts (domain-model §4). Pure: text in, record out.
 *
 * Layout handling lives in `whois.fields.ts`, label meanings in `whois.labels.ts`, dates in
 * `whois.dates.ts`; this file picks the facts out of the fields.
 */
import { declaredSlashOrder, parseWhoisDate, type SlashDateOrder } from './whois.dates.js';
import { detectWhoisNotFound, detectWhoisThrottle } from './whois.detect.js';
import { extractWhoisFields, type WhoisField } from './whois.fields.js';
import {
  isContactBlock,
  isCreatedLabel,
  isExpiresLabel,
  isNameserverLabel,
  isRegistrarBlock,
  isRegistrarLabel,
  registrarBlockRank,
} from './whois.labels.js';
import { normalizeNameservers, normalizeRegistrarName } from './whois.values.js';

// The parse API is this file; callers need not know how detection is split out.
export { detectWhoisNotFound, detectWhoisThrottle };

/** Registration facts read from a WHOIS or RDAP reply; null where the reply does not say. */
export interface ParsedRegistration {
  /** The registrar's name as written (not its URL, IANA ID or WHOIS server). */
  registrar: string | null;
  /** Creation date, ISO `YYYY-MM-DD`, the calendar date as written in the reply. */
  created_at: string | null;
  /** Expiry date, ISO `YYYY-MM-DD`, the calendar date as written in the reply. */
  expires_at: string | null;
  /** Lowercase, no trailing dot, no glue, sorted, deduped; null when none is listed. */
  nameservers: string[] | null;
}

/** What a WHOIS reply means: a refusal to retry, a permanent "not registered", or a record. */
export type WhoisReply =
  | { kind: 'throttled' }
  | { kind: 'not_found' }
  | { kind: 'registered'; registration: ParsedRegistration };

/**
 * SK-NIC writes the registrar as a handle object: `Registrar: ACTI-0024` then `Name: ACTIVE 24,
 * s.r.o.` in the same paragraph. The name is the better answer.
 */
function namedRegistrar(fields: WhoisField[], index: number): string | null {
  const next = fields[index + 1];
  if (!next || next.paragraph !== fields[index].paragraph || next.key !== 'name' || next.values.length === 0) return null;
  return normalizeRegistrarName(next.values[0]);
}

/**
 * The registrar: the first registrar label outside contact blocks, else the best name inside a
 * `Registrar:` block (EURid `Name:`, TRABIS `Organization Name:`, SIDN/NASK/Nominet value lines).
 */
function pickRegistrar(fields: WhoisField[]): string | null {
  let blockBest: { rank: number; name: string } | null = null;
  for (const [index, field] of fields.entries()) {
    if (isRegistrarBlock(field.section)) {
      const rank = registrarBlockRank(field.key);
      const name = rank >= 0 && field.values.length > 0 ? normalizeRegistrarName(field.values[0]) : null;
      if (name && (!blockBest || rank < blockBest.rank)) blockBest = { rank, name };
      continue;
    }
    // The registrar block just ended: it came first, so it wins.
    if (blockBest) return blockBest.name;
    if (isContactBlock(field.section) || !isRegistrarLabel(field.key)) continue;
    const name = namedRegistrar(fields, index) ?? (field.values.length > 0 ? normalizeRegistrarName(field.values[0]) : null);
    if (name) return name;
  }
  return blockBest?.name ?? null;
}

/** The first date under a matching label outside contact and registrar blocks. */
function pickDate(fields: WhoisField[], matches: (key: string) => boolean, order: SlashDateOrder): string | null {
  for (const field of fields) {
    if (!matches(field.key) || isContactBlock(field.section) || isRegistrarBlock(field.section)) continue;
    for (const value of field.values) {
      const date = parseWhoisDate(value, order);
      if (date) return date;
    }
  }
  return null;
}

function pickNameservers(fields: WhoisField[], domain: string): string[] | null {
  const apex = domain.toLowerCase().replace(/\.$/, '');
  const values: string[] = [];
  for (const field of fields) {
    if (!isNameserverLabel(field.key)) continue;
    // DK Hostmaster's `DNS:` line repeats the domain itself, not a name server.
    const own = field.key === 'dns' ? field.values.filter((v) => v.trim().toLowerCase() !== apex) : field.values;
    values.push(...own);
  }
  return normalizeNameservers(values);
}

/**
 * Reads registrar, creation and expiry dates and name servers from a WHOIS reply. Missing facts
 * are null; this never throws. Does not judge whether the reply is a record at all: use
 * {@link classifyWhoisReply} for that.
 *
 * @param domain the queried domain (used to tell the domain's own name from its name servers).
 * @param raw the reply text as received.
 */
export function parseWhois(domain: string, raw: string): ParsedRegistration {
  const fields = extractWhoisFields(raw);
  const order = declaredSlashOrder(raw);
  return {
    registrar: pickRegistrar(fields),
    created_at: pickDate(fields, isCreatedLabel, order),
    expires_at: pickDate(fields, isExpiresLabel, order),
    nameservers: pickNameservers(fields, domain),
  };
}

/**
 * Classifies a WHOIS reply: throttled first (AFNIC's refusal also says "No entries found"), then
 * not found, else the parsed record.
 */
export function classifyWhoisReply(domain: string, raw: string): WhoisReply {
  if (detectWhoisThrottle(raw)) return { kind: 'throttled' };
  if (detectWhoisNotFound(raw)) return { kind: 'not_found' };
  return { kind: 'registered', registration: parseWhois(domain, raw) };
}

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
  isCreatedLabelLoose,
  isDomainLabel,
  isExpiresLabel,
  isExpiresLabelLoose,
  isNameserverLabel,
  isNameserverLabelLoose,
  isRegistrarBlock,
  isRegistrarLabel,
  isRegistrarLabelLoose,
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
 * Whether a registrar value is a handle rather than a name: one token with a digit or an
 * inner hyphen or dot (`ACTI-0024`, `REGISTER-REG`, `ua.imena`), as registries that key
 * registrars by handle write them (.it, .sk, .ua, RIPE-like databases).
 */
function isHandle(name: string): boolean {
  return !/\s/.test(name) && (/\d/.test(name) || /\w[-.]\w/.test(name)) && !/^[A-Z][a-z]/.test(name);
}

interface RegistrarCandidate {
  name: string;
  /** 0 exact label outside blocks, 1 in a registrar block, 2 loose label outside blocks. */
  tier: number;
  rank: number;
  handle: boolean;
  index: number;
}

function better(a: RegistrarCandidate, b: RegistrarCandidate | null): boolean {
  if (!b) return true;
  if (a.handle !== b.handle) return !a.handle;
  if (a.tier !== b.tier) return a.tier < b.tier;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.index < b.index;
}

/**
 * The registrar: a registrar label outside contact blocks, or the best name inside a
 * `Registrar:` block (EURid `Name:`, TRABIS `Organization Name:`, SIDN/NASK/Nominet value
 * lines), labels in other wordings and languages last. A name beats a handle wherever the
 * reply has both (`Registrar: ACTI-0024` then `Name: ACTIVE 24, s.r.o.`).
 */
function pickRegistrar(fields: WhoisField[]): string | null {
  let best: RegistrarCandidate | null = null;
  const consider = (candidate: RegistrarCandidate): void => {
    if (better(candidate, best)) best = candidate;
  };
  for (const [index, field] of fields.entries()) {
    const value = field.values.length > 0 ? normalizeRegistrarName(field.values[0]) : null;
    if (!value) continue;
    if (isRegistrarBlock(field.section)) {
      const rank = registrarBlockRank(field.key);
      // Inside the block the registry's own labels decide (.it's `Name:` is its handle,
      // and both corpora expect it).
      if (rank >= 0) consider({ name: value, tier: 1, rank, handle: false, index });
      continue;
    }
    if (isContactBlock(field.section)) continue;
    if (isRegistrarLabel(field.key)) {
      consider({ name: value, tier: 0, rank: 0, handle: isHandle(value), index });
      // SK-NIC: the handle's object follows in the same paragraph, `Name:` first.
      const next = fields[index + 1];
      const named = next && next.paragraph === field.paragraph && next.key === 'name' && next.values[0];
      const name = named ? normalizeRegistrarName(named) : null;
      if (name && isHandle(value)) consider({ name, tier: 0, rank: 1, handle: isHandle(name), index });
    } else if (isRegistrarLabelLoose(field.key)) {
      consider({ name: value, tier: 2, rank: 0, handle: isHandle(value), index });
    }
  }
  return (best as RegistrarCandidate | null)?.name ?? null;
}

/**
 * Dates some registries put in a status line instead of a date label: JPRS `[State]
 * Connected (2010/09/30)` and UANIC `status: OK-UNTIL 20131218000000` (the date the
 * registration runs until).
 */
const STATUS_UNTIL = /^(?:connected|ok-until|active until|registered until|valid until|paid until)\s*\(?\s*(\S[^)]*)\)?$/i;

function statusExpiry(fields: WhoisField[], order: SlashDateOrder): string | null {
  for (const field of fields) {
    if (!/^(?:state|status|domain status)$/.test(field.key) || isContactBlock(field.section)) continue;
    for (const value of field.values) {
      const m = STATUS_UNTIL.exec(value.trim());
      const date = m ? parseWhoisDate(m[1], order) : null;
      if (date) return date;
    }
  }
  return null;
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
  const collect = (matches: (key: string) => boolean): string[] | null => {
    const values: string[] = [];
    for (const field of fields) {
      if (!matches(field.key) || isContactBlock(field.section)) continue;
      // DK Hostmaster's `DNS:` line repeats the domain itself, not a name server.
      const own = field.values.filter((v) => v.trim().toLowerCase().replace(/\.$/, '') !== apex);
      // Bullets in front of a host (`- ns1.x.com`, NIC-Uruguay).
      values.push(...own.map((v) => v.replace(/^[-*•>]+\s*/, '')));
    }
    return normalizeNameservers(values);
  };
  return collect(isNameserverLabel) ?? collect(isNameserverLabelLoose);
}

/**
 * The fields of the queried domain's own record. Some replies list other domains first (old
 * thin .com replies print every name matching the query, `Domain Name:`, `Registrar:` and
 * all, before the one asked for): when the reply names several domains and one of them is the
 * queried one, only the fields from its `Domain Name:` line up to the next other domain count.
 */
function ownRecord(fields: WhoisField[], domain: string): WhoisField[] {
  const apex = domain.toLowerCase().replace(/\.$/, '');
  const names = fields
    .map((field, index) => ({ index, value: isDomainLabel(field.key) ? (field.values[0] ?? '').trim().toLowerCase().replace(/\.$/, '') : '' }))
    .filter((entry) => /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(entry.value));
  if (!names.some((entry) => entry.value !== apex)) return fields;
  const own = names.findIndex((entry) => entry.value === apex);
  if (own === -1) return fields;
  const next = names.slice(own + 1).find((entry) => entry.value !== apex);
  return fields.slice(names[own].index, next ? next.index : fields.length);
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
  const fields = ownRecord(extractWhoisFields(raw), domain);
  const order = declaredSlashOrder(raw, domain);
  return {
    registrar: pickRegistrar(fields),
    created_at: pickDate(fields, isCreatedLabel, order) ?? pickDate(fields, isCreatedLabelLoose, order),
    expires_at:
      pickDate(fields, isExpiresLabel, order) ?? pickDate(fields, isExpiresLabelLoose, order) ?? statusExpiry(fields, order),
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

/**
 * Port-43 WHOIS replies to registration facts (domain-model §4). Pure: text in, record out.
 *
 * Layout handling lives in `whois.fields.ts`, label meanings in `whois.labels.ts`, dates in
 * `whois.dates.ts`; this file picks the facts out of the fields.
 */
import { declaredSlashOrder, parseWhoisDate, type SlashDateOrder } from './whois.dates.js';
import { detectWhoisEmptyRecord, detectWhoisNotFound, detectWhoisThrottle } from './whois.detect.js';
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
export { detectWhoisEmptyRecord, detectWhoisNotFound, detectWhoisThrottle };

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

/** Labels naming the object a registrar handle stands for, in the handle's own paragraph. */
const HANDLE_OBJECT_NAME = new Set(['name', 'organization', 'organisation', 'org', 'organization name', 'registrar name']);

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
      // .it writes `Organization:` then `Name: MARKMONITOR-REG`: the handle loses.
      if (rank >= 0) consider({ name: value, tier: 1, rank, handle: isHandle(value), index });
      continue;
    }
    if (isContactBlock(field.section)) continue;
    if (isRegistrarLabel(field.key)) {
      consider({ name: value, tier: 0, rank: 0, handle: isHandle(value), index });
      // The handle's object follows in the same paragraph: SK-NIC `Name:`, UANIC
      // `organization:`.
      if (isHandle(value)) {
        for (const next of fields.slice(index + 1, index + 4)) {
          if (next.paragraph !== field.paragraph || !HANDLE_OBJECT_NAME.has(next.key) || !next.values[0]) continue;
          const name = normalizeRegistrarName(next.values[0]);
          if (name) consider({ name, tier: 0, rank: 1, handle: isHandle(name), index });
          break;
        }
      }
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
      // Zone-file style `google.pt NS ns2.google.com.` (DNS.PT): the host is the record data.
      values.push(...own.map((v) => v.replace(/^[-*•>]+\s*/, '').replace(/^\S+\s+(?:IN\s+)?NS\s+/i, '')));
    }
    return normalizeNameservers(values);
  };
  return collect(isNameserverLabel) ?? collect(isNameserverLabelLoose);
}

/**
 * The fields of the queried domain's own record, most specific first. Some replies list other
 * domains first (old thin .com replies print every name matching the query, `Domain Name:`,
 * `Registrar:` and all, before the one asked for): when the reply names several domains and
 * one of them is the queried one, only the fields from its `Domain Name:` line up to the next
 * other domain count.
 */
function ownRecord(fields: WhoisField[], domain: string): WhoisField[][] {
  const apex = domain.toLowerCase().replace(/\.$/, '');
  const names = fields
    // `Server Name:` entries of thin .com listings are other records too.
    .map((field, index) => ({
      index,
      value: isDomainLabel(field.key) || field.key === 'server name' ? (field.values[0] ?? '').trim().toLowerCase().replace(/\.$/, '') : '',
    }))
    .filter((entry) => /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(entry.value));
  const own = names.filter((entry) => entry.value === apex);
  if (own.length === 0) return [fields];
  const end = (start: number): number => names.find((entry) => entry.index > start && entry.value !== apex)?.index ?? fields.length;
  const whole = names.some((entry) => entry.value !== apex) ? fields.slice(own[0].index, end(own[0].index)) : fields;
  if (own.length === 1) return [whole];
  // The record twice: a thin registry's, then the registrar's own that a referral-following
  // client appends (Verisign then the registrar for .com/.net). The registrar's is the full
  // one: it decides dates and name servers, the earlier one fills in what it lacks.
  const last = own[own.length - 1].index;
  return [fields.slice(last, end(last)), whole];
}

/** The first non-null answer of `pick` over the records, most specific first. */
function first<T>(records: WhoisField[][], pick: (fields: WhoisField[]) => T | null): T | null {
  for (const fields of records) {
    const value = pick(fields);
    if (value !== null) return value;
  }
  return null;
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
  const records = ownRecord(extractWhoisFields(raw), domain);
  const order = declaredSlashOrder(raw, domain);
  return {
    // Which registrar sponsors the name is the registry's word (the first record); the
    // registrar's own record may use a brand name (`Tucows Domains Inc.` / `TUCOWS, INC.`).
    registrar: first([...records].reverse(), pickRegistrar),
    created_at: first(records, (fields) => pickDate(fields, isCreatedLabel, order) ?? pickDate(fields, isCreatedLabelLoose, order)),
    expires_at: first(
      records,
      (fields) => pickDate(fields, isExpiresLabel, order) ?? pickDate(fields, isExpiresLabelLoose, order) ?? statusExpiry(fields, order),
    ),
    nameservers: first(records, (fields) => pickNameservers(fields, domain)),
  };
}

/**
 * Classifies a WHOIS reply: throttled first (AFNIC's refusal also says "No entries found"),
 * then not registered, else the parsed record. "Not registered" is a statement of it (in any
 * of the wordings and languages `detectWhoisNotFound` knows) or a reply with no record in it
 * at all (`detectWhoisEmptyRecord`); either way never a reply that carries the domain's dates
 * or name servers: a registered domain must not be called unregistered.
 */
export function classifyWhoisReply(domain: string, raw: string): WhoisReply {
  if (detectWhoisThrottle(raw)) return { kind: 'throttled' };
  const registration = parseWhois(domain, raw);
  const hasFacts = registration.created_at !== null || registration.expires_at !== null || registration.nameservers !== null;
  if (!hasFacts && (detectWhoisNotFound(raw) || detectWhoisEmptyRecord(domain, raw))) return { kind: 'not_found' };
  return { kind: 'registered', registration };
}

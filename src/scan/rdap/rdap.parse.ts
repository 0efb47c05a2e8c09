/**
 * RDAP domain objects (RFC 9083) to registration facts, and the `Retry-After` header of a 429.
 * Pure: JSON in, record out; untrusted input never throws.
 */
import { parseWhoisDate } from '../whois/whois.dates.js';
import type { ParsedRegistration } from '../whois/whois.parse.js';
import { normalizeNameservers, normalizeRegistrarName } from '../whois/whois.values.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectsIn(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/**
 * The text of a vCard property (jCard, RFC 7095: `[name, params, type, value]`) of an entity,
 * e.g. `fn`. Structured values (`org` may be an array) are joined with spaces.
 */
function vcardText(entity: JsonObject, property: string): string | null {
  const vcard = entity.vcardArray;
  if (!Array.isArray(vcard) || !Array.isArray(vcard[1])) return null;
  for (const entry of vcard[1]) {
    if (!Array.isArray(entry) || entry[0] !== property) continue;
    const value: unknown = entry[3];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.filter((part) => typeof part === 'string' && part !== '').join(' ');
  }
  return null;
}

/** Entities with the `registrar` role, nearest first (breadth first: top-level before nested). */
function registrarEntities(domain: JsonObject): JsonObject[] {
  const found: JsonObject[] = [];
  let level = objectsIn(domain.entities);
  // Depth bound: real responses nest two or three levels; garbage input must not loop forever.
  for (let depth = 0; depth < 8 && level.length > 0; depth += 1) {
    for (const entity of level) {
      const roles = Array.isArray(entity.roles) ? entity.roles : [];
      if (roles.some((role) => typeof role === 'string' && role.toLowerCase() === 'registrar')) found.push(entity);
    }
    level = level.flatMap((entity) => objectsIn(entity.entities));
  }
  return found;
}

function registrarName(domain: JsonObject): string | null {
  for (const entity of registrarEntities(domain)) {
    const name = vcardText(entity, 'fn') ?? vcardText(entity, 'org');
    const clean = name === null ? null : normalizeRegistrarName(name);
    if (clean) return clean;
  }
  return null;
}

/** The calendar date of the first event with this action (RFC 9083 §4.5), as written. */
function eventDate(domain: JsonObject, action: string): string | null {
  for (const event of objectsIn(domain.events)) {
    if (event.eventAction !== action || typeof event.eventDate !== 'string') continue;
    // RFC 3339 timestamps: the date part is the date the registry wrote, no zone shifting.
    if (/^\d{4}-\d{2}-\d{2}/.test(event.eventDate)) return parseWhoisDate(event.eventDate);
  }
  return null;
}

function nameservers(domain: JsonObject): string[] | null {
  const names = objectsIn(domain.nameservers)
    .map((ns) => (typeof ns.ldhName === 'string' ? ns.ldhName : ns.unicodeName))
    .filter((name): name is string => typeof name === 'string');
  return normalizeNameservers(names);
}

/**
 * Reads registrar (`fn` of the entity with role `registrar`, nested entities included), creation
 * and expiry dates (`registration` and `expiration` events) and name servers (`ldhName`) from an
 * RDAP domain response. Missing or malformed parts are null; a non-object gives all nulls.
 */
export function parseRdapDomain(json: unknown): ParsedRegistration {
  if (!isObject(json)) return { registrar: null, created_at: null, expires_at: null, nameservers: null };
  return {
    registrar: registrarName(json),
    created_at: eventDate(json, 'registration'),
    expires_at: eventDate(json, 'expiration'),
    nameservers: nameservers(json),
  };
}

/**
 * The wait a `Retry-After` header asks for (RFC 9110 §10.2.3), in milliseconds: either
 * delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, measured from `now`,
 * never negative).
 *
 * @param header the header value, null when absent.
 * @param now current time in epoch milliseconds; defaults to `Date.now()`.
 * @returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only a date with letters in it: Date.parse would read a bare "-5" or "1.5" as a year.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Lookup tables over the loaded cases, built once: owner names, faults, empty non-terminals and
 * registered domains, all keyed by lowercase name so each query costs a few Map reads
 * (benchmarks load 10 000+ cases).
 */
import type { SimCase, SimDnsFault, SimWhois } from './sim.types.js';

/** Record data ready for dns-packet, per type. TXT strings are pre-split into <= 255-byte chunks. */
export interface OwnerData {
  MX?: Array<{ preference: number; exchange: string }>;
  TXT?: Buffer[][];
  NS?: string[];
  A?: string[];
  AAAA?: string[];
  CNAME?: string;
}

/** The record types an owner can hold. */
export type OwnerRecordType = keyof OwnerData;

/** A fault and the owner it is set on (its `times` counter is per owner). */
export interface FaultSite {
  owner: string;
  fault: SimDnsFault;
}

/** Lowercase, without trailing dot: the key of every table. */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** What the servers ask of the cases (one index, or layers of them). */
export interface CaseIndex {
  /** Records of an owner; undefined = not an owner. */
  findOwner(name: string): OwnerData | undefined;
  /**
   * A name that owns nothing but has owners below it in the same case's domain
   * (`_domainkey.acme.fr` when `selector1._domainkey.acme.fr` exists). Real DNS answers
   * NOERROR/NODATA there, and RFC 8020 resolvers read NXDOMAIN as "nothing below exists".
   */
  isEmptyNonTerminal(name: string): boolean;
  /** The fault on the closest owner at or above `name`, if any. */
  findFault(name: string): FaultSite | undefined;
  /** The case registering `domain` (lowercase), for WHOIS/RDAP. */
  findCase(domain: string): SimCase | undefined;
  /** Registration data of `domain`, if a case registers it. */
  findWhois(domain: string): SimWhois | undefined;
  /** TLDs of the loaded cases' domains, sorted (for the RDAP bootstrap file). */
  tlds(): string[];
  /** Number of distinct domains. */
  readonly size: number;
}

/**
 * Index the cases. When two cases define the same owner or domain, the first one wins
 * (clones that share a provider host name carry identical records anyway).
 */
export function createCaseIndex(cases: readonly SimCase[]): CaseIndex {
  const owners = new Map<string, OwnerData>();
  const faults = new Map<string, SimDnsFault>();
  const emptyNonTerminals = new Set<string>();
  const domains = new Map<string, SimCase>();
  const tlds = new Set<string>();

  for (const c of cases) {
    const domain = normalizeName(c.domain);
    if (!domains.has(domain)) domains.set(domain, c);
    tlds.add(domain.slice(domain.lastIndexOf('.') + 1));
    for (const [rawOwner, records] of Object.entries(c.zone)) {
      const owner = normalizeName(rawOwner);
      if (records._fault && !faults.has(owner)) faults.set(owner, records._fault);
      if (owners.has(owner)) continue;
      owners.set(owner, compileOwner(records));
      markEmptyNonTerminals(owner, domain, emptyNonTerminals);
    }
  }
  for (const owner of owners.keys()) emptyNonTerminals.delete(owner);

  return {
    /** Records of an owner; undefined = not an owner. */
    findOwner(name: string): OwnerData | undefined {
      return owners.get(name);
    },
    /**
     * A name that owns nothing but has owners below it in the same case's domain
     * (`_domainkey.acme.fr` when `selector1._domainkey.acme.fr` exists). Real DNS answers
     * NOERROR/NODATA there, and RFC 8020 resolvers read NXDOMAIN as "nothing below exists".
     */
    isEmptyNonTerminal(name: string): boolean {
      return emptyNonTerminals.has(name);
    },
    /** The fault on the closest owner at or above `name`, if any. */
    findFault(name: string): FaultSite | undefined {
      if (faults.size === 0) return undefined;
      for (let at = name; ; ) {
        const fault = faults.get(at);
        if (fault) return { owner: at, fault };
        const dot = at.indexOf('.');
        if (dot < 0) return undefined;
        at = at.slice(dot + 1);
      }
    },
    /** The case registering `domain` (lowercase), for WHOIS/RDAP. */
    findCase(domain: string): SimCase | undefined {
      return domains.get(domain);
    },
    /** Registration data of `domain`, if a case registers it. */
    findWhois(domain: string): SimWhois | undefined {
      return domains.get(domain)?.whois;
    },
    /** TLDs of the loaded cases' domains, sorted (for the RDAP bootstrap file). */
    tlds(): string[] {
      return [...tlds].filter(Boolean).sort();
    },
    /** Number of distinct domains. */
    get size(): number {
      return domains.size;
    },
  };
}

function compileOwner(records: SimCase['zone'][string]): OwnerData {
  const data: OwnerData = {};
  if (records.MX) data.MX = records.MX.map(([preference, exchange]) => ({ preference, exchange }));
  if (records.TXT) data.TXT = records.TXT.map((strings) => strings.flatMap(splitCharacterString));
  if (records.NS) data.NS = [...records.NS];
  if (records.A) data.A = [...records.A];
  if (records.AAAA) data.AAAA = [...records.AAAA];
  if (records.CNAME) data.CNAME = records.CNAME;
  return data;
}

// A DNS character-string holds at most 255 bytes (RFC 1035 3.3); dns-packet would write a wrong
// length byte for a longer one. Splitting is what zone tools do, and readers join the chunks.
function splitCharacterString(s: string): Buffer[] {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= 255) return [bytes];
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) chunks.push(bytes.subarray(i, i + 255));
  return chunks;
}

// Every name strictly between an owner and its case's domain (inclusive of the domain itself) exists
// as an empty non-terminal. Owners outside the case's domain (provider hosts) get none: we do not
// know where their zone starts.
function markEmptyNonTerminals(owner: string, domain: string, into: Set<string>): void {
  if (owner !== domain && !owner.endsWith(`.${domain}`)) return;
  for (let at = owner; at !== domain; ) {
    at = at.slice(at.indexOf('.') + 1);
    into.add(at);
  }
}

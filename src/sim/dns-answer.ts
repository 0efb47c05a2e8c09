/**
 * What the simulated DNS answers to one question, independent of the transport:
 * fault first, then owner lookup with CNAME chasing.
 */
import type { Answer } from 'dns-packet';
import { normalizeName, type CaseIndex, type OwnerData, type OwnerRecordType } from './case-index.js';
import type { FaultCounters } from './fault-counters.js';
import type { SimOutcome } from './sim.types.js';

/** DNS RCODE values (RFC 1035 4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Reply with this rcode and these answers, or stay silent. */
export type DnsDecision =
  | { action: 'reply'; rcode: number; answers: Answer[]; outcome: SimOutcome }
  | { action: 'drop'; outcome: 'TIMEOUT' };

const TTL = 300;
// Resolvers give up on longer chains; BIND's limit is 16, 8 is plenty for test zones.
const MAX_CNAME_HOPS = 8;

/** Decide the reply to a question `name`/`type` (name as asked; its case is echoed). */
export function answerDnsQuestion(name: string, type: string, index: CaseIndex, faults: FaultCounters): DnsDecision {
  const key = normalizeName(name);
  const site = index.findFault(key);
  if (site && faults.takeDns(site.owner, site.fault.times)) {
    const { rcode } = site.fault;
    if (rcode === 'TIMEOUT') return { action: 'drop', outcome: 'TIMEOUT' };
    return { action: 'reply', rcode: RCODE[rcode], answers: [], outcome: rcode };
  }

  const answers: Answer[] = [];
  let ownerName = stripDot(name);
  let owner = index.findOwner(key);
  for (let hops = 0; ; hops++) {
    if (!owner) {
      // A dangling CNAME still returns the chain so far, with the target's rcode (RFC 6604).
      const rcode = index.isEmptyNonTerminal(normalizeName(ownerName)) ? RCODE.NOERROR : RCODE.NXDOMAIN;
      return finish(rcode, answers, type);
    }
    if (owner.CNAME === undefined || type === 'CNAME' || type === 'ANY') break;
    if (hops >= MAX_CNAME_HOPS) return { action: 'reply', rcode: RCODE.SERVFAIL, answers: [], outcome: 'SERVFAIL' };
    answers.push({ name: ownerName, type: 'CNAME', class: 'IN', ttl: TTL, data: stripDot(owner.CNAME) });
    ownerName = stripDot(owner.CNAME);
    owner = index.findOwner(normalizeName(ownerName));
  }
  answers.push(...recordsOf(owner, ownerName, type));
  return finish(RCODE.NOERROR, answers, type);
}

// Outcome NODATA also when only a CNAME chain came back: the asked type has no records.
// (node's resolve4/resolveTxt then resolve to [] instead of failing with ENODATA.)
function finish(rcode: number, answers: Answer[], type: string): DnsDecision {
  if (rcode === RCODE.NXDOMAIN) return { action: 'reply', rcode, answers, outcome: 'NXDOMAIN' };
  const found = answers.some((a) => a.type === type || type === 'ANY');
  return { action: 'reply', rcode, answers, outcome: found ? 'NOERROR' : 'NODATA' };
}

const TYPES: OwnerRecordType[] = ['A', 'AAAA', 'NS', 'MX', 'TXT', 'CNAME'];

function recordsOf(owner: OwnerData, name: string, type: string): Answer[] {
  if (type === 'ANY') return TYPES.flatMap((t) => recordsOf(owner, name, t));
  const base = { name, class: 'IN' as const, ttl: TTL };
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'NS':
      return (owner[type] ?? []).map((data) => ({ ...base, type, data }));
    case 'CNAME':
      return owner.CNAME === undefined ? [] : [{ ...base, type, data: stripDot(owner.CNAME) }];
    case 'MX':
      // A null MX host "." stays ".": dns-packet strips the dot and writes the root name (one 0 byte).
      return (owner.MX ?? []).map((data) => ({ ...base, type, data: { ...data } }));
    case 'TXT':
      // A fresh array per answer: dns-packet's TXT encoder rewrites the array it is given in place.
      return (owner.TXT ?? []).map((chunks) => ({ ...base, type, data: [...chunks] }));
    default:
      return [];
  }
}

function stripDot(name: string): string {
  return name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name;
}

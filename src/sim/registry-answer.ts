/**
 * The registration-data decision shared by the WHOIS and RDAP servers: a case's fault applies
 * to both protocols and its `times` budget is spent by whichever asks.
 */
import type { CaseIndex } from './case-index.js';
import type { FaultCounters } from './fault-counters.js';
import type { SimWhois } from './sim.types.js';

/** Silence, a throttle reply, the domain's registration data, or "no such domain". */
export type RegistryDecision =
  | { kind: 'timeout' }
  | { kind: 'throttle'; reply: string }
  | { kind: 'found'; whois: SimWhois }
  | { kind: 'unknown' };

/** Decide the reply for a (lowercase) domain; consumes the fault budget when the fault fires. */
export function answerRegistryQuery(domain: string, index: CaseIndex, faults: FaultCounters): RegistryDecision {
  const whois = index.findWhois(domain);
  if (!whois) return { kind: 'unknown' };
  const fault = whois.fault;
  if (fault?.kind === 'TIMEOUT') return { kind: 'timeout' };
  if (fault?.kind === 'THROTTLE' && faults.takeWhois(domain, fault.times)) return { kind: 'throttle', reply: fault.reply };
  return { kind: 'found', whois };
}

/**
 * `times` budgets of injected faults: how many queries a fault has already failed.
 * DNS budgets are per faulted owner (all types and names below it count); WHOIS budgets are per
 * domain and shared by the WHOIS and RDAP servers, since a case's fault applies to both.
 */

/** Consume fault budgets; `reset()` restores them all. */
export function createFaultCounters() {
  const dnsUsed = new Map<string, number>();
  const whoisUsed = new Map<string, number>();

  function take(used: Map<string, number>, key: string, times: number | undefined): boolean {
    if (times === undefined) return true;
    const n = used.get(key) ?? 0;
    if (n >= times) return false;
    used.set(key, n + 1);
    return true;
  }

  return {
    /** Whether this query to/under `owner` fails (and count it if so). */
    takeDns(owner: string, times: number | undefined): boolean {
      return take(dnsUsed, owner, times);
    },
    /** Whether this WHOIS or RDAP query for `domain` gets the fault (and count it if so). */
    takeWhois(domain: string, times: number | undefined): boolean {
      return take(whoisUsed, domain, times);
    },
    reset(): void {
      dnsUsed.clear();
      whoisUsed.clear();
    },
  };
}

/** Fault budgets of one simulator. */
export type FaultCounters = ReturnType<typeof createFaultCounters>;

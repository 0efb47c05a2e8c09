/**
 * DNS answers remembered across the attempts of one domain: when an attempt fails on one query
 * (a SERVFAIL, a lost packet), the retry asks only that query and the ones after it, not the
 * MX, TXT and DMARC lookups that already answered. Only answers are kept (records, NODATA,
 * NXDOMAIN), never errors. JSON-serialisable, so a worker keeps it with the unit's partial state.
 */
import type { DnsAnswer, DnsLookup } from './dns.client.js';

/** Answers by `<type> <name>`. */
export type DnsAnswerMemo = Record<string, DnsAnswer<unknown>>;

export function memoizeDnsLookup(dns: DnsLookup, memo: DnsAnswerMemo): DnsLookup {
  async function ask<T>(key: string, query: () => Promise<DnsAnswer<T>>): Promise<DnsAnswer<T>> {
    const known = memo[key];
    if (known) return known as DnsAnswer<T>;
    const answer = await query();
    memo[key] = answer;
    return answer;
  }
  return {
    queryMx: (name) => ask(`MX ${name}`, () => dns.queryMx(name)),
    queryTxt: (name) => ask(`TXT ${name}`, () => dns.queryTxt(name)),
  };
}

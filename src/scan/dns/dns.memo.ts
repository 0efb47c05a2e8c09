/**
 * DNS answers remembered across the attempts of one domain: when an attempt fails on one query
 * (a SERVFAIL, a lost packet), the retry asks only that query and the ones after it, not the
 * MX, TXT and DMARC lookups that already answered. Only answers are kept (records, NODATA,
 * NXDOMAIN), never errors. A worker keeps them with the unit's partial state as JSON
 * (`DnsAnswerMemo`).
 */
import type { DnsAnswer, DnsLookup } from './dns.client.js';

/** Answers by `<type> <name>`: the JSON-serialisable form, in the order they came. */
export type DnsAnswerMemo = Record<string, DnsAnswer<unknown>>;

/**
 * The answers of one domain while its DNS stage runs. Held in a Map: names are unique per
 * domain, and an object keyed by them would make every domain intern its names and grow hidden
 * classes of its own (a few microseconds per query). `toMemo()` gives the serialisable record
 * (a failed attempt hands it to the next); answers that land after that are added to it too.
 */
export class DnsAnswers {
  private readonly byKey: Map<string, DnsAnswer<unknown>>;
  private memo: DnsAnswerMemo | undefined;

  constructor(known: DnsAnswerMemo = {}) {
    this.byKey = new Map(Object.entries(known));
  }

  get(key: string): DnsAnswer<unknown> | undefined {
    return this.byKey.get(key);
  }

  set(key: string, answer: DnsAnswer<unknown>): void {
    this.byKey.set(key, answer);
    if (this.memo) this.memo[key] = answer;
  }

  toMemo(): DnsAnswerMemo {
    this.memo ??= Object.fromEntries(this.byKey);
    return this.memo;
  }
}

export function memoizeDnsLookup(dns: DnsLookup, answers: DnsAnswers): DnsLookup {
  async function ask<T>(key: string, query: () => Promise<DnsAnswer<T>>): Promise<DnsAnswer<T>> {
    const known = answers.get(key);
    if (known) return known as DnsAnswer<T>;
    const answer = await query();
    answers.set(key, answer);
    return answer;
  }
  return {
    queryMx: (name) => ask(`MX ${name}`, () => dns.queryMx(name)),
    queryTxt: (name) => ask(`TXT ${name}`, () => dns.queryTxt(name)),
  };
}

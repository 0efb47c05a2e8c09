import { describe, expect, it } from 'vitest';
import type { DnsAnswer, DnsLookup } from './dns.client.js';
import { DnsAnswers, memoizeDnsLookup } from './dns.memo.js';

/** A lookup that counts its queries and answers each when told to. */
function fakeLookup() {
  const asked: string[] = [];
  const pending = new Map<string, (answer: DnsAnswer<never>) => void>();
  const ask = (key: string) => {
    asked.push(key);
    return new Promise<DnsAnswer<never>>((resolve) => pending.set(key, resolve));
  };
  const lookup: DnsLookup = { queryMx: (name) => ask(`MX ${name}`), queryTxt: (name) => ask(`TXT ${name}`) };
  return { lookup, asked, answer: (key: string, answer: DnsAnswer<never>) => pending.get(key)!(answer) };
}

describe('memoizeDnsLookup over DnsAnswers', () => {
  it('asks each name once, and the record lists the answers in the order they came', async () => {
    const { lookup, asked, answer } = fakeLookup();
    const answers = new DnsAnswers();
    const dns = memoizeDnsLookup(lookup, answers);
    const txt = dns.queryTxt('a.example');
    const mx = dns.queryMx('a.example');
    answer('MX a.example', { kind: 'nodata' });
    answer('TXT a.example', { kind: 'nxdomain' });
    await Promise.all([txt, mx]);
    expect(await dns.queryMx('a.example')).toEqual({ kind: 'nodata' });
    expect(asked).toEqual(['TXT a.example', 'MX a.example']);
    expect(JSON.stringify(answers.toMemo())).toBe(JSON.stringify({ 'MX a.example': { kind: 'nodata' }, 'TXT a.example': { kind: 'nxdomain' } }));
  });

  it('an attempt started from a saved record does not ask again; an answer landing after toMemo() is in the record too', async () => {
    const { lookup, asked, answer } = fakeLookup();
    const answers = new DnsAnswers({ 'MX b.example': { kind: 'records', records: [] } });
    const dns = memoizeDnsLookup(lookup, answers);
    expect(await dns.queryMx('b.example')).toEqual({ kind: 'records', records: [] });
    const late = dns.queryTxt('_dmarc.b.example');
    const memo = answers.toMemo();
    expect(Object.keys(memo)).toEqual(['MX b.example']);
    answer('TXT _dmarc.b.example', { kind: 'nodata' });
    await late;
    expect(memo['TXT _dmarc.b.example']).toEqual({ kind: 'nodata' });
    expect(asked).toEqual(['TXT _dmarc.b.example']);
  });
});

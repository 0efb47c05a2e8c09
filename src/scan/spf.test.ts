import { describe, expect, it } from 'vitest';
import { parseSpf, pickSpfRecords } from './spf.js';

describe('pickSpfRecords', () => {
  it('joins the character-strings of one TXT record without a separator', () => {
    const txt = [['v=spf1 include:spf.hornetsecurity.com', ' include:_spf.google.com ~all']];
    expect(pickSpfRecords(txt)).toEqual([
      'v=spf1 include:spf.hornetsecurity.com include:_spf.google.com ~all',
    ]);
  });

  it('keeps only records that start with v=spf1, case-insensitively', () => {
    const txt = [['google-site-verification=abc'], ['V=SPF1 -all'], ['MS=ms123'], ['v=spf1 mx ~all']];
    expect(pickSpfRecords(txt)).toEqual(['V=SPF1 -all', 'v=spf1 mx ~all']);
  });

  it('accepts a bare v=spf1 record', () => {
    expect(pickSpfRecords([['v=spf1']])).toEqual(['v=spf1']);
  });

  it('rejects a version tag followed by anything but a space', () => {
    expect(pickSpfRecords([['v=spf10 -all'], ['v=spf1-all'], [' v=spf1 -all'], ['spf1 -all']])).toEqual([]);
  });

  it('returns every SPF record so the caller can flag spf_multiple_records', () => {
    expect(pickSpfRecords([['v=spf1 -all'], ['v=spf1 mx -all']])).toHaveLength(2);
  });

  it('returns nothing for an empty answer', () => {
    expect(pickSpfRecords([])).toEqual([]);
  });
});

describe('parseSpf', () => {
  it('reads include targets lowercased, in order', () => {
    const spf = parseSpf('v=spf1 include:_SPF.Google.com include:servers.mcsv.net ~all');
    expect(spf.includes).toEqual(['_spf.google.com', 'servers.mcsv.net']);
  });

  it('keeps the raw record', () => {
    expect(parseSpf('v=spf1 -all').raw).toBe('v=spf1 -all');
  });

  it('reads includes with a qualifier and mechanism names in any case', () => {
    expect(parseSpf('v=spf1 ~include:a.example -INCLUDE:B.example ?all').includes).toEqual([
      'a.example',
      'b.example',
    ]);
  });

  it('strips a trailing dot from include targets', () => {
    expect(parseSpf('v=spf1 include:spf.protection.outlook.com. -all').includes).toEqual([
      'spf.protection.outlook.com',
    ]);
  });

  it.each([
    ['v=spf1 -all', '-'],
    ['v=spf1 mx ~all', '~'],
    ['v=spf1 ?all', '?'],
    ['v=spf1 +all', '+'],
    ['v=spf1 all', '+'],
    ['v=spf1 mx -ALL', '-'],
  ] as const)('reads the all qualifier of %s as %s', (raw, qualifier) => {
    expect(parseSpf(raw).all).toBe(qualifier);
  });

  it('has no all qualifier when there is no all mechanism', () => {
    expect(parseSpf('v=spf1 include:_spf.google.com').all).toBeNull();
  });

  it('takes the first all term when several are written', () => {
    expect(parseSpf('v=spf1 -all ~all').all).toBe('-');
  });

  it('reads the redirect modifier, lowercased', () => {
    const spf = parseSpf('v=spf1 redirect=_SPF.Example.com');
    expect(spf.redirect).toBe('_spf.example.com');
    expect(spf.includes).toEqual([]);
    expect(spf.all).toBeNull();
  });

  it('keeps the first redirect when there are several', () => {
    expect(parseSpf('v=spf1 redirect=a.example redirect=b.example').redirect).toBe('a.example');
  });

  it('does not mistake a mechanism that merely contains "all" for all', () => {
    expect(parseSpf('v=spf1 a:allmail.example exists:all.example').all).toBeNull();
  });

  it('tolerates garbage, extra whitespace and empty include targets', () => {
    const spf = parseSpf('v=spf1   include:   ip4:not-an-ip\tinclude:ok.example  %%% ~all  ');
    expect(spf.includes).toEqual(['ok.example']);
    expect(spf.all).toBe('~');
    expect(spf.redirect).toBeNull();
  });

  it('tolerates an empty string', () => {
    expect(parseSpf('')).toEqual({ raw: '', includes: [], redirect: null, all: null });
  });
});

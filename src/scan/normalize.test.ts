import { describe, expect, it } from 'vitest';
import { normalizeDomain, normalizeDomainList } from './normalize.js';

const ok = (input: string) => {
  const r = normalizeDomain(input);
  if (!r.ok) throw new Error(`${input}: ${r.error}`);
  return r.domain;
};
const err = (input: unknown) => {
  const r = normalizeDomain(input);
  if (r.ok) throw new Error(`${String(input)} was accepted as ${r.domain}`);
  return r.error;
};

describe('normalizeDomain', () => {
  it('takes the host of a URL and drops port, path and query', () => {
    expect(ok('https://www.Example.com:8443/path?q=1#x')).toBe('example.com');
    expect(ok('http://user:pw@shop.example.org/')).toBe('example.org');
  });
  it('reduces host/path and host:port without a scheme to the host (fix)', () => {
    expect(ok('example.com/path')).toBe('example.com');
    expect(ok('example.com:443')).toBe('example.com');
  });
  it('takes the host of an e-mail address', () => {
    expect(ok('  john.doe@Firma.com.tr ')).toBe('firma.com.tr');
  });
  it('strips trailing dots, lowercases and removes leading www labels', () => {
    expect(ok('WWW.www.Example.COM.')).toBe('example.com');
  });
  it('reduces to the registrable domain with the public suffix list', () => {
    expect(ok('mail.sub.example.co.uk')).toBe('example.co.uk');
    expect(ok('shop.firma.com.tr')).toBe('firma.com.tr');
  });
  it('ignores private suffixes: a blogspot site is a subdomain of blogspot.com', () => {
    expect(ok('foo.blogspot.com')).toBe('blogspot.com');
  });
  it('converts IDNs to A-labels, also when the first label is non-ASCII (fix)', () => {
    expect(ok('münchen.de')).toBe('xn--mnchen-3ya.de');
    expect(ok('https://www.Bücher.com/x')).toBe('xn--bcher-kva.com');
    expect(ok('xn--mnchen-3ya.de')).toBe('xn--mnchen-3ya.de');
  });
  it('rejects junk values with a reason', () => {
    for (const junk of ['nan', 'N/A', 'none', 'null', 'web sitesi', 'https', 'Website']) {
      expect(err(junk)).toMatch(/^invalid_domain: .* is not a domain$/);
    }
  });
  it('rejects IP addresses', () => {
    expect(err('192.0.2.1')).toBe('invalid_domain: an IP address is not a domain');
    expect(err('http://[2001:db8::1]/')).toBe('invalid_domain: an IP address is not a domain');
  });
  it('rejects bad labels, lengths and bare suffixes', () => {
    expect(err('-bad.com')).toMatch(/label "-bad"/);
    expect(err('bad_name.com')).toMatch(/label "bad_name"/);
    expect(err(`${'a'.repeat(64)}.com`)).toMatch(/longer than 63/);
    expect(err('co.uk')).toMatch(/is a public suffix/);
    expect(err('localhost')).toMatch(/needs at least a name/);
    expect(err('foo..com')).toMatch(/empty label/);
    expect(err('example.notatld')).toMatch(/unknown top-level domain/);
    expect(err('')).toBe('invalid_domain: empty');
    expect(err(42)).toBe('invalid_domain: not a string');
  });
});

describe('normalizeDomainList', () => {
  it('dedupes after normalisation, keeps first-seen order and reports every rejected entry', () => {
    const r = normalizeDomainList(['b.com', 'https://www.a.com/x', 'B.COM.', 'nan', 'a.com', 7]);
    expect(r.domains).toEqual(['b.com', 'a.com']);
    expect(r.duplicates).toBe(2);
    expect(r.rejected).toEqual([
      { input: 'nan', error: 'invalid_domain: "nan" is not a domain' },
      { input: '7', error: 'invalid_domain: not a string' },
    ]);
  });
});

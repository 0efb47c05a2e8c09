import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRdapDomain, parseRetryAfter } from './rdap.parse.js';

interface DnsCase {
  domain: string;
  whois: { rdap?: unknown };
  expect: {
    failed?: boolean;
    scan_status?: string;
    registrar?: string | null;
    created_at?: string | null;
    expires_at?: string | null;
    nameservers?: string[] | null;
  };
}

const dnsCases = (
  JSON.parse(readFileSync(path.join(process.cwd(), 'test/fixtures/dns-cases.json'), 'utf8')) as { cases: DnsCase[] }
).cases;

const NULLS = { registrar: null, created_at: null, expires_at: null, nameservers: null };

function vcard(fn: string): unknown[] {
  return ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', fn]]];
}

describe('parseRdapDomain', () => {
  const withRdap = dnsCases.filter((c) => c.whois.rdap && !c.expect.failed && c.expect.scan_status !== 'whois_failed');

  it('has RDAP fixtures to check', () => {
    expect(withRdap.length).toBeGreaterThan(40);
  });

  it.each(withRdap.map((c) => [c.domain, c] as const))('parses the RDAP answer of %s to its expected registration', (_, c) => {
    expect(parseRdapDomain(c.whois.rdap)).toEqual({
      registrar: c.expect.registrar,
      created_at: c.expect.created_at,
      expires_at: c.expect.expires_at,
      nameservers: c.expect.nameservers,
    });
  });

  it('finds the registrar in a nested entity', () => {
    const json = {
      entities: [{ roles: ['registrant'], vcardArray: vcard('REDACTED'), entities: [{ roles: ['registrar'], vcardArray: vcard('Gandi SAS') }] }],
    };
    expect(parseRdapDomain(json).registrar).toBe('Gandi SAS');
  });

  it('prefers a top-level registrar over a nested one', () => {
    const json = {
      entities: [
        { roles: ['technical'], entities: [{ roles: ['registrar'], vcardArray: vcard('Reseller Ltd') }] },
        { roles: ['registrar'], vcardArray: vcard('Key-Systems GmbH') },
      ],
    };
    expect(parseRdapDomain(json).registrar).toBe('Key-Systems GmbH');
  });

  it('keeps the calendar date as written in the event timestamp', () => {
    const json = {
      events: [
        { eventAction: 'registration', eventDate: '2010-01-05T23:30:00-05:00' },
        { eventAction: 'expiration', eventDate: '2031-01-05' },
      ],
    };
    expect(parseRdapDomain(json)).toMatchObject({ created_at: '2010-01-05', expires_at: '2031-01-05' });
  });

  it('lowercases, dedupes and sorts name servers and drops trailing dots', () => {
    const json = { nameservers: [{ ldhName: 'NS2.Example.COM.' }, { ldhName: 'ns1.example.com' }, { ldhName: 'ns2.example.com' }] };
    expect(parseRdapDomain(json).nameservers).toEqual(['ns1.example.com', 'ns2.example.com']);
  });

  it.each([null, undefined, 42, 'domain', [], true])('returns all nulls for the non-object %j', (input) => {
    expect(parseRdapDomain(input)).toEqual(NULLS);
  });

  it('tolerates garbage fields', () => {
    const json = {
      entities: 'x',
      events: [null, 3, { eventAction: 'registration', eventDate: 12 }, { eventAction: 'expiration', eventDate: 'soon' }],
      nameservers: [null, { ldhName: 5 }, 'ns1.example.com'],
    };
    expect(parseRdapDomain(json)).toEqual(NULLS);
    expect(parseRdapDomain({ entities: [{ roles: 'registrar', vcardArray: ['vcard', 'x'] }, { roles: ['registrar'], vcardArray: [] }] })).toEqual(NULLS);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date as the wait from now', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([null, '', '  ', 'soon', '-5', '1.5'])('returns undefined for %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { caseHasFault, cloneCase, createDomainRewriter, generateCases, loadCases, parseCaseFile } from './sim.cases.js';
import type { SimCase } from './sim.types.js';

const CASES_PATH = fileURLToPath(new URL('../../test/fixtures/dns-cases.json', import.meta.url));

let corpus: SimCase[];
beforeAll(async () => {
  corpus = await loadCases(CASES_PATH);
});

function byDomain(domain: string): SimCase {
  const c = corpus.find((x) => x.domain === domain);
  if (!c) throw new Error(`corpus has no ${domain}`);
  return c;
}

describe('loadCases / parseCaseFile', () => {
  test('the corpus loads and validates', () => {
    expect(corpus.length).toBeGreaterThan(50);
  });

  test('a misspelt record type is rejected with the case named', () => {
    const file = { cases: [{ domain: 'bad.test', zone: { 'bad.test': { Mx: [[10, 'mx.bad.test']] } } }] };
    expect(() => parseCaseFile(file)).toThrow(/cases\.0\.zone.*\(bad\.test\)/);
  });

  test('unknown case-level fields are kept', () => {
    const file = { cases: [{ domain: 'a.test', zone: {}, note: 'kept' }] };
    expect(parseCaseFile(file).cases[0]).toMatchObject({ note: 'kept' });
  });
});

describe('cloneCase', () => {
  test('rewrites owners, records, raw WHOIS (uppercase too), RDAP and expected fields', () => {
    const original = byDomain('fener-zephyr17.fr');
    const c = cloneCase(original, 'fener-zephyr17-g5.fr');
    expect(c.domain).toBe('fener-zephyr17-g5.fr');
    expect(Object.keys(c.zone)).toEqual(['fener-zephyr17-g5.fr', 'default._domainkey.fener-zephyr17-g5.fr', '_dmarc.fener-zephyr17-g5.fr']);
    expect(c.zone['_dmarc.fener-zephyr17-g5.fr'].TXT).toEqual([['v=DMARC1; p=none; rua=mailto:dmarc@fener-zephyr17-g5.fr']]);
    expect(c.whois?.raw).toContain('domain:                        fener-zephyr17-g5.fr');
    expect(c.whois?.rdap?.ldhName).toBe('FENER-ZEPHYR17-G5.FR');
    expect(c.expect?.domain).toBe('fener-zephyr17-g5.fr');
    // Unrelated strings are untouched.
    expect(c.zone['fener-zephyr17-g5.fr'].MX).toEqual([[10, 'inbound-smtp.us-west-2.amazonaws.com']]);
    expect(c.zone['fener-zephyr17-g5.fr'].TXT).toEqual(original.zone['fener-zephyr17.fr'].TXT);
    expect(original.domain).toBe('fener-zephyr17.fr');
  });

  test('rewrites provider-derived names so the CNAME still lands on the cloned owner', () => {
    const c = cloneCase(byDomain('kuzey-nehir89.com'), 'kuzey-nehir89-g1.com');
    const target = c.zone['selector2._domainkey.kuzey-nehir89-g1.com'].CNAME;
    expect(target).toBe('selector2-kuzey-nehir89-g1-com._domainkey.kuzeynehir89g1.onmicrosoft.com');
    expect(c.zone[target as string]).toBeDefined();
  });

  test('leaves no mention of the old domain in any corpus case', () => {
    for (const original of corpus) {
      const [label, ...rest] = original.domain.split('.');
      const c = cloneCase(original, `${label}-g9.${rest.join('.')}`);
      const text = JSON.stringify(c).toLowerCase();
      const old = original.domain.replace(/\./g, '\\.');
      expect(text, original.domain).not.toMatch(new RegExp(`(?<![a-z0-9-])${old}(?![a-z0-9-])`));
      for (const owner of Object.keys(c.zone)) expect(original.zone[owner], `${original.domain}: ${owner}`).toBeUndefined();
    }
  });

  test('cloning back gives the original case, for every corpus case', () => {
    for (const original of corpus) {
      const [label, ...rest] = original.domain.split('.');
      const there = cloneCase(original, `${label}-g3.${rest.join('.')}`);
      expect(cloneCase(there, original.domain), original.domain).toEqual(original);
    }
  });

  test('the domain rewriter respects name boundaries', () => {
    const rewrite = createDomainRewriter('acme.com', 'acme-g1.com');
    expect(rewrite('ns1.acme.com myacme.com ACME.COM. acme-com.mail.protection.outlook.com acme-company mx1.acme.iphmx.com')).toBe(
      'ns1.acme-g1.com myacme.com ACME-G1.COM. acme-g1-com.mail.protection.outlook.com acme-company mx1.acme-g1.iphmx.com',
    );
  });
});

describe('generateCases', () => {
  test('makes n unique names <label>-g<i>.<suffix>, cycling over clean cases', () => {
    const clean = corpus.filter((c) => !caseHasFault(c));
    const n = clean.length + 3;
    const generated = generateCases(corpus, n);
    expect(generated).toHaveLength(n);
    expect(new Set(generated.map((c) => c.domain)).size).toBe(n);
    expect(generated.some(caseHasFault)).toBe(false);
    const [label, ...rest] = clean[0].domain.split('.');
    expect(generated[0].domain).toBe(`${label}-g0.${rest.join('.')}`);
    expect(generated[clean.length].kind).toBe(clean[0].kind);
    const owners = generated.flatMap((c) => Object.keys(c.zone));
    expect(new Set(owners).size).toBe(owners.length);
  });

  test('includeFaults clones faulty cases too', () => {
    const generated = generateCases(corpus, corpus.length, { includeFaults: true });
    expect(generated.filter(caseHasFault).length).toBe(corpus.filter(caseHasFault).length);
  });
});

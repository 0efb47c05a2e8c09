import { describe, expect, it } from 'vitest';
import { isDkimRecord, orderDkimSelectors } from './dkim.js';

const DEFAULT = ['selector1', 'selector2', 'google', 'default', 'k1'];

describe('orderDkimSelectors', () => {
  it('puts the provider\'s own selectors first (domain-model §2)', () => {
    expect(orderDkimSelectors(DEFAULT, { provider: 'M365', mailGateway: null, spfIncludes: [] })).toEqual(['selector1', 'selector2', 'default', 'k1', 'google']);
    expect(orderDkimSelectors(DEFAULT, { provider: 'Google', mailGateway: null, spfIncludes: [] })).toEqual(['google', 'default', 'k1', 'selector1', 'selector2']);
  });

  it('probes another provider\'s selectors last when neither MX nor SPF names that provider', () => {
    for (const provider of ['Local', 'Hosting', 'Unknown', 'Zoho', 'Yandex', 'Amazon'] as const) {
      expect(orderDkimSelectors(DEFAULT, { provider, mailGateway: null, spfIncludes: [] })).toEqual(['default', 'k1', 'selector1', 'selector2', 'google']);
    }
  });

  it('keeps a sender the SPF names in its configured place', () => {
    expect(orderDkimSelectors(DEFAULT, { provider: 'Hosting', mailGateway: null, spfIncludes: ['spf.protection.outlook.com'] })).toEqual(['selector1', 'selector2', 'default', 'k1', 'google']);
    expect(orderDkimSelectors(DEFAULT, { provider: 'Zoho', mailGateway: null, spfIncludes: ['zoho.eu', '_spf.google.com'] })).toEqual(['google', 'default', 'k1', 'selector1', 'selector2']);
    // label boundaries, as for the MX tables: a look-alike include names no one
    expect(orderDkimSelectors(DEFAULT, { provider: 'Local', mailGateway: null, spfIncludes: ['evil_spf.google.com'] })).toEqual(['default', 'k1', 'selector1', 'selector2', 'google']);
  });

  it('behind a security gateway keeps the configured order after the (inferred) provider\'s own', () => {
    expect(orderDkimSelectors(DEFAULT, { provider: 'Local', mailGateway: 'Mimecast', spfIncludes: [] })).toEqual(DEFAULT);
    expect(orderDkimSelectors(DEFAULT, { provider: 'Google', mailGateway: 'Cisco', spfIncludes: ['_spf.google.com'] })).toEqual(['google', 'selector1', 'selector2', 'default', 'k1']);
  });

  it('probes only configured selectors, each once', () => {
    expect(orderDkimSelectors(['k1', 'default', 'k1'], { provider: 'M365', mailGateway: null, spfIncludes: [] })).toEqual(['k1', 'default']);
    expect(orderDkimSelectors([], 'Google')).toEqual([]);
    expect(orderDkimSelectors(['google', 'mail'], 'Local')).toEqual(['mail', 'google']);
  });
});

describe('isDkimRecord', () => {
  it('accepts v=DKIM1 or a p= tag, split over strings', () => {
    expect(isDkimRecord(['v=DKIM1; k=rsa; ', 'p=MIGf'])).toBe(true);
    expect(isDkimRecord(['k=rsa; p=MIGf'])).toBe(true);
    expect(isDkimRecord(['v=spf1 -all'])).toBe(false);
  });
});

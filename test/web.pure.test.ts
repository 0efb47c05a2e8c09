/** The dashboard's pure helpers (web/src): what a paste or a CSV sends, how the table filters and sorts, rates. */
import { describe, expect, it } from 'vitest';
import { rateOf, formatDuration, formatRate } from '../web/src/format.js';
import { entriesFromText } from '../web/src/input.js';
import type { Lead } from '../web/src/operations.js';
import { EMPTY_FILTER, filterLeads, sortLeads, tagsOf } from '../web/src/table-state.js';

describe('entriesFromText', () => {
  it('takes one entry a line from pasted text, words split, blanks dropped', () => {
    expect(entriesFromText('acme.com\n\n  https://www.example.org/x \ninfo@firm.eu other.net\n')).toEqual(['acme.com', 'https://www.example.org/x', 'info@firm.eu', 'other.net']);
  });
  it('takes the named column of a CSV with a header, any delimiter, quotes and a BOM', () => {
    expect(entriesFromText('\ufeffCompany,Website,City\n"Acme, Inc",acme.com,Paris\nFirm,https://firm.eu/,Rome\n')).toEqual(['acme.com', 'https://firm.eu/']);
    expect(entriesFromText('name;E-mail\nA;a@acme.com\nB;b@firm.eu')).toEqual(['a@acme.com', 'b@firm.eu']);
  });
  it('takes the first column otherwise, skipping a header row that cannot be a domain', () => {
    expect(entriesFromText('company site\nacme.com,1\nfirm.eu,2')).toEqual(['acme.com', 'firm.eu']);
    expect(entriesFromText('acme.com,1\nfirm.eu,2')).toEqual(['acme.com', 'firm.eu']);
    expect(entriesFromText('')).toEqual([]);
  });
});

const lead = (domain: string, over: Partial<Lead>): Lead => ({
  domain, score: 50, segment: 'Cold', provider: 'Unknown', providerConfidence: 'low', mxRoot: null, mailGateway: null, tenantSize: null,
  spf: false, dkim: false, dmarcPolicy: null, registrar: null, expiresAt: null, scanStatus: 'completed', scannedAt: '2026-11-28T12:00:00Z',
  priorityScore: 4, priorityCategory: 'P4', priorityLabel: '', tags: [], ...over,
});
const leads = [
  lead('b.com', { provider: 'Google', segment: 'Migration', priorityCategory: 'P2', score: 70, tags: ['migration-ready'], mxRoot: 'google.com' }),
  lead('a.com', { provider: 'M365', segment: 'Existing', priorityCategory: 'P4', score: 70 }),
  lead('c.com', { provider: 'Google', segment: 'Migration', priorityCategory: 'P2', score: 90, tags: ['migration-ready', 'gateway'] }),
  lead('d.com', { score: 10 }),
];
const domains = (list: Lead[]) => list.map((l) => l.domain);

describe('filterLeads / sortLeads', () => {
  it('filters on every field together', () => {
    expect(domains(filterLeads(leads, { ...EMPTY_FILTER, provider: 'Google' }))).toEqual(['b.com', 'c.com']);
    expect(domains(filterLeads(leads, { ...EMPTY_FILTER, tag: 'gateway' }))).toEqual(['c.com']);
    expect(domains(filterLeads(leads, { ...EMPTY_FILTER, minScore: '70', segment: 'Existing' }))).toEqual(['a.com']);
    expect(domains(filterLeads(leads, { ...EMPTY_FILTER, priority: 'P2', minScore: '80' }))).toEqual(['c.com']);
    expect(domains(filterLeads(leads, { ...EMPTY_FILTER, text: 'GOOGLE.com' }))).toEqual(['b.com']);
    expect(domains(filterLeads(leads, { ...EMPTY_FILTER, minScore: 'x' }))).toHaveLength(4);
  });
  it('sorts by a column, ties by score (best first) then domain', () => {
    expect(domains(sortLeads(leads, { key: 'priorityCategory', descending: false }))).toEqual(['c.com', 'b.com', 'a.com', 'd.com']);
    expect(domains(sortLeads(leads, { key: 'score', descending: true }))).toEqual(['c.com', 'a.com', 'b.com', 'd.com']);
    expect(domains(sortLeads(leads, { key: 'domain', descending: true }))).toEqual(['d.com', 'c.com', 'b.com', 'a.com']);
    expect(tagsOf(leads)).toEqual(['gateway', 'migration-ready']);
  });
});

describe('rate and durations', () => {
  it('measures the rate over the last window only', () => {
    expect(rateOf([{ at: 0, processed: 0 }])).toBeNull();
    expect(rateOf([{ at: 0, processed: 0 }, { at: 20_000, processed: 10 }, { at: 25_000, processed: 60 }, { at: 30_000, processed: 110 }])).toBe(10);
    expect(formatRate(12.4)).toBe('12/s');
    expect(formatRate(2.46)).toBe('2.5/s');
    expect(formatDuration(59.6)).toBe('1 min 00 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('–');
  });
});
